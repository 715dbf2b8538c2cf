// Twilio's official OpenAPI description (twilio-oai, shipped in the pinned dev dependency
// @twilio-alpha/mcp). Loaded lazily per product host: the 2010 file alone is 2 MB.
import { readFileSync } from "fs";
import { dirname, join } from "path";

/** Which spec file describes each host the twin serves. serverless-upload has none (see routes). */
export const SPEC_FILES: Record<string, string> = {
  "taskrouter.twilio.com": "twilio_taskrouter_v1.json",
  "sync.twilio.com": "twilio_sync_v1.json",
  "serverless.twilio.com": "twilio_serverless_v1.json",
  "events.twilio.com": "twilio_events_v1.json",
  "flex-api.twilio.com": "twilio_flex_v1.json",
  "api.twilio.com": "twilio_api_v2010.json",
  "iam.twilio.com": "twilio_iam_v1.json",
};

export interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

let specDir: string | null = null;

export function specDirectory(): string {
  specDir ??= join(dirname(require.resolve("@twilio-alpha/mcp/package.json")), "twilio-oai", "spec", "json");
  return specDir;
}

const cache = new Map<string, OpenApiDocument>();

/** Enum values Twilio accepts that the spec's enum lacks. */
export const ENUM_ERRATA: { host: string; schema: string; add: string[]; why: string }[] = [
  {
    host: "taskrouter.twilio.com",
    schema: "task_reservation_enum_conference_event",
    add: ["modify", "announcement"],
    why: "conference status callbacks support `modify` and `announcement` (TwiML <Conference> docs); Flex subscribes to `modify`",
  },
  {
    host: "taskrouter.twilio.com",
    schema: "worker_reservation_enum_conference_event",
    add: ["modify", "announcement"],
    why: "same as the task reservation enum",
  },
];

/** The spec document of a host, or null for hosts without one. */
export function loadSpec(host: string): OpenApiDocument | null {
  const file = SPEC_FILES[host];
  if (!file) return null;
  let doc = cache.get(host);
  if (!doc) {
    doc = JSON.parse(readFileSync(join(specDirectory(), file), "utf8")) as OpenApiDocument;
    for (const erratum of ENUM_ERRATA) {
      const schema = erratum.host === host ? (doc.components?.schemas?.[erratum.schema] as { enum?: string[] }) : null;
      if (schema?.enum) schema.enum = [...schema.enum, ...erratum.add];
    }
    cache.set(host, doc);
  }
  return doc;
}

/** The operation object for host + spec path + HTTP method, or null when the spec has none. */
export function specOperation(host: string, path: string, method: string): OpenApiOperation | null {
  const item = loadSpec(host)?.paths[path];
  const op = item?.[method.toLowerCase()];
  return op && typeof op === "object" ? (op as OpenApiOperation) : null;
}
