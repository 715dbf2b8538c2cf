// The providers' client helper: the twin redirect (the twin's own mapping), and errors
// name the operation, the HTTP status and Twilio's code.
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import { createServer } from "http";
import type { AddressInfo } from "net";
import {
  apiError,
  baseUrlProblem,
  canonicalJson,
  configureCredentials,
  containsUnknown,
  isNotFound,
  serverlessClient,
  twilioClient,
  twilioCredentials,
  TWILIO_API_BASE_URL_ENV,
  UNKNOWN,
} from "../src/client";

test("with a stand-in's base URL, both clients send every request to <base>/<twilio host>/<path>", async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(404, { "content-type": "application/json" }).end('{"status":404,"message":"not here"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const saved = { ...process.env };
  try {
    const AC = `AC${"c".repeat(32)}`;
    Object.assign(process.env, {
      TWILIO_ACCOUNT_SID: AC,
      TWILIO_AUTH_TOKEN: "token",
      [TWILIO_API_BASE_URL_ENV]: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`,
    });
    await expect(twilioClient().taskrouter.v1.workspaces("WS1").fetch()).rejects.toMatchObject({ status: 404 });
    await expect(serverlessClient().request("get", "Services/ZS1")).rejects.toBeDefined();
    expect(seen).toEqual([
      "GET /prefix/taskrouter.twilio.com/v1/Workspaces/WS1",
      "GET /prefix/serverless.twilio.com/v1/Services/ZS1",
    ]);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await new Promise((resolve) => server.close(resolve));
  }
});

test("an API error names the operation, the status and the Twilio code", () => {
  const err = apiError('create TaskQueue "Recovery Ping"', { status: 409, code: 20001, message: "already exists" });
  expect(err.message).toBe('create TaskQueue "Recovery Ping" failed: HTTP 409 (Twilio error 20001): already exists');
  expect(isNotFound({ status: 404 })).toBe(true);
  expect(isNotFound({ response: { statusCode: 404 } })).toBe(true);
  expect(isNotFound(apiError("fetch x", { status: 404, message: "nope" }))).toBe(true);
  expect(isNotFound({ status: 400 })).toBe(false);
});

test("canonical JSON ignores key order and undefined members; unknowns are found anywhere", () => {
  expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
    canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }),
  );
  expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  expect(containsUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
  expect(containsUnknown({ a: [{ b: "x" }] })).toBe(false);
});

describe("credentials and where they go", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  const set = (vars: Record<string, string>) => {
    for (const key of [
      "TWILIO_ACCOUNT_SID",
      "TWILIO_AUTH_TOKEN",
      "TWILIO_API_KEY",
      "TWILIO_API_SECRET",
      "TWILIO_REGION",
      "TWILIO_EDGE",
      TWILIO_API_BASE_URL_ENV,
    ])
      delete process.env[key];
    Object.assign(process.env, vars);
  };
  const AC = `AC${"a".repeat(32)}`;
  const SK = `SK${"b".repeat(32)}`;

  test("the base URL variable is the one the twin and the functions use", () => {
    expect(TWILIO_API_BASE_URL_ENV).toBe(FunctionEnv.twilioApiBaseUrl);
  });

  test("an API key wins over the auth token; either alone works; none is a clear error", () => {
    set({ TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "token", TWILIO_API_KEY: SK, TWILIO_API_SECRET: "secret" });
    expect(twilioCredentials()).toMatchObject({ accountSid: AC, username: SK, password: "secret" });
    set({ TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "token" });
    expect(twilioCredentials()).toMatchObject({ username: AC, password: "token", region: null, edge: null });
    set({ TWILIO_ACCOUNT_SID: AC });
    expect(() => twilioCredentials()).toThrow(/twilio:apiKey \+ twilio:apiSecret.*twilio:authToken/);
  });

  test("stack config reaches the provider process (config wins), region and edge included", async () => {
    set({ TWILIO_ACCOUNT_SID: "from-env" });
    const config: Record<string, string> = {
      "twilio:accountSid": AC,
      "twilio:apiKey": SK,
      "twilio:apiSecret": "s",
      "twilio:region": "au1",
      "twilio:edge": "sydney",
    };
    await configureCredentials({ config: { get: (k: string) => config[k] } } as never);
    expect(twilioCredentials()).toEqual({ accountSid: AC, username: SK, password: "s", region: "au1", edge: "sydney" });
    const client = twilioClient();
    expect([client.accountSid, client.region, client.edge]).toEqual([AC, "au1", "sydney"]);
  });

  test.each([
    ["http://127.0.0.1:4010", null],
    ["http://localhost:4010/prefix", null],
    ["http://[::1]:4010", null],
    ["https://127.0.0.1:4010", /refused/],
    ["http://twin.example.com", /refused/],
    ["http://127.0.0.1.evil.example", /refused/],
    ["http://user:pw@127.0.0.1:4010", /refused/],
    ["not a url", /not a URL/],
  ])("base URL %s: %s", (base, problem) => {
    const found = baseUrlProblem(base);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  test("a non-loopback base URL stops every client before any request carries the credentials", () => {
    set({ TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "token", [TWILIO_API_BASE_URL_ENV]: "https://collector.example" });
    expect(() => twilioClient()).toThrow(/TWILIO_API_BASE_URL=https:\/\/collector.example is refused/);
    expect(() => serverlessClient()).toThrow(/refused/);
  });
});
