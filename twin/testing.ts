// `@flex-call-recovery/twin/testing`: a local webhook receiver for tests, a node:http server on
// 127.0.0.1, port 0, that records every request and answers with what the test says (a status, or
// a body such as TwiML). The twin's behaviour tests and e2e's tests of the recovery over the twin use it.
import http from "http";
import type { AddressInfo } from "net";

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  /** Full URL as the sender addressed it (what the signature covers). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Sets the answer for the next requests (status, content type, body). */
  answer(
    reply:
      | { status?: number; contentType?: string; body?: string }
      | ((req: ReceivedRequest) => { status?: number; contentType?: string; body?: string }),
  ): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let reply: Parameters<Receiver["answer"]>[0] = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path,
        url: `${baseUrl}${path}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(received);
      const r = typeof reply === "function" ? reply(received) : reply;
      res.writeHead(r.status ?? 200, { "content-type": r.contentType ?? "text/plain" });
      res.end(r.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    requests,
    answer: (r) => {
      reply = r;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
