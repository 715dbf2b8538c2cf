// The one place our providers get Twilio clients. Pulumi serializes provider methods and runs
// them in another process without a TypeScript loader, so everything here is a plain function
// that `require`s npm packages inside its body and captures only plain data (strings) or other
// such functions: the twin redirect is the twin's own (`@flex-call-recovery/twin/url`, a module
// with no imports, which the serializer copies by value because it lies outside node_modules).
import { redirectServerlessApiToTwin, toTwinRequest } from "@flex-call-recovery/twin/url";
import type { Twilio } from "twilio";
import type { TwilioServerlessApiClient } from "@twilio-labs/serverless-api";
import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * Offline tests only: base URL of a local Twilio stand-in (e.g. `http://127.0.0.1:4010`). Every
 * request then goes to `<base>/<twilio host>/<path>`. Honoured only for plain http on a loopback
 * host: credentials are sent with every request, so any other URL is refused.
 */
export const TWILIO_API_BASE_URL_ENV = "TWILIO_API_BASE_URL";

/**
 * How the providers authenticate: the account SID plus either its auth token or an API key
 * (`SK…`) and its secret, which Twilio accepts as Basic-auth user/password in place of
 * `AccountSid:AuthToken` (https://www.twilio.com/docs/iam/api-keys). Region/edge choose Twilio's
 * data-centre and edge location (https://www.twilio.com/docs/global-infrastructure).
 */
export interface TwilioCredentials {
  accountSid: string;
  /** Basic-auth user: the API key SID, or the account SID with an auth token. */
  username: string;
  /** Basic-auth password: the API key secret or the auth token. */
  password: string;
  region: string | null;
  edge: string | null;
}

/**
 * Credentials from the environment (`configureCredentials` copies the stack config there first).
 * An API key wins over the auth token when both are set: it can be revoked on its own.
 */
export function twilioCredentials(): TwilioCredentials {
  const env = process.env;
  const accountSid = env.TWILIO_ACCOUNT_SID;
  const apiKey = env.TWILIO_API_KEY;
  const apiSecret = env.TWILIO_API_SECRET;
  const authToken = env.TWILIO_AUTH_TOKEN;
  const region = env.TWILIO_REGION || null;
  const edge = env.TWILIO_EDGE || null;
  if (accountSid && apiKey && apiSecret) return { accountSid, username: apiKey, password: apiSecret, region, edge };
  if (accountSid && authToken) return { accountSid, username: accountSid, password: authToken, region, edge };
  throw new Error(
    "Twilio credentials missing: set twilio:accountSid and either twilio:apiKey + twilio:apiSecret (--secret) or " +
      "twilio:authToken (--secret) in the stack config, or TWILIO_ACCOUNT_SID with TWILIO_API_KEY + " +
      "TWILIO_API_SECRET or TWILIO_AUTH_TOKEN in the environment",
  );
}

/** Stack config keys a provider reads, and the environment variable each one sets. */
const CONFIG_TO_ENV: [string, string][] = [
  ["twilio:accountSid", "TWILIO_ACCOUNT_SID"],
  ["twilio:authToken", "TWILIO_AUTH_TOKEN"],
  ["twilio:apiKey", "TWILIO_API_KEY"],
  ["twilio:apiSecret", "TWILIO_API_SECRET"],
  ["twilio:region", "TWILIO_REGION"],
  ["twilio:edge", "TWILIO_EDGE"],
];

/**
 * A provider's `configure`: the dynamic-provider host hands it the stack config once per process.
 * Config wins over the environment so a stack always deploys to the account it names. Only the
 * provider process's environment is written: nothing here reaches inputs, outputs or state.
 */
export async function configureCredentials(req: dynamic.ConfigureRequest): Promise<void> {
  for (const [key, envName] of CONFIG_TO_ENV) {
    const value = req.config.get(key);
    if (value) process.env[envName] = value;
  }
}

/** Why `base` may not stand in for Twilio, or null when it may (http on a loopback host). */
export function baseUrlProblem(base: string): string | null {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return `${TWILIO_API_BASE_URL_ENV} is not a URL: "${base}"`;
  }
  const loopback =
    ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === "http:" && loopback && !url.username && !url.password) return null;
  return (
    `${TWILIO_API_BASE_URL_ENV}=${url.protocol}//${url.host} is refused: it sends the Twilio credentials with every ` +
    "request, so it may only name a local stand-in (http://127.0.0.1:<port>, http://localhost:<port>). Unset it to " +
    "deploy to Twilio"
  );
}

/** Base URL of a local stand-in when set (offline tests); throws for anything but loopback http. */
export function twinBaseUrl(): string | null {
  const base = process.env[TWILIO_API_BASE_URL_ENV];
  if (!base) return null;
  const problem = baseUrlProblem(base);
  if (problem) throw new Error(problem);
  return base.replace(/\/+$/, "");
}

/**
 * A `twilio` client with auto-retry on 429. With a stand-in's base URL set, every request goes to
 * `<base>/<twilio host>/<path>` (the twin's `toTwinRequest`). The subclass is declared here, inside
 * the function, because its base class comes from the `twilio` required in this body: a class
 * captured from a module that imports `twilio` at its top would drag that import into the
 * serialized provider.
 */
export function twilioClient(): Twilio {
  const twilio = require("twilio") as typeof import("twilio");
  const { accountSid, username, password, region, edge } = twilioCredentials();
  const base = twinBaseUrl();
  // With our own httpClient the `autoRetry` option of twilio() is ignored: set it here.
  const retry = { autoRetry: true, maxRetries: 5 };
  const where = { accountSid, ...(region ? { region } : {}), ...(edge ? { edge } : {}) };
  if (!base) return twilio(username, password, { ...where, httpClient: new twilio.RequestClient(retry) });
  class TwinRequestClient extends twilio.RequestClient {
    override request<TData>(opts: import("twilio/lib/base/RequestClient").RequestOptions<TData>) {
      return super.request<TData>(toTwinRequest(base as string, opts));
    }
  }
  // No keep-alive towards the twin: idle sockets would hold its server open at the end of a run.
  return twilio(username, password, { ...where, httpClient: new TwinRequestClient({ ...retry, keepAlive: false }) });
}

/** An `@twilio-labs/serverless-api` client, redirected to the stand-in (the twin's got hook) when set. */
export function serverlessClient(): TwilioServerlessApiClient {
  const { TwilioServerlessApiClient } =
    require("@twilio-labs/serverless-api") as typeof import("@twilio-labs/serverless-api");
  const { username, password, region, edge } = twilioCredentials();
  const api = new TwilioServerlessApiClient({
    username,
    password,
    ...(region ? { region } : {}),
    ...(edge ? { edge } : {}),
  });
  const base = twinBaseUrl();
  return base ? redirectServerlessApiToTwin(api, base) : api;
}

/** Twilio's error shape (RestException) and got's HTTPError, reduced to what a message needs. */
interface ApiErrorLike {
  status?: number;
  code?: number;
  message?: string;
  response?: { statusCode?: number; body?: unknown };
}

/**
 * The providers' one `callApi`: runs an operation with a fresh client (clients are built inside
 * provider methods, never captured); a failure names the operation, HTTP status and Twilio code.
 */
export async function callApi<T>(operation: string, fn: (client: Twilio) => Promise<T>): Promise<T> {
  try {
    return await fn(twilioClient());
  } catch (err) {
    throw apiError(operation, err);
  }
}

export function apiError(operation: string, err: unknown): Error {
  const e = (err ?? {}) as ApiErrorLike;
  const status = e.status ?? e.response?.statusCode;
  const code = e.code !== undefined ? ` (Twilio error ${e.code})` : "";
  return new Error(`${operation} failed: HTTP ${status ?? "-"}${code}: ${e.message ?? String(err)}`);
}

/** HTTP 404 from either client: the resource is gone (drift, or deleted out of band). */
export function isNotFound(err: unknown): boolean {
  const e = (err ?? {}) as ApiErrorLike;
  return e.status === 404 || e.response?.statusCode === 404 || /HTTP 404/.test(e.message ?? "");
}

/** Pulumi sends this string for values not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when any part of `value` is still unknown (preview): diff must not judge it. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** JSON with keys sorted at every level: two configurations mean the same iff these are equal. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v as object).sort()) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) out[key] = sort(item);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

/**
 * Whether a diff must report `key` as changed. An unknown new value (preview) may change, so it
 * counts as changed without being parsed; known values compare by meaning (canonical JSON).
 */
export function valueChanged(oldValue: unknown, newValue: unknown): boolean {
  if (containsUnknown(newValue)) return true;
  return canonicalJson(oldValue ?? null) !== canonicalJson(newValue ?? null);
}

/**
 * A provider's `read` body: a 404 from Twilio means the resource was deleted out of band, and an
 * empty result tells Pulumi it is gone.
 */
export async function readOrGone<T extends object>(
  read: () => Promise<T>,
): Promise<T | { id?: undefined; props?: undefined }> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return {};
    throw err;
  }
}

/**
 * The providers' one `diff`: `replace` lists the properties Twilio cannot update (a change
 * replaces the resource), `update` those it updates in place; `providerVersion` always counts.
 * `also` adds a change found otherwise (e.g. drift seen by the last read).
 */
export function diffProperties<O extends object, N extends object>(
  olds: O,
  news: N,
  spec: { replace?: string[]; update?: string[]; also?: boolean; deleteBeforeReplace?: boolean },
): dynamic.DiffResult {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  const replaces = (spec.replace ?? []).filter((k) => valueChanged(o[k], n[k]));
  const updates = [...(spec.update ?? []), "providerVersion"].filter((k) => valueChanged(o[k], n[k]));
  const changes = replaces.length + updates.length > 0 || spec.also === true;
  return { changes, replaces, deleteBeforeReplace: spec.deleteBeforeReplace ?? false };
}
