// Authentication (401 with Twilio's body), unknown routes (404), API keys (secret returned once,
// usable as credentials), Flex token validation (iam) and the control API.
import { validator } from "twilio-flex-token-validator";
import { startTwin, twilioClientForTwin } from "../src";
import { raw, restError, useTwin } from "./helpers";

const preload = require("../preload.js") as { install(base: string): void; uninstall(): void };

const h = useTwin();

describe("authentication", () => {
  it("answers a missing Authorization header with 401 / 20003 in Twilio's body", async () => {
    const response = await fetch(`${h.twin.baseUrl}/taskrouter.twilio.com/v1/Workspaces`);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Twilio API"');
    expect(response.headers.get("twilio-request-id")).toMatch(/^RQ[0-9a-f]{32}$/);
    const { status, body } = await raw(h.twin, "GET", "taskrouter.twilio.com/v1/Workspaces", { auth: null });
    expect(status).toBe(401);
    expect(body).toEqual({
      code: 20003,
      message: "Authenticate",
      detail: "Your AccountSid or AuthToken was incorrect.",
      more_info: "https://www.twilio.com/docs/errors/20003",
      status: 401,
    });
  });

  it("answers a wrong auth token through the SDK with 401 / 20003", async () => {
    const client = twilioClientForTwin(h.twin, { authToken: "x".repeat(32), autoRetry: false });
    const err = await restError(() => client.sync.v1.services.list());
    expect(err.status).toBe(401);
    expect(err.code).toBe(20003);
  });

  it("answers another account's 2010 path with 404", async () => {
    const err = await restError(() => h.client.api.v2010.accounts("AC" + "1".repeat(32)).calls.list());
    expect(err.status).toBe(404);
  });

  it("answers unknown routes and hosts with 404 / 20404", async () => {
    const a = await raw(h.twin, "GET", "taskrouter.twilio.com/v1/Nope");
    expect(a.status).toBe(404);
    expect(a.body.code).toBe(20404);
    expect(a.body.message).toBe("The requested resource /v1/Nope was not found");
    const b = await raw(h.twin, "GET", "not-a-host/v1/Workspaces");
    expect(b.status).toBe(404);
  });

  it("answers a known path with the wrong method with 405", async () => {
    const { status, body } = await raw(h.twin, "DELETE", "taskrouter.twilio.com/v1/Workspaces");
    expect(status).toBe(405);
    expect(body.code).toBe(20004);
  });
});

describe("API keys", () => {
  it("returns the secret once; the key authenticates; deleted keys do not", async () => {
    const key = await h.client.api.v2010.accounts(h.twin.accountSid).newKeys.create({ friendlyName: "functions" });
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.secret).toHaveLength(32);
    const fetched = await h.client.api.v2010.accounts(h.twin.accountSid).keys(key.sid).fetch();
    expect(fetched.friendlyName).toBe("functions");
    expect((fetched as unknown as Record<string, unknown>).secret).toBeUndefined();
    const renamed = await h.client.api.v2010.accounts(h.twin.accountSid).keys(key.sid).update({ friendlyName: "fn" });
    expect(renamed.friendlyName).toBe("fn");
    expect((await h.client.api.v2010.accounts(h.twin.accountSid).keys.list()).map((k) => k.sid)).toContain(key.sid);

    const asKey = twilioClientForTwin(h.twin.baseUrl, {
      accountSid: h.twin.accountSid,
      authToken: key.secret,
      autoRetry: false,
    });
    const keyClient = twilioClientForTwin(h.twin, { apiKey: { sid: key.sid, secret: key.secret }, autoRetry: false });
    expect(await keyClient.sync.v1.services.list()).toBeInstanceOf(Array);
    expect((await restError(() => asKey.sync.v1.services.list())).status).toBe(401);
    await h.client.api.v2010.accounts(h.twin.accountSid).keys(key.sid).remove();
    expect((await restError(() => keyClient.sync.v1.services.list())).status).toBe(401);
  });
});

describe("Flex token validation (iam)", () => {
  async function issue(body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${h.twin.baseUrl}/_twin/flex-tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  afterEach(() => preload.uninstall());

  it("validates a token the twin issued, through twilio-flex-token-validator and the preload", async () => {
    const workerSid = "WK" + "a".repeat(32);
    const issued = await issue({ workerSid, identity: "alice", roles: ["agent"] });
    expect(issued.status).toBe(201);
    preload.install(h.twin.baseUrl);
    const result = (await validator(String(issued.body.token), h.twin.accountSid, h.twin.authToken)) as Record<
      string,
      unknown
    >;
    expect(result).toMatchObject({ valid: true, worker_sid: workerSid, identity: "alice", roles: ["agent"] });
    await expect(validator("forged", h.twin.accountSid, h.twin.authToken)).rejects.toMatch(/Invalid Flex token/);
    await expect(validator(String(issued.body.token), h.twin.accountSid, "y".repeat(32))).rejects.toBe("Authenticate");
  });

  it("requires a workerSid to issue a token", async () => {
    const { status, body } = await issue({ identity: "x" });
    expect(status).toBe(400);
    expect(body.message).toContain("workerSid");
  });
});

describe("control API", () => {
  it("logs every API call with route template, status, times and correlation id", async () => {
    const client = twilioClientForTwin(h.twin, { correlationId: "test-42", autoRetry: false });
    await client.taskrouter.v1.workspaces.list();
    const response = await fetch(`${h.twin.baseUrl}/_twin/requests?correlationId=test-42`);
    const { requests } = (await response.json()) as { requests: Record<string, unknown>[] };
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: "GET",
      host: "taskrouter.twilio.com",
      route: "/v1/Workspaces",
      operation: "listWorkspace",
      path: "/v1/Workspaces",
      status: 200,
      correlationId: "test-42",
      accountSid: h.twin.accountSid,
    });
    expect(requests[0].endMs as number).toBeGreaterThanOrEqual(requests[0].startMs as number);
    const since = await fetch(
      `${h.twin.baseUrl}/_twin/requests?since=${String(requests[0].seq)}&correlationId=test-42`,
    );
    expect(((await since.json()) as { requests: unknown[] }).requests).toEqual([]);
  });

  it("resets state", async () => {
    await h.client.sync.v1.services.create({ friendlyName: "gone soon" });
    const response = await fetch(`${h.twin.baseUrl}/_twin/reset`, { method: "POST" });
    expect(response.status).toBe(204);
    expect((await h.client.sync.v1.services.list()).map((s) => s.friendlyName)).not.toContain("gone soon");
  });

  it("lets middleware answer instead of the handler (fault injection hook)", async () => {
    const remove = h.twin.hooks.use(async (request, next) =>
      request.route?.operation === "listService"
        ? {
            status: 429,
            body: {
              code: 20429,
              message: "Too Many Requests",
              more_info: "https://www.twilio.com/docs/errors/20429",
              status: 429,
            },
          }
        : next(),
    );
    const err = await restError(() => h.client.sync.v1.services.list());
    remove();
    expect(err.status).toBe(429);
    expect(await h.client.sync.v1.services.list()).toBeInstanceOf(Array);
  });
});

describe("REST API concurrency limit (20429)", () => {
  it("answers 429 / 20429 to a request over the account's concurrent limit, without processing it", async () => {
    const h2 = { twin: await startTwin({ validateAgainstSpec: true }) };
    try {
      h2.twin.concurrencyLimit = 2;
      // Hold requests in flight: a middleware that waits until released.
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      h2.twin.hooks.use(async (_request, next) => {
        await gate;
        return next();
      });
      const url = "taskrouter.twilio.com/v1/Workspaces";
      const held = [raw(h2.twin, "GET", url), raw(h2.twin, "GET", url)];
      await new Promise((resolve) => setTimeout(resolve, 50));
      const over = await raw(h2.twin, "POST", url, { form: { FriendlyName: "not created" } });
      expect([over.status, over.body.code, over.body.message]).toEqual([429, 20429, "Too Many Requests"]);
      release();
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
      const after = await raw(h2.twin, "GET", url);
      expect((after.body.workspaces as unknown[]).length).toBe(0);
      expect(h2.twin.validator!.stats.failures).toEqual([]);
    } finally {
      await h2.twin.stop();
    }
  });
});
