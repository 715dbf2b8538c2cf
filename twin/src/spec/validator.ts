// The validating layer: checks every twin response against the spec's response schema of the
// operation that produced it, and every request body against the operation's request schema.
// Schemas compile lazily (per operation and status) so a test touching three routes pays for three.
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { Route } from "../http/router";
import { LOCAL_SCHEMA_HOST, LOCAL_SCHEMAS } from "./localSchemas";
import { loadSpec, OpenApiOperation, specOperation } from "./specs";

/** Twilio's error body; the specs declare no error responses, so errors are checked against this. */
export const TWILIO_ERROR_SCHEMA = {
  type: "object",
  required: ["code", "message", "more_info", "status"],
  properties: {
    code: { type: "integer" },
    message: { type: "string" },
    more_info: { type: "string", format: "uri" },
    status: { type: "integer" },
    detail: { type: "string" },
  },
};

/** A response that broke the spec (a twin bug; a bad request is the caller's, answered 400, not listed). */
export interface ValidationFailure {
  kind: "response";
  method: string;
  host: string;
  path: string;
  status?: number;
  errors: string;
}

export interface ValidationStats {
  requestsChecked: number;
  /** Requests answered 400 because their body broke the spec's request schema (the caller's bug, not the twin's). */
  requestsRejected: number;
  /** Query strings checked against the operation's query parameters. */
  queriesChecked: number;
  /** Requests without a body schema to check against (GET, DELETE, documented exceptions). */
  requestsWithoutSchema: number;
  responsesServed: number;
  responsesChecked: number;
  failures: ValidationFailure[];
}

/**
 * Makes a spec document ajv-ready. Rewrites OpenAPI 3.0 `nullable` into JSON Schema ajv understands: `nullable` beside `$ref` or
 * without a `type` becomes `anyOf [..., null]` / is dropped, and a nullable `enum` gains `null`. With `requireAll` (responses),
 * every listed property becomes required.
 */
function normaliseSchema(node: unknown, requireAll: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => normaliseSchema(item, requireAll));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples are large and never validated.
    if (key === "examples" || key === "example") continue;
    // `properties` maps names to schemas: a property may itself be called "example(s)".
    out[key] =
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseSchema(v, requireAll)]))
        : normaliseSchema(value, requireAll);
  }
  // Responses must carry every property the schema lists (null where Twilio sends null).
  if (requireAll && out.type === "object" && out.properties && typeof out.properties === "object" && !out.required) {
    out.required = Object.keys(out.properties);
  }
  if (out.nullable === true) {
    if (typeof out.$ref === "string") {
      const ref = out.$ref;
      delete out.$ref;
      delete out.nullable;
      out.anyOf = [{ $ref: ref }, { type: "null" }];
    } else if (out.type === undefined) {
      delete out.nullable;
    } else if (Array.isArray(out.enum) && !out.enum.includes(null)) {
      out.enum = [...out.enum, null];
    }
  }
  return out;
}

/**
 * Where the spec contradicts itself, and the twin follows Twilio's documented behaviour instead.
 * Each entry: spec host, component schema, property, and why.
 */
export const SPEC_ERRATA: { host: string; schema: string; property: string; why: string }[] = [
  {
    host: "api.twilio.com",
    schema: "api.v2010.account.conference",
    property: "reason_conference_ended",
    why: "its own description says it is null while the conference is in progress, but the $ref is not nullable",
  },
];

function applyErrata(host: string, doc: Record<string, unknown>): void {
  const schemas = (doc.components as { schemas?: Record<string, { properties?: Record<string, unknown> }> } | undefined)
    ?.schemas;
  for (const erratum of SPEC_ERRATA) {
    if (erratum.host !== host) continue;
    const properties = schemas?.[erratum.schema]?.properties;
    const property = properties?.[erratum.property];
    if (properties && property) properties[erratum.property] = { anyOf: [property, { type: "null" }] };
  }
}

// Normalised spec documents by "<host> <requireAll>", shared by every validator in the process
// (ajv only reads them), so a second twin in a test file does not redo the 2 MB 2010 file.
const normalisedCache = new Map<string, Record<string, unknown>>();

function normalisedSpec(host: string, requireAll: boolean): Record<string, unknown> | null {
  const cacheKey = `${host} ${requireAll}`;
  const cached = normalisedCache.get(cacheKey);
  if (cached) return cached;
  const doc = host === LOCAL_SCHEMA_HOST ? LOCAL_SCHEMAS : loadSpec(host);
  if (!doc) return null;
  const normalised = normaliseSchema(doc, requireAll) as Record<string, unknown>;
  applyErrata(host, normalised);
  normalisedCache.set(cacheKey, normalised);
  return normalised;
}

function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? "array" : false });
  addFormats(ajv);
  // Twilio's own 2010 responses put relative URIs ("/2010-04-01/Accounts/...") under `format: uri`.
  ajv.addFormat("uri", (s: string) => /^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(s));
  ajv.addFormat("date-time-rfc-2822", (s: string) =>
    /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/.test(s),
  );
  // Twilio-specific formats that constrain nothing we emit.
  for (const name of [
    "uri-map",
    "http-method",
    "phone-number",
    "phone-number-capabilities",
    "iso-country-code",
    "currency",
    "ice-server",
    "endpoint",
    "twiml",
    "OrganizationSid",
    "UserSid",
    "IdentityNotificationSid",
    "AccountSid",
  ]) {
    ajv.addFormat(name, true);
  }
  return ajv;
}

/**
 * Form parameters the spec types as `object` (Sync's `Data`) travel as JSON text: parse them so
 * the schema sees the object. Text that does not parse stays text and fails the type check.
 */
function parseJsonParams(op: OpenApiOperation, media: string, form: Record<string, unknown>): void {
  const schema = op.requestBody?.content?.[media]?.schema as
    { properties?: Record<string, { type?: string }> } | undefined;
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const value = form[name];
    if (property.type !== "object" || typeof value !== "string") continue;
    try {
      form[name] = JSON.parse(value) as unknown;
    } catch {
      // left as text: the schema check reports it
    }
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export class SpecValidator {
  readonly stats: ValidationStats = {
    requestsChecked: 0,
    requestsRejected: 0,
    queriesChecked: 0,
    requestsWithoutSchema: 0,
    responsesServed: 0,
    responsesChecked: 0,
    failures: [],
  };
  private readonly responseAjv = newAjv(false);
  private readonly requestAjv = newAjv(true);
  private readonly loadedHosts = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private errorValidator: ValidateFunction | null = null;

  private ensureSpec(ajv: Ajv, host: string): boolean {
    const key = `${ajv === this.requestAjv ? "req" : "res"}:${host}`;
    if (this.loadedHosts.has(key)) return true;
    const normalised = normalisedSpec(host, ajv === this.responseAjv);
    if (!normalised) return false;
    ajv.addSchema(normalised, host);
    this.loadedHosts.add(key);
    return true;
  }

  private compileRef(ajv: Ajv, cacheKey: string, host: string, pointer: string): ValidateFunction | null {
    if (this.compiled.has(cacheKey)) return this.compiled.get(cacheKey) ?? null;
    let fn: ValidateFunction | null = null;
    if (this.ensureSpec(ajv, host)) fn = ajv.compile({ $ref: `${host}#${pointer}` });
    this.compiled.set(cacheKey, fn);
    return fn;
  }

  /**
   * Checks a request body; returns a Twilio-style 400 message or null. A rejected request is the
   * caller's mistake, answered as Twilio would (400), and counted, not listed among `failures`.
   */
  checkRequest(route: Route, contentType: string, body: unknown, query: Record<string, unknown> = {}): string | null {
    const op = route.notInSpec ? null : specOperation(route.host, route.path, route.method);
    const queryProblem = op ? this.checkQuery(route, op, query) : null;
    if (queryProblem) {
      this.stats.requestsRejected++;
      return queryProblem;
    }
    const media = op?.requestBody?.content ? Object.keys(op.requestBody.content)[0] : undefined;
    if (!op || !media) {
      this.stats.requestsWithoutSchema++;
      return null;
    }
    this.stats.requestsChecked++;
    if (!contentType.startsWith(media) && body && Object.keys(body).length > 0) {
      this.stats.requestsRejected++;
      return `Unsupported content type ${contentType || "(none)"}: ${route.operation} takes ${media}`;
    }
    const pointer = `/paths/${escapePointer(route.path)}/${route.method.toLowerCase()}/requestBody/content/${escapePointer(media)}/schema`;
    const fn = this.compileRef(this.requestAjv, `req ${route.host} ${pointer}`, route.host, pointer);
    if (!fn) return null;
    // Coercion (form strings → integers/booleans/arrays) must not touch the handler's copy.
    const copy = structuredClone(body ?? {}) as Record<string, unknown>;
    if (media === "application/x-www-form-urlencoded") parseJsonParams(op, media, copy);
    if (fn(copy)) return null;
    this.stats.requestsRejected++;
    const first = fn.errors?.[0];
    if (first?.keyword === "required") {
      return `Missing required parameter ${String(first.params.missingProperty)} in the post body`;
    }
    const name = first?.instancePath.split("/")[1] ?? "body";
    return `Invalid parameter ${name}: ${first?.message ?? "does not match the spec"}`;
  }

  /** Checks the query string against the operation's `in: query` parameters (PageSize, filters...). */
  private checkQuery(route: Route, op: OpenApiOperation, query: Record<string, unknown>): string | null {
    const names = Object.keys(query);
    if (names.length === 0) return null;
    const cacheKey = `query ${route.method} ${route.host} ${route.path}`;
    let fn = this.compiled.get(cacheKey);
    if (fn === undefined) {
      fn = null;
      const properties: Record<string, unknown> = {};
      const base = `/paths/${escapePointer(route.path)}/${route.method.toLowerCase()}/parameters`;
      (op.parameters ?? []).forEach((p, i) => {
        if (p.in === "query" && p.schema) properties[p.name] = { $ref: `${route.host}#${base}/${i}/schema` };
      });
      if (Object.keys(properties).length > 0 && this.ensureSpec(this.requestAjv, route.host)) {
        fn = this.requestAjv.compile({ type: "object", properties });
      }
      this.compiled.set(cacheKey, fn);
    }
    this.stats.queriesChecked++;
    if (!fn || fn(structuredClone(query))) return null;
    const first = fn.errors?.[0];
    const name = first?.instancePath.split("/")[1] ?? "query";
    return `Invalid query parameter ${name}: ${first?.message ?? "does not match the spec"}`;
  }

  /** Checks a response; returns an error text or null. Counts every response it sees. */
  checkResponse(
    route: Route | null,
    method: string,
    host: string,
    path: string,
    status: number,
    body: unknown,
  ): string | null {
    this.stats.responsesServed++;
    if (status >= 400) {
      this.errorValidator ??= this.responseAjv.compile(TWILIO_ERROR_SCHEMA);
      this.stats.responsesChecked++;
      if (this.errorValidator(body)) return null;
      return this.fail({ method, host, path }, status, this.responseAjv.errorsText(this.errorValidator.errors));
    }
    if (!route) return this.fail({ method, host, path }, status, "success answer without a route");
    const schemaRef = route.notInSpec ? route.responseSchema : undefined;
    let fn: ValidateFunction | null = null;
    if (schemaRef) {
      fn = this.compileRef(
        this.responseAjv,
        `res ${schemaRef.host} ${schemaRef.pointer}`,
        schemaRef.host,
        schemaRef.pointer,
      );
    } else {
      const op = specOperation(route.host, route.path, route.method);
      const declared = op?.responses?.[String(status)];
      if (!declared) {
        return this.fail(route, status, `status ${status} is not a response the spec declares`);
      }
      const content = declared.content?.["application/json"];
      if (!content?.schema) {
        this.stats.responsesChecked++;
        return body === undefined || body === null || body === ""
          ? null
          : this.fail(route, status, "the spec declares no body");
      }
      const pointer = `/paths/${escapePointer(route.path)}/${route.method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
      fn = this.compileRef(this.responseAjv, `res ${route.host} ${pointer}`, route.host, pointer);
    }
    if (!fn) return this.fail(route, status, "no schema to validate against");
    this.stats.responsesChecked++;
    if (fn(body)) return null;
    return this.fail(route, status, this.responseAjv.errorsText(fn.errors));
  }

  /** `answered` is the route, or the request's method, host and path when no route matched. */
  private fail(answered: { method: string; host: string; path: string }, status: number, errors: string): string {
    const { method, host, path } = answered;
    this.stats.failures.push({ kind: "response", method, host, path, status, errors });
    return `response of ${method} ${host}${path} does not match Twilio's spec: ${errors}`;
  }
}
