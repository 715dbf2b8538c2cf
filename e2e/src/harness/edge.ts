// The Functions Gateway in front of the deployed functions, as Twilio's Serverless platform
// provides it and twilio-run does not. Each behaviour with its evidence
// (https://www.twilio.com/docs/serverless/functions-assets/functions/request-flow unless said):
// - a `.protected` function runs only for a request carrying a valid X-Twilio-Signature for its
//   public URL (https://<domain><path>), signed with the account's auth token; a missing or bad one
//   is "rejected with an HTTP 400 response" before the function runs;
// - "Twilio Functions responds to three HTTP verbs: GET, POST, and OPTIONS"; what it answers to the
//   others is not documented: 405 here is a guess;
// - "If a GET request includes a body, Twilio Functions returns an HTTP 403 Forbidden";
// - a private function or asset is "intended only for access via other Functions" and has no URL
//   (https://www.twilio.com/docs/serverless/functions-assets/visibility): no request reaches it,
//   signed or not. The status is not documented; 403 is what twilio-run answers for a private
//   asset (twilio-run/dist/runtime/server.js, "This asset has been marked as private"), used here
//   for private functions too (a best reading); public ones serve anyone;
// - an invocation is cut at 10 s ("the 10-second execution time limit",
//   https://www.twilio.com/docs/serverless/functions-assets/faq) and the caller gets "HTTP 504
//   Gateway Time-out" (request-flow's limitations); what the function already did stands;
// - a request the gateway cannot normalize into `event` ("If the request ... [is] invalid, the
//   request is rejected with an HTTP 400 response"): a JSON body that does not parse → 400 (a best
//   reading of that sentence); a body over 6 MB → 413 (twilio-run's own limit,
//   DEFAULT_BODY_SIZE_LAMBDA in twilio-run/dist/runtime/server.js; Twilio's is not documented).
// The request-target is parsed as a URL (origin or absolute form, a fragment dropped) and its path
// matched as the router matches it (case-insensitively, trailing slash ignored), so no spelling of a
// protected path reaches a function unsigned; the function is called with that origin-form path.
// The twin delivers the environment's webhooks here.
import { createServer, request as httpRequest, type Server } from "http";
import type { AddressInfo } from "net";
import { validateRequest, validateRequestWithBody } from "twilio/lib/webhooks/webhooks";
import { readBody } from "@flex-call-recovery/twin";

/** One request the edge answered (the demo's timeline and the attack suite read these). */
export interface EdgeRequest {
  method: string;
  path: string;
  status: number;
  /** Form fields or the parsed JSON body (bodies over 64 KiB are not kept). */
  body: unknown;
  /** The answer's body (first 4 KiB). */
  answer: string;
  /** True when the edge itself answered (bad or missing signature, a request the gateway refuses, a timeout). */
  refused: boolean;
  startMs: number;
  endMs: number;
}

export interface EdgeOptions {
  /** The environment's domain, e.g. flex-call-recovery-1234-offline.twil.io. */
  domain: string;
  authToken: string;
  /** twilio-run's URL. */
  upstream: string;
  /** Paths of protected functions and assets (`/conference-status-handler` …). */
  protectedPaths: string[];
  /** Paths of private functions and assets (none in our build today): never served. */
  privatePaths?: string[];
  /** Called when a request passed the edge, before the function runs. */
  onArrival?: (request: { method: string; path: string; body: unknown; copy: boolean }) => void;
  /** Called when a request was answered. */
  onRequest?: (request: EdgeRequest) => void;
  /** Milliseconds after which an invocation is cut with 504 (default 10 s, Twilio's limit). */
  invocationLimitMs?: number;
}

/** Twilio's execution time limit of a Function. */
export const INVOCATION_LIMIT_MS = 10_000;
/** Bodies above this are refused with 413 (twilio-run's own limit; Twilio's is not documented). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
const METHODS = ["GET", "POST", "OPTIONS"];

/**
 * The path a router would run for this request-target, lower-cased without trailing slashes, or
 * null when it cannot be read (bad percent-encoding).
 */
export function routedPath(requestTarget: string, domain: string): { originForm: string; key: string } | null {
  let url: URL;
  try {
    url = new URL(requestTarget, `https://${domain}`);
  } catch {
    return null;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const key =
    decoded
      .replace(/\/{2,}/g, "/")
      .replace(/\/+$/, "")
      .toLowerCase() || "/";
  return { originForm: `${url.pathname}${url.search}`, key };
}

export interface Edge {
  url: string;
  /** Extra copies of every webhook (protected path) sent on to the functions at the same time. */
  setWebhookCopies(copies: number): void;
  /** Requests (and copies) still being answered, waiting ones included. */
  inFlight(): number;
  /**
   * At most `limit` invocations of public functions (the plugin's calls) run at once (null: no
   * limit); the others wait here, in arrival order, and their invocation limit starts when they run.
   * Twilio runs every invocation in its own container; here all share one process, so hundreds at
   * once only make each wait for the others' CPU (real time, while the virtual clock stands still)
   * until real-time timeouts fire. Webhooks are paced by the twin's dispatcher instead, whose
   * delivery timeout would run out while a webhook waited here.
   */
  setConcurrency(limit: number | null): void;
  stop(): Promise<void>;
}

const KEEP_BODY_BYTES = 64 * 1024;

function parseBody(contentType: string, raw: Buffer): unknown {
  if (raw.length > KEEP_BODY_BYTES) return null;
  const text = raw.toString("utf8");
  if (contentType.includes("application/json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Whether Twilio's platform would let this request reach a protected function. */
export function signatureValid(
  authToken: string,
  publicUrl: string,
  signature: string | undefined,
  contentType: string,
  raw: Buffer,
): boolean {
  if (!signature) return false;
  if (publicUrl.includes("bodySHA256=")) {
    return validateRequestWithBody(authToken, signature, publicUrl, raw.toString("utf8"));
  }
  const params = contentType.includes("application/x-www-form-urlencoded")
    ? Object.fromEntries(new URLSearchParams(raw.toString("utf8")))
    : {};
  return validateRequest(authToken, signature, publicUrl, params);
}

export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const upstream = new URL(options.upstream);
  let copies = 0;
  let inFlight = 0;
  let running = 0;
  let concurrency = Infinity;
  const waiting: (() => void)[] = [];
  const limitMs = options.invocationLimitMs ?? INVOCATION_LIMIT_MS;
  const routeKey = (p: string) => p.replace(/\/+$/, "").toLowerCase();
  const protectedKeys = new Set(options.protectedPaths.map(routeKey));
  const privateKeys = new Set((options.privatePaths ?? []).map(routeKey));
  const server: Server = createServer((req, res) => {
    const startMs = performance.now();
    void readBody(req).then((raw) => {
      const method = (req.method ?? "GET").toUpperCase();
      const routed = routedPath(req.url ?? "/", options.domain);
      const url = routed?.originForm ?? req.url ?? "/";
      const path = url.split("?")[0];
      const contentType = String(req.headers["content-type"] ?? "");
      const record = (status: number, refused: boolean, answer = "") =>
        options.onRequest?.({
          answer,
          method,
          path,
          status,
          body: parseBody(contentType, raw),
          refused,
          startMs,
          endMs: performance.now(),
        });
      const refuse = (status: number, message: string) => {
        const answer = JSON.stringify({ message, status });
        res.writeHead(status, { "content-type": "application/json" });
        res.end(answer);
        record(status, true, answer);
      };
      if (!routed) return refuse(400, "Bad Request - the request path cannot be read");
      if (!METHODS.includes(method)) return refuse(405, `Method ${method} is not supported`);
      if (method === "GET" && raw.length > 0) return refuse(403, "Forbidden - a GET request cannot have a body");
      if (raw.length > MAX_BODY_BYTES) return refuse(413, "Payload Too Large");
      if (contentType.includes("application/json") && raw.length > 0) {
        try {
          JSON.parse(raw.toString("utf8"));
        } catch {
          return refuse(400, "Bad Request - the body is not valid JSON");
        }
      }
      if (privateKeys.has(routed.key)) return refuse(403, "Forbidden - this resource has been marked as private");
      const isProtected = protectedKeys.has(routed.key);
      if (isProtected) {
        const signature = req.headers["x-twilio-signature"];
        const publicUrl = `https://${options.domain}${url}`;
        if (
          !signatureValid(
            options.authToken,
            publicUrl,
            typeof signature === "string" ? signature : undefined,
            contentType,
            raw,
          )
        ) {
          return refuse(400, "Bad Request - the X-Twilio-Signature is missing or not valid for this request");
        }
      }
      const headers = { ...req.headers, host: upstream.host, "content-length": String(raw.length) };
      // Sends the request on to twilio-run; `res` null for an extra copy (its answer is dropped).
      const forwardOnce = (target: typeof res | null, copy: boolean) => {
        inFlight++;
        if (isProtected) invoke(target, copy, false);
        else if (running < concurrency) invoke(target, copy, true);
        else waiting.push(() => invoke(target, copy, true));
      };
      const invoke = (target: typeof res | null, copy: boolean, paced: boolean) => {
        if (paced) running++;
        let done = false;
        let cut = false;
        const finish = () => {
          if (!done) {
            inFlight--;
            if (paced) {
              running--;
              waiting.shift()?.();
            }
          }
          done = true;
        };
        // Twilio cuts the invocation at its limit: the caller gets 504; what the function did stands.
        const timer = setTimeout(() => {
          cut = true;
          if (target && !target.headersSent) {
            target.writeHead(504, { "content-type": "application/json" });
            target.end(JSON.stringify({ message: "Gateway Time-out - the function ran out of time", status: 504 }));
          }
          record(504, true);
        }, limitMs);
        options.onArrival?.({ method, path, body: parseBody(contentType, raw), copy });
        const forward = httpRequest(
          { host: upstream.hostname, port: upstream.port, method, path: url, headers, agent: false },
          (answer) => {
            if (!cut) target?.writeHead(answer.statusCode ?? 502, answer.headers);
            const kept: Buffer[] = [];
            let keptBytes = 0;
            answer.on("data", (chunk: Buffer) => {
              if (keptBytes < 4096) kept.push(chunk);
              keptBytes += chunk.length;
              if (!cut) target?.write(chunk);
            });
            answer.on("end", () => {
              clearTimeout(timer);
              if (!cut) {
                target?.end();
                record(answer.statusCode ?? 502, false, Buffer.concat(kept).toString("utf8").slice(0, 4096));
              }
              finish();
            });
          },
        );
        forward.on("error", (error) => {
          clearTimeout(timer);
          if (!cut) {
            target?.writeHead(502, { "content-type": "text/plain" });
            target?.end(`edge: functions unreachable: ${error.message}`);
            record(502, false);
          }
          finish();
        });
        forward.end(raw);
      };
      forwardOnce(res, false);
      // At-least-once delivery: a webhook may arrive again while the first copy is being handled.
      if (isProtected) for (let i = 0; i < copies; i++) forwardOnce(null, true);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inFlight: () => inFlight,
    setConcurrency: (limit) => {
      concurrency = limit === null ? Infinity : Math.max(1, Math.floor(limit));
      while (running < concurrency && waiting.length > 0) waiting.shift()?.();
    },
    setWebhookCopies: (n) => {
      copies = Math.max(0, Math.min(5, Math.floor(n)));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
