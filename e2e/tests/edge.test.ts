// The harness's Functions Gateway on its own, in front of a stand-in function server that records
// what reached it: every request a real gateway would refuse is refused before the function, and
// no spelling of a protected path reaches one unsigned, nor any request a private one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { createServer, request as httpRequest, type Server } from "http";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { startEdge, type Edge, type EdgeRequest } from "../src/harness/edge";
import { assetRoutes, functionRoutes } from "../src/harness/functionsServer";

const DOMAIN = "flex-call-recovery-1234-dev.twil.io";
const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
const PROTECTED = "/conference-status-handler";
const PRIVATE_FUNCTION = "/helpers/secrets";
const PRIVATE_ASSET = "/config.json";

let upstream: Server;
let reached: { method: string; url: string }[];
let slowMs: number;
let edge: Edge;
let answered: EdgeRequest[];

beforeEach(async () => {
  reached = [];
  slowMs = 0;
  answered = [];
  upstream = createServer((req, res) => {
    reached.push({ method: req.method ?? "", url: req.url ?? "" });
    req.resume();
    req.on("end", () => setTimeout(() => res.end("ran"), slowMs));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  edge = await startEdge({
    domain: DOMAIN,
    authToken: AUTH_TOKEN,
    upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    protectedPaths: [PROTECTED],
    privatePaths: [PRIVATE_FUNCTION, PRIVATE_ASSET],
    invocationLimitMs: 200,
    onRequest: (request) => answered.push(request),
  });
});

afterEach(async () => {
  await edge.stop();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** A raw HTTP request with the request-target exactly as given (fetch would normalise it). */
function raw(
  method: string,
  target: string,
  body = "",
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(edge.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path: target,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const form = "ConferenceSid=CF1&StatusCallbackEvent=participant-leave";
const signed = (path: string) => ({
  "x-twilio-signature": getExpectedTwilioSignature(
    AUTH_TOKEN,
    `https://${DOMAIN}${path}`,
    Object.fromEntries(new URLSearchParams(form)),
  ),
});

describe("the Functions Gateway stand-in", () => {
  it("runs a protected function for a valid signature", async () => {
    expect(await raw("POST", PROTECTED, form, signed(PROTECTED))).toEqual({ status: 200, text: "ran" });
    expect(reached).toEqual([{ method: "POST", url: PROTECTED }]);
  });

  it.each([
    ["no signature", PROTECTED, {}],
    ["a wrong signature", PROTECTED, { "x-twilio-signature": "bm90IGEgc2lnbmF0dXJl" }],
    ["a fragment after the path", `${PROTECTED}#x`, {}],
    ["the absolute form", `http://${DOMAIN}${PROTECTED}`, {}],
    ["another case", "/Conference-Status-Handler", {}],
    ["a trailing slash", `${PROTECTED}/`, {}],
    ["dot segments", `/flex/..${PROTECTED}`, {}],
    ["percent-encoding", "/conference%2Dstatus-handler", {}],
  ])("answers 400 to a protected path with %s, and the function never runs", async (_name, target, headers) => {
    const answer = await raw("POST", target, form, headers);
    expect(answer.status).toBe(400);
    expect(reached).toEqual([]);
    expect(answered).toEqual([expect.objectContaining({ status: 400, refused: true })]);
  });

  it("never runs a protected function for a request-target read as another host (`//…`)", async () => {
    await raw("POST", `/${PROTECTED}`, form);
    expect(reached.map((r) => r.url)).not.toContain(PROTECTED);
  });

  it("answers 403 to a GET with a body", async () => {
    expect((await raw("GET", "/announce", form)).status).toBe(403);
    expect(reached).toEqual([]);
  });

  it.each(["PUT", "DELETE", "PATCH"])("does not pass %s on", async (method) => {
    expect((await raw(method, "/announce", "")).status).toBe(405);
    expect(reached).toEqual([]);
  });

  it("refuses a JSON body that does not parse (400) before the function, with no stack trace", async () => {
    const answer = await raw("POST", "/flex/sync-token", "{Token:", { "content-type": "application/json" });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toMatch(/at .*\.js|<html/i);
    expect(reached).toEqual([]);
  });

  it("refuses a body over 6 MB (413) before the function", async () => {
    const answer = await raw("POST", "/flex/sync-token", "x".repeat(6 * 1024 * 1024 + 1));
    expect(answer.status).toBe(413);
    expect(reached).toEqual([]);
  });

  it("cuts an invocation at the limit: the caller gets 504, the function still ran", async () => {
    slowMs = 600;
    const answer = await raw("POST", "/announce", "");
    expect(answer.status).toBe(504);
    expect(reached).toEqual([{ method: "POST", url: "/announce" }]);
    expect(answered).toEqual([expect.objectContaining({ status: 504, refused: true })]);
  });

  it("paced: runs at most the limit of public invocations at once, the others wait and are not cut for waiting", async () => {
    // Each takes 150 ms; the limit (200 ms) counts from when an invocation runs, not from arrival.
    slowMs = 150;
    edge.setConcurrency(1);
    const answers = await Promise.all([1, 2, 3].map((i) => raw("POST", `/flex/sync-token?n=${i}`, "")));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    // The second reached the function only after the first was answered.
    const [first, second] = [...answered].sort((a, b) => a.startMs - b.startMs);
    expect(answered).toHaveLength(3);
    expect(reached).toHaveLength(3);
    // (10 ms of slack: a timer may fire a fraction of a millisecond early; unpaced this is ~150 ms.)
    expect(second.endMs - first.startMs).toBeGreaterThanOrEqual(2 * slowMs - 10);
    expect(edge.inFlight()).toBe(0);
  });

  it.each([
    ["a private function, unsigned", "POST", PRIVATE_FUNCTION, {}],
    ["a private function, signed", "POST", PRIVATE_FUNCTION, signed(PRIVATE_FUNCTION)],
    ["a private asset", "GET", PRIVATE_ASSET, {}],
    ["a private asset in another case", "GET", "/Config.JSON/", {}],
  ])("answers 403 to %s, which never runs or is served", async (_name, method, target, headers) => {
    const answer = await raw(method, target, method === "GET" ? "" : form, headers);
    expect(answer.status).toBe(403);
    expect(reached).toEqual([]);
  });

  it("passes what a browser sends through: OPTIONS and an unsigned public function", async () => {
    expect((await raw("OPTIONS", "/flex/sync-token")).status).toBe(200);
    expect((await raw("POST", "/flex/sync-token?x=1", "")).status).toBe(200);
    expect(reached.map((r) => r.url)).toEqual(["/flex/sync-token", "/flex/sync-token?x=1"]);
  });
});

describe("the build's routes and their visibility, as twilio-run names them", () => {
  it("reads .protected/.private from function and asset file names", () => {
    const dir = mkdtempSync(join(tmpdir(), "routes-"));
    try {
      for (const file of [
        "functions/announce.protected.js",
        "functions/flex/sync-token.js",
        "functions/helpers/secrets.private.js",
        "assets/config.private.json",
        "assets/img/logo.png",
        "assets/hold.protected.mp3",
      ]) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), "");
      }
      const byPath = (routes: { path: string; access: string }[]) =>
        Object.fromEntries(routes.map((r) => [r.path, r.access]));
      expect(byPath(functionRoutes(dir))).toEqual({
        "/announce": "protected",
        "/flex/sync-token": "public",
        "/helpers/secrets": "private",
      });
      expect(byPath(assetRoutes(dir))).toEqual({
        "/config.json": "private",
        "/img/logo.png": "public",
        "/hold.mp3": "protected",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
