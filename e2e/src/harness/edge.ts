// The hosting edge of the deployed functions, as Twilio's Serverless platform provides it and
// twilio-run does not: a `.protected` function only runs for a request carrying a valid
// X-Twilio-Signature for its public URL (https://<domain><path>), signed with the account's auth
// token; anything else is answered 401 before the function runs. Everything else is passed to
// twilio-run unchanged. The twin delivers the environment's webhooks here.
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
  /** True when the edge itself refused it (bad or missing signature). */
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
  /** Paths of protected functions (`/conference-status-handler` …). */
  protectedPaths: string[];
  /** Called when a request passed the edge, before the function runs. */
  onArrival?: (request: { method: string; path: string; body: unknown; copy: boolean }) => void;
  /** Called when a request was answered. */
  onRequest?: (request: EdgeRequest) => void;
}

export interface Edge {
  url: string;
  /** Extra copies of every webhook (protected path) sent on to the functions at the same time. */
  setWebhookCopies(copies: number): void;
  /** Requests (and copies) still being answered. */
  inFlight(): number;
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
  const server: Server = createServer((req, res) => {
    const startMs = performance.now();
    void readBody(req).then((raw) => {
      const url = req.url ?? "/";
      const path = url.split("?")[0];
      const contentType = String(req.headers["content-type"] ?? "");
      const record = (status: number, refused: boolean, answer = "") =>
        options.onRequest?.({
          answer,
          method: req.method ?? "GET",
          path,
          status,
          body: parseBody(contentType, raw),
          refused,
          startMs,
          endMs: performance.now(),
        });
      if (options.protectedPaths.includes(path)) {
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
          res.writeHead(401, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              message: "Unauthorized - you are not authenticated to perform this request",
              status: 401,
            }),
          );
          record(401, true);
          return;
        }
      }
      const headers = { ...req.headers, host: upstream.host, "content-length": String(raw.length) };
      // Sends the request on to twilio-run; `res` null for an extra copy (its answer is dropped).
      const forwardOnce = (target: typeof res | null, copy: boolean) => {
        inFlight++;
        let done = false;
        const finish = () => {
          if (!done) inFlight--;
          done = true;
        };
        options.onArrival?.({ method: req.method ?? "GET", path, body: parseBody(contentType, raw), copy });
        const forward = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers, agent: false },
          (answer) => {
            target?.writeHead(answer.statusCode ?? 502, answer.headers);
            const kept: Buffer[] = [];
            let keptBytes = 0;
            answer.on("data", (chunk: Buffer) => {
              if (keptBytes < 4096) kept.push(chunk);
              keptBytes += chunk.length;
              target?.write(chunk);
            });
            answer.on("end", () => {
              target?.end();
              record(answer.statusCode ?? 502, false, Buffer.concat(kept).toString("utf8").slice(0, 4096));
              finish();
            });
          },
        );
        forward.on("error", (error) => {
          target?.writeHead(502, { "content-type": "text/plain" });
          target?.end(`edge: functions unreachable: ${error.message}`);
          record(502, false);
          finish();
        });
        forward.end(raw);
      };
      forwardOnce(res, false);
      // At-least-once delivery: a webhook may arrive again while the first copy is being handled.
      if (options.protectedPaths.includes(path)) for (let i = 0; i < copies; i++) forwardOnce(null, true);
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
