// The one place our providers get Twilio clients. Pulumi serializes provider methods and runs
// them in another process without a TypeScript loader, so everything here is a plain function
// that `require`s npm packages inside its body and captures only plain data (strings).
import type { Twilio } from "twilio";
import type { TwilioServerlessApiClient } from "@twilio-labs/serverless-api";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { FunctionEnv } from "@flex-call-recovery/vocabulary";

// Captured by value when a provider is serialized (a plain string, not the vocabulary module).
const TWIN_BASE_URL_ENV: string = FunctionEnv.twilioApiBaseUrl;

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

/** Credentials from the environment; `configureCredentials` copies the stack config there first. */
export function twilioCredentials(): TwilioCredentials {
  const accountSid = process.env.TWILIO_ACCOUNT_SID;
  const authToken = process.env.TWILIO_AUTH_TOKEN;
  if (!accountSid || !authToken) {
    throw new Error(
      "Twilio credentials missing: set twilio:accountSid and twilio:authToken (--secret) in the stack config, " +
        "or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN in the environment",
    );
  }
  return { accountSid, authToken };
}

/**
 * A provider's `configure`: the dynamic-provider host hands it the stack config once per process.
 * Config wins over the environment so a stack always deploys to the account it names.
 */
export async function configureCredentials(req: dynamic.ConfigureRequest): Promise<void> {
  const accountSid = req.config.get("twilio:accountSid");
  const authToken = req.config.get("twilio:authToken");
  if (accountSid) process.env.TWILIO_ACCOUNT_SID = accountSid;
  if (authToken) process.env.TWILIO_AUTH_TOKEN = authToken;
}

/** Base URL of the offline twin when set (tests and the offline deploy only). */
export function twinBaseUrl(): string | null {
  const base = process.env[TWIN_BASE_URL_ENV];
  return base ? base.replace(/\/+$/, "") : null;
}

/**
 * `https://<host>/<path>` → `<base>/<host>/<path>`: the twin's `toTwinUrl` mapping (`@flex-call-recovery/twin/url`), repeated
 * here because provider code may not import our TypeScript modules (a test keeps them equal).
 */
export function twinUrl(base: string, uri: string): string {
  const original = new URL(uri);
  return `${base}/${original.host}${original.pathname}${original.search}`;
}

/**
 * A `twilio` client with auto-retry on 429. With the twin's base URL set, every request goes to
 * `<base>/<twilio host>/<path>` (`twinUrl`).
 */
export function twilioClient(): Twilio {
  const twilio = require("twilio") as typeof import("twilio");
  const { accountSid, authToken } = twilioCredentials();
  const base = twinBaseUrl();
  // With our own httpClient the `autoRetry` option of twilio() is ignored: set it here.
  const retry = { autoRetry: true, maxRetries: 5 };
  if (!base) return twilio(accountSid, authToken, { httpClient: new twilio.RequestClient(retry) });
  class TwinRequestClient extends twilio.RequestClient {
    override request<TData>(opts: import("twilio/lib/base/RequestClient").RequestOptions<TData>) {
      return super.request<TData>({ ...opts, uri: twinUrl(base as string, opts.uri) });
    }
  }
  // No keep-alive towards the twin: idle sockets would hold its server open at the end of a run.
  return twilio(accountSid, authToken, { httpClient: new TwinRequestClient({ ...retry, keepAlive: false }) });
}

/** An `@twilio-labs/serverless-api` client, redirected to the twin by a got hook when set. */
export function serverlessClient(): TwilioServerlessApiClient {
  const { TwilioServerlessApiClient } =
    require("@twilio-labs/serverless-api") as typeof import("@twilio-labs/serverless-api");
  const { accountSid, authToken } = twilioCredentials();
  const api = new TwilioServerlessApiClient({ username: accountSid, password: authToken });
  const base = twinBaseUrl();
  if (base) {
    const target = new URL(base);
    const prefix = target.pathname.replace(/\/+$/, "");
    // `client` is private in the typings but is the got instance every request goes through.
    const internals = api as unknown as { client: import("got").Got };
    internals.client = internals.client.extend({
      hooks: {
        beforeRequest: [
          (options: { url: URL }) => {
            // got sends options.url as mutated here; the result equals twinUrl(base, url).
            const host = options.url.host;
            options.url.protocol = target.protocol;
            options.url.host = target.host;
            options.url.pathname = `${prefix}/${host}${options.url.pathname}`;
          },
        ],
      },
    });
  }
  return api;
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

/** Pulumi sends this string for values not known yet during preview (pitfall 3). */
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
