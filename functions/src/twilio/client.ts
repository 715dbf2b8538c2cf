// The one Twilio client factory. Every handler gets its REST client here (never through
// `context.getTwilioClient()`, whose bundled client can neither retry nor be redirected), and this
// is the only module that reads TWILIO_API_BASE_URL, the override that points the functions at a
// local Twilio twin or test fake.
import { toTwinRequest, toTwinUrl } from "@flex-call-recovery/twin/url";
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import twilio from "twilio";
import type BaseRequestClient from "twilio/lib/base/RequestClient";
import { optionalSetting, requiredSetting, type FunctionContext } from "../config";

/** Retries of a request Twilio answered 429 (jittered exponential backoff inside the SDK). */
export const MAX_RETRIES = 5;

export type TwilioClient = twilio.Twilio;

/** Retries of a request that failed with a 5xx or a network error. */
export const SERVER_ERROR_RETRIES = 3;
const BACKOFF_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The SDK's own `autoRetry` covers 429 only; a recovery must also survive Twilio's occasional
 * 5xx and dropped connections (docs/failure-paths.md#twilio-errors-and-retries), so every request is retried on those too, with
 * jittered exponential backoff.
 */
export class RetryingRequestClient extends twilio.RequestClient {
  constructor(private readonly limit: CallLimit | null = null) {
    super({ autoRetry: true, maxRetries: MAX_RETRIES });
  }

  override async request<TData>(opts: BaseRequestClient.RequestOptions<TData>) {
    if (!this.limit) return this.requestWithRetries(opts);
    const limit = this.limit;
    return limit.run(() => this.requestWithRetries(opts));
  }

  private async requestWithRetries<TData>(opts: BaseRequestClient.RequestOptions<TData>) {
    // Creating a task is not idempotent: after a 5xx or a broken connection the task may exist,
    // and a retry would make a second ping. Only answers that guarantee nothing was created are
    // retried for it: 429 (refused before processing; the SDK retries those) and a connection that
    // was never made. After the others, perform.ts looks for the task before creating it again.
    const createsTask = isTaskCreation(opts);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= SERVER_ERROR_RETRIES;
      try {
        // Each attempt gets its own headers object: the SDK writes Authorization into it.
        const response = await super.request<TData>({ ...opts, headers: { ...opts.headers } });
        if (response.statusCode < 500 || last || createsTask) return response;
      } catch (error) {
        if (last || (createsTask && !neverConnected(error))) throw error;
      }
      await sleep(BACKOFF_MS * 2 ** attempt * (0.5 + Math.random()));
    }
  }
}

/** `POST …/Workspaces/{sid}/Tasks`: TaskRouter's task creation. */
export function isTaskCreation(opts: { method: string; uri: string }): boolean {
  return opts.method.toLowerCase() === "post" && /\/Workspaces\/[^/]+\/Tasks\/?$/.test(new URL(opts.uri).pathname);
}

/** Network errors raised before the request could reach Twilio (nothing can have been created). */
const NOT_CONNECTED_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"];

function neverConnected(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return NOT_CONNECTED_CODES.includes(String(code)) || NOT_CONNECTED_CODES.includes(String(causeCode));
}

/**
 * Sends every request to the twin: `https://<host>/<path>` becomes `<base>/<host>/<path>` and a
 * correlation header lets the twin group the calls one webhook caused (the twin's `toTwinRequest`,
 * bundled). A subclass of our own retrying client, not the twin's adapter: the retries, the call
 * limit and the ping's no-retry rule must hold against the twin exactly as against Twilio.
 */
export class TwinRequestClient extends RetryingRequestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly correlationId: string,
    limit: CallLimit | null = null,
  ) {
    super(limit);
  }

  override request<TData>(opts: BaseRequestClient.RequestOptions<TData>) {
    return super.request<TData>(toTwinRequest(this.baseUrl, opts, this.correlationId));
  }
}

function twinBaseUrl(context: FunctionContext): string | undefined {
  return optionalSetting(context, FunctionEnv.twilioApiBaseUrl);
}

/**
 * At most `size` Twilio requests in flight at once; the others wait their turn. One limit is shared
 * by every client of an invocation, so a batch of 1000 events does not open 4000 requests at once
 * (Twilio answers 429 beyond an account's concurrent-request limit:
 * https://www.twilio.com/docs/api/errors/20429). A request holds its slot through its retries.
 */
export class CallLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most requests that were ever in flight at once (for tests and logs). */
  peak = 0;

  constructor(readonly size: number) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await call();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `active` only drops when nobody waits.
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * The credentials the functions call Twilio with: an API key and its secret when both are set
 * (`API_KEY`/`API_SECRET`, the names `twilio-flex-token-validator` reads), else the auth token.
 */
export function twilioCredentials(context: FunctionContext): {
  accountSid: string;
  username: string;
  password: string;
} {
  const accountSid = requiredSetting(context, FunctionEnv.accountSid);
  const apiKey = optionalSetting(context, FunctionEnv.apiKey);
  const apiSecret = optionalSetting(context, FunctionEnv.apiSecret);
  if (apiKey && apiSecret) return { accountSid, username: apiKey, password: apiSecret };
  return { accountSid, username: accountSid, password: requiredSetting(context, FunctionEnv.authToken) };
}

/**
 * Twilio's region and edge (`TWILIO_REGION`, `TWILIO_EDGE`): the SDK then calls
 * `<product>.<edge>.<region>.twilio.com` (https://www.twilio.com/docs/global-infrastructure/edge-locations).
 */
function regionAndEdge(context: FunctionContext): { region?: string; edge?: string } {
  const region = optionalSetting(context, FunctionEnv.twilioRegion);
  const edge = optionalSetting(context, FunctionEnv.twilioEdge);
  return { ...(region ? { region } : {}), ...(edge ? { edge } : {}) };
}

/**
 * A REST client for this invocation. `correlationId` names what the calls are for (a conference
 * SID, an event id); it only travels to a twin. `limit`, when given, is shared with the
 * invocation's other clients.
 */
export function createTwilioClient(
  context: FunctionContext,
  correlationId: string,
  limit: CallLimit | null = null,
): TwilioClient {
  const { accountSid, username, password } = twilioCredentials(context);
  const base = twinBaseUrl(context);
  const httpClient = base ? new TwinRequestClient(base, correlationId, limit) : new RetryingRequestClient(limit);
  // With our own httpClient the SDK ignores autoRetry/maxRetries given here; the client sets them.
  return twilio(username, password, { accountSid, httpClient, ...regionAndEdge(context) });
}

/** What Twilio says about a Flex token (the fields we use). */
export interface FlexTokenResult {
  valid: boolean;
  worker_sid?: string;
  identity?: string;
  roles?: string[];
  realm_user_id?: string;
}

/** Twilio answered that the token is not valid (or not of this account): the caller answers 403. */
export class FlexTokenRejected extends Error {}

/** Twilio could not say (429/5xx or unreachable, after retries): the caller answers 503, the plugin retries. */
export class FlexTokenCheckUnavailable extends Error {}

/**
 * iam's host for the account's region: `iam.<realm>.twilio.com` where the realm is the part of
 * TWILIO_REGION before any `-`, else `iam.twilio.com` — what `twilio-flex-token-validator` 1.6
 * does (`functionValidator` in its dist/index.js).
 */
export function iamHost(context: FunctionContext): string {
  const realm = optionalSetting(context, FunctionEnv.twilioRegion)?.split("-")[0];
  return realm ? `iam.${realm}.twilio.com` : "iam.twilio.com";
}

/**
 * Validates a Flex token with Twilio's iam service: POST `/v1/Accounts/{sid}/Tokens/validate`, basic
 * auth, `{token}` — the request `twilio-flex-token-validator` makes. We make it ourselves because that
 * library turns Twilio's 429/5xx into the same rejection as an invalid token, so a passing hiccup of
 * iam would be a 403 that no client retries and the call could not be recovered (found end to end
 * with 20 % of Twilio calls failing). Here 429, 5xx and network errors are retried with backoff, and
 * reported as "unavailable" (503) when they persist; only an answer about the token rejects it.
 * With a twin configured the request goes to the twin.
 */
export async function validateFlexToken(context: FunctionContext, token: string): Promise<FlexTokenResult> {
  const { accountSid, username, password } = twilioCredentials(context);
  const base = twinBaseUrl(context);
  const iamUrl = `https://${iamHost(context)}/v1/Accounts/${accountSid}/Tokens/validate`;
  const url = base ? toTwinUrl(base, iamUrl) : iamUrl;
  for (let attempt = 0; ; attempt++) {
    let transient: string;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
          "content-type": "application/json",
          "cache-control": "no-cache",
        },
        body: JSON.stringify({ token }),
      });
      const result = (await response.json().catch(() => ({}))) as Partial<FlexTokenResult> & { message?: string };
      if (response.status !== 429 && response.status < 500) {
        if (response.ok && result.valid === true) return result as FlexTokenResult;
        throw new FlexTokenRejected(result.message ?? `token validation: HTTP ${response.status}`);
      }
      transient = `Twilio answered HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof FlexTokenRejected) throw error;
      transient = `Twilio unreachable (${(error as Error).message})`;
    }
    if (attempt >= SERVER_ERROR_RETRIES) {
      throw new FlexTokenCheckUnavailable(`token validation: ${transient} ${attempt + 1} times`);
    }
    await sleep(BACKOFF_MS * 2 ** attempt * (0.5 + Math.random()));
  }
}
