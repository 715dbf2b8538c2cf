// Outgoing webhooks of the twin (conference status callbacks, Event Streams sinks, workspace
// EventCallbackUrl, AnnounceUrl and TwiML fetches), signed the way Twilio signs them:
// - form bodies: X-Twilio-Signature = HMAC-SHA1(auth token, URL + sorted params), i.e.
//   `twilio.getExpectedTwilioSignature(token, url, params)`;
// - JSON bodies (Event Streams): the URL gets `bodySHA256=<hex SHA-256 of the body>` appended and the
//   signature covers that URL with no params, which is what `twilio.validateRequestWithBody`
//   checks. (Public receivers of Event Streams verify it this way, e.g. n8n's Twilio trigger.)
// Delivery is at-least-once: a failed or non-2xx answer is retried with exponential backoff on the
// twin's clock. Fault injection may duplicate a delivery or hold it back so the next one overtakes.
import http from "http";
import https from "https";
import { getExpectedBodyHash, getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import type { Clock } from "../clock";

export type WebhookBody = { kind: "form"; params: Record<string, string> } | { kind: "json"; json: string };

/**
 * How a failed delivery is retried:
 * - `at-least-once` (Event Streams): any failure or non-2xx, with backoff, up to the dispatcher's attempts;
 * - `voice` (voice callbacks): Twilio's connection overrides, https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides:
 *   without a `#…` fragment `rc=1` (one retry), `rp=ct,rt` (only on a connect or read timeout, not on
 *   an HTTP error answer) and `tt=15000` (all attempts within 15 s); the fragment overrides each;
 * - `none` (TaskRouter's EventCallbackUrl).
 */
export type RetryPolicy = "at-least-once" | "voice" | "none";

export interface WebhookRequest {
  url: string;
  method?: "POST" | "GET";
  body: WebhookBody;
  /** What this is, for the delivery log (e.g. `conference-status`, `event-streams`). */
  purpose: string;
  /** Default `none`. */
  retry?: RetryPolicy;
}

/** The failure classes of the connection overrides' `rp`: `ct` connect, `rt` read timeout, `4xx`, `5xx`. */
const FAILURE_CLASSES = ["ct", "rt", "4xx", "5xx"] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export interface ConnectionOverrides {
  /** Retries after the first attempt (`rc`, 0..5). */
  retries: number;
  /** Failure classes that are retried (`rp`; `all` = every class). */
  retryOn: Set<FailureClass>;
  /** Total time of all attempts, ms (`tt`). */
  totalMs: number;
}

/** Twilio's defaults for voice callbacks without a fragment. */
export const VOICE_CALLBACK_DEFAULTS: ConnectionOverrides = {
  retries: 1,
  retryOn: new Set<FailureClass>(["ct", "rt"]),
  totalMs: 15_000,
};

/**
 * Splits Twilio's connection overrides off a URL (`https://x/y#rc=2&rp=ct,5xx&tt=10000`): the
 * fragment is never sent, so it is neither requested nor signed. Unset keys keep the voice defaults.
 */
export function connectionOverrides(url: string): { url: string; overrides: ConnectionOverrides } {
  const hash = url.indexOf("#");
  if (hash < 0) return { url, overrides: VOICE_CALLBACK_DEFAULTS };
  const fragment = new URLSearchParams(url.slice(hash + 1));
  const int = (key: string, max: number, fallback: number) => {
    const value = fragment.get(key);
    return value !== null && /^\d+$/.test(value) ? Math.min(Number(value), max) : fallback;
  };
  const rp = fragment.get("rp");
  const classes = rp?.split(",").map((c) => c.trim()) ?? null;
  const retryOn = classes
    ? new Set(FAILURE_CLASSES.filter((c) => classes.includes("all") || classes.includes(c)))
    : VOICE_CALLBACK_DEFAULTS.retryOn;
  return {
    url: url.slice(0, hash),
    overrides: {
      retries: int("rc", 5, VOICE_CALLBACK_DEFAULTS.retries),
      retryOn,
      totalMs: int("tt", 15_000, VOICE_CALLBACK_DEFAULTS.totalMs),
    },
  };
}

/** A failed attempt's class: an HTTP status, or how the connection failed. */
function failureClass(status: number | null, error: unknown): FailureClass | null {
  if (status !== null) return status >= 500 ? "5xx" : status >= 400 ? "4xx" : null;
  return error instanceof WebhookTimeoutError ? "rt" : "ct";
}

class WebhookTimeoutError extends Error {}

export interface WebhookAttempt {
  /** Delivery id: attempts and duplicates of one logical webhook share it. */
  deliveryId: number;
  purpose: string;
  url: string;
  attempt: number;
  duplicate: boolean;
  status: number | null;
  error: string | null;
  at: Date;
  body: WebhookBody;
}

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Decides, per delivery, whether to duplicate it or hold it back (fault injection). */
export interface WebhookFaultPolicy {
  duplicate(): boolean;
  reorder(): boolean;
}

export interface WebhookDispatcherOptions {
  clock: Clock;
  /** The auth token that signs an account's webhooks. */
  authTokenFor: (accountSid: string) => string;
  faults?: WebhookFaultPolicy;
  /** Attempts per delivery (Twilio retries Event Streams for hours; the twin stops sooner). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. */
  retryBaseMs?: number;
  timeoutMs?: number;
  /** Public host → local base URL: where requests to that host actually go (signature unchanged). */
  routes?: Record<string, string>;
}

/** A webhook ready to send: the signed URL, the headers and the body text. */
export interface SignedWebhook {
  url: string;
  headers: Record<string, string>;
  payload: string | null;
}

/** Builds the signed URL, headers and body text of a webhook. */
export function signWebhook(authToken: string, request: WebhookRequest): SignedWebhook {
  const { url: base, body } = request;
  const sign = (url: string, params: Record<string, string>) => getExpectedTwilioSignature(authToken, url, params);
  const withQuery = (query: string) => (query ? `${base}${base.includes("?") ? "&" : "?"}${query}` : base);
  if (body.kind === "json") {
    const url = withQuery(`bodySHA256=${getExpectedBodyHash(body.json)}`);
    const headers = { "content-type": "application/json", "x-twilio-signature": sign(url, {}) };
    return { url, headers, payload: body.json };
  }
  const form = new URLSearchParams(body.params).toString();
  if (request.method === "GET") {
    // A GET carries its parameters in the query string; the signature covers that full URL.
    const url = withQuery(form);
    return { url, headers: { "x-twilio-signature": sign(url, {}) }, payload: null };
  }
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "x-twilio-signature": sign(base, body.params),
  };
  return { url: base, headers, payload: form };
}

/** How long a reordered delivery is held back (on the twin's clock) when no later one overtakes it. */
const REORDER_HOLD_MS = 200;

/** What every attempt of one delivery shares (a `send`, its injected duplicate, or a `fetch`). */
interface Delivery {
  accountSid: string;
  request: WebhookRequest;
  deliveryId: number;
  duplicate: boolean;
}

interface Held {
  send: () => void;
  timer: ReturnType<Clock["setTimer"]>;
}

export class WebhookDispatcher {
  private readonly clock: Clock;
  private readonly authTokenFor: (accountSid: string) => string;
  private readonly faults: WebhookFaultPolicy | undefined;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly timeoutMs: number;
  private nextDeliveryId = 1;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly retryTimers = new Set<ReturnType<Clock["setTimer"]>>();
  // A delivery held back by the reorder fault, per destination URL: released after the next one.
  private readonly held = new Map<string, Held>();
  private readonly log: WebhookAttempt[] = [];
  // Voice deliveries by id: their connection overrides and when the first attempt started.
  private readonly voiceDeliveries = new Map<number, { overrides: ConnectionOverrides; startedAt: number }>();
  // Public host (e.g. `svc-1234-dev.twil.io`) → local base URL the request is sent to instead.
  private readonly routes = new Map<string, string>();
  /**
   * At most this many requests in flight at once (null, the default: no limit); the others wait
   * in order, and their timeout starts when they are sent. For receivers sharing the twin's process
   * (the offline stack's functions): a thousand deliveries at once only make each wait for the
   * others' CPU, in real time while a virtual clock stands still, until the timeouts fire.
   */
  concurrency: number | null = null;
  private sending = 0;
  private readonly waitingToSend: (() => void)[] = [];

  constructor(options: WebhookDispatcherOptions) {
    this.clock = options.clock;
    this.authTokenFor = options.authTokenFor;
    this.faults = options.faults;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    for (const [host, base] of Object.entries(options.routes ?? {})) this.routeHost(host, base);
  }

  /**
   * Sends webhooks for `host` to `localBase` instead, as a DNS entry would: the request is signed
   * over the public URL (what the receiver validates against), only the connection goes elsewhere.
   */
  routeHost(host: string, localBase: string): void {
    this.routes.set(host.toLowerCase(), localBase.replace(/\/+$/, ""));
  }

  /** Fire-and-forget delivery with retries (and injected duplicates / reordering). */
  send(accountSid: string, asked: WebhookRequest): number {
    const { url, overrides } = connectionOverrides(asked.url);
    const request: WebhookRequest = { ...asked, url };
    const deliveryId = this.nextDeliveryId++;
    if (asked.retry === "voice") this.voiceDeliveries.set(deliveryId, { overrides, startedAt: performance.now() });
    const start = (duplicate: boolean) => this.attempt({ accountSid, request, deliveryId, duplicate }, 1);
    const sendAll = () => {
      start(false);
      if (this.faults?.duplicate()) start(true);
    };
    const previous = this.held.get(request.url);
    if (previous) {
      // This one overtakes the held one, which goes right after.
      this.held.delete(request.url);
      this.clock.clearTimer(previous.timer);
      sendAll();
      previous.send();
    } else if (this.faults?.reorder()) {
      const timer = this.clock.setTimer(REORDER_HOLD_MS, () => {
        if (this.held.get(request.url)?.send === sendAll) this.held.delete(request.url);
        sendAll();
      });
      this.held.set(request.url, { send: sendAll, timer });
    } else {
      sendAll();
    }
    return deliveryId;
  }

  /** One signed request whose answer the caller needs (AnnounceUrl, TwiML fetch); no retries. */
  async fetch(accountSid: string, asked: WebhookRequest): Promise<WebhookAnswer> {
    const request = { ...asked, url: connectionOverrides(asked.url).url };
    return this.request({ accountSid, request, deliveryId: this.nextDeliveryId++, duplicate: false }, 1);
  }

  /** Every attempt so far (the control API lists them). */
  attempts(): WebhookAttempt[] {
    return [...this.log];
  }

  /** Resolves when no request is in flight (retries and held deliveries scheduled later do not count). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Cancels scheduled retries and held deliveries. */
  dispose(): void {
    for (const timer of this.retryTimers) this.clock.clearTimer(timer);
    this.retryTimers.clear();
    for (const held of this.held.values()) this.clock.clearTimer(held.timer);
    this.held.clear();
  }

  private attempt(delivery: Delivery, attempt: number): void {
    const voice = this.voiceDeliveries.get(delivery.deliveryId);
    const timeoutMs = voice
      ? Math.max(1, Math.min(this.timeoutMs, voice.overrides.totalMs - (performance.now() - voice.startedAt)))
      : this.timeoutMs;
    const promise = this.request(delivery, attempt, timeoutMs).then(
      (answer) => {
        if (answer.status >= 200 && answer.status < 300) return this.voiceDeliveries.delete(delivery.deliveryId);
        this.retry(delivery, attempt, failureClass(answer.status, null));
      },
      (error: unknown) => this.retry(delivery, attempt, failureClass(null, error)),
    );
    this.track(promise);
  }

  private retry(delivery: Delivery, attempt: number, failure: FailureClass | null): void {
    const { request, deliveryId } = delivery;
    if (request.retry === "voice") {
      // Connection overrides: retried at once, while the class is in `rp`, `rc` allows and `tt` is not spent.
      const voice = this.voiceDeliveries.get(deliveryId);
      const o = voice?.overrides;
      const spent = voice ? performance.now() - voice.startedAt : Infinity;
      if (!o || !failure || !o.retryOn.has(failure) || attempt > o.retries || spent >= o.totalMs) {
        this.voiceDeliveries.delete(deliveryId);
        return;
      }
      return this.attempt(delivery, attempt + 1);
    }
    if (request.retry !== "at-least-once" || attempt >= this.maxAttempts) return;
    const timer = this.clock.setTimer(this.retryBaseMs * 2 ** (attempt - 1), () => {
      this.retryTimers.delete(timer);
      this.attempt(delivery, attempt + 1);
    });
    this.retryTimers.add(timer);
  }

  /** One signed attempt, sent and logged with its answer or error. */
  private request(delivery: Delivery, attempt: number, timeoutMs = this.timeoutMs): Promise<WebhookAnswer> {
    const { accountSid, request, deliveryId, duplicate } = delivery;
    const { purpose, url, body } = request;
    const record = (status: number | null, error: string | null) =>
      this.log.push({ deliveryId, attempt, duplicate, status, error, purpose, url, body, at: this.clock.now() });
    const signed = signWebhook(this.authTokenFor(accountSid), request);
    // One token per delivery, the same on every retry: what receivers dedupe retries by.
    signed.headers["i-twilio-idempotency-token"] = `twin-${deliveryId}`;
    const promise = this.httpRequest(request.method ?? "POST", signed, timeoutMs).then(
      (answer) => {
        record(answer.status, null);
        return answer;
      },
      (error: unknown) => {
        record(null, String(error));
        throw error;
      },
    );
    this.track(promise);
    return promise;
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  private httpRequest(method: string, signed: SignedWebhook, timeoutMs: number): Promise<WebhookAnswer> {
    if (this.concurrency === null && this.waitingToSend.length === 0) return this.transmit(method, signed, timeoutMs);
    const slot =
      this.sending < (this.concurrency ?? Infinity)
        ? (this.sending++, Promise.resolve())
        : new Promise<void>((resolve) => this.waitingToSend.push(resolve));
    return slot.then(() =>
      this.transmit(method, signed, timeoutMs).finally(() => {
        const next = this.waitingToSend.shift();
        // The slot passes straight to the next waiting request.
        if (next) next();
        else this.sending--;
      }),
    );
  }

  private transmit(
    method: string,
    { url, headers, payload }: SignedWebhook,
    timeoutMs: number,
  ): Promise<WebhookAnswer> {
    // Where the signed URL is actually sent (`routeHost`).
    const original = new URL(url);
    const base = this.routes.get(original.host.toLowerCase());
    const resolved = base ? `${base}${original.pathname}${original.search}` : url;
    if (resolved !== url) {
      // Tell the receiver the public URL it was addressed as (what the signature covers).
      headers = {
        ...headers,
        "x-forwarded-host": original.host,
        "x-forwarded-proto": original.protocol.replace(":", ""),
      };
    }
    return new Promise((resolve, reject) => {
      const target = new URL(resolved);
      const client = target.protocol === "https:" ? https : http;
      const allHeaders: Record<string, string | number> = {
        ...headers,
        "user-agent": "TwilioProxy/1.1",
        connection: "close",
      };
      if (payload !== null) allHeaders["content-length"] = Buffer.byteLength(payload);
      // agent: false → a fresh connection closed after the answer, so nothing keeps a test process alive.
      const req = client.request(target, { method, headers: allHeaders, agent: false, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new WebhookTimeoutError(`webhook ${method} ${url}: timed out`)));
      req.on("error", reject);
      if (payload !== null) req.write(payload);
      req.end();
    });
  }
}
