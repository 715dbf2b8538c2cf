// The client factory (retries, redirection to a twin) and the document size bound.
import { TWIN_CORRELATION_HEADER } from "@flex-call-recovery/twin/url";
import { FunctionEnv, type ConferenceState } from "@flex-call-recovery/vocabulary";
import { fitDocument, STATE_BUDGET_BYTES } from "../src/state/store";
import {
  createTwilioClient,
  isTaskCreation,
  MAX_RETRIES,
  RetryingRequestClient,
  TwinRequestClient,
  iamHost,
  twilioCredentials,
  validateFlexToken,
} from "../src/twilio/client";
import { FakeTwilio } from "./support/fakeTwilio";
import { ACCOUNT_SID, contextFor } from "./support/runtime";

describe("createTwilioClient", () => {
  it("retries 429s (SDK) and 5xx (ours) in production, talking to Twilio itself", () => {
    const context = contextFor("");
    delete context[FunctionEnv.twilioApiBaseUrl];
    const client = createTwilioClient(context, "CF1");
    expect(client.httpClient).toBeInstanceOf(RetryingRequestClient);
    expect(client.httpClient).not.toBeInstanceOf(TwinRequestClient);
    expect(client.httpClient).toMatchObject({ autoRetry: true, maxRetries: MAX_RETRIES });
  });

  it("sends every call to TWILIO_API_BASE_URL with the correlation id, retrying a 503", async () => {
    const fake = await new FakeTwilio().start();
    try {
      const client = createTwilioClient(contextFor(`${fake.url}/`), "CF-correlation");
      expect(client.httpClient).toBeInstanceOf(TwinRequestClient);
      const callSid = fake.sid("CA");
      fake.calls.set(callSid, { status: "in-progress" });
      fake.failNext(() => true, 503);
      expect((await client.calls(callSid).fetch()).status).toBe("in-progress");
      expect(fake.log.map((r) => [r.host, r.status, r.correlationId])).toEqual([
        ["api.twilio.com", 503, "CF-correlation"],
        ["api.twilio.com", 200, "CF-correlation"],
      ]);
      expect(TWIN_CORRELATION_HEADER).toBe("x-twin-correlation-id");
    } finally {
      await fake.stop();
    }
  });
});

describe("regions, edges and API keys", () => {
  let fake: FakeTwilio;
  beforeEach(async () => {
    fake = await new FakeTwilio().start();
  });
  afterEach(() => fake.stop());

  it("calls <product>.<edge>.<region>.twilio.com and iam.<region>.twilio.com with TWILIO_REGION and TWILIO_EDGE", async () => {
    const context = contextFor(fake.url, { [FunctionEnv.twilioRegion]: "ie1", [FunctionEnv.twilioEdge]: "dublin" });
    const callSid = fake.sid("CA");
    fake.calls.set(callSid, { status: "in-progress" });
    fake.flexTokens.set("agent-token", { worker_sid: fake.sid("WK"), identity: "agent" });
    await createTwilioClient(context, "x").calls(callSid).fetch();
    await validateFlexToken(context, "agent-token");
    expect(fake.log.map((r) => r.requestedHost)).toEqual(["api.dublin.ie1.twilio.com", "iam.ie1.twilio.com"]);
    expect(iamHost(contextFor(fake.url))).toBe("iam.twilio.com");
  });

  it("signs REST calls and the Flex token check with API_KEY/API_SECRET when both are set", async () => {
    const apiKey = `SK${"1".repeat(32)}`;
    const context = contextFor(fake.url, { [FunctionEnv.apiKey]: apiKey, [FunctionEnv.apiSecret]: "key-secret" });
    delete context[FunctionEnv.authToken];
    const callSid = fake.sid("CA");
    fake.calls.set(callSid, { status: "in-progress" });
    fake.flexTokens.set("agent-token", { worker_sid: fake.sid("WK"), identity: "agent" });
    await createTwilioClient(context, "x").calls(callSid).fetch();
    await validateFlexToken(context, "agent-token");
    expect(fake.log.map((r) => [r.host, r.authUser, r.path.includes(ACCOUNT_SID)])).toEqual([
      ["api.twilio.com", apiKey, true],
      ["iam.twilio.com", apiKey, true],
    ]);
    expect(twilioCredentials(context)).toEqual({ accountSid: ACCOUNT_SID, username: apiKey, password: "key-secret" });
  });

  it("uses the auth token when only one of API_KEY/API_SECRET is set", () => {
    const context = contextFor(fake.url, { [FunctionEnv.apiKey]: `SK${"1".repeat(32)}` });
    expect(twilioCredentials(context).username).toBe(ACCOUNT_SID);
  });
});

describe("retrying task creation", () => {
  const WS = `WS${"b".repeat(32)}`;
  let fake: FakeTwilio;
  beforeEach(async () => {
    fake = await new FakeTwilio().start();
  });
  afterEach(() => fake.stop());
  const creations = () => fake.log.filter((r) => r.method === "POST" && /\/Tasks$/.test(r.path));
  const create = () =>
    createTwilioClient(contextFor(fake.url), "x")
      .taskrouter.v1.workspaces(WS)
      .tasks.create({ workflowSid: `WW${"d".repeat(32)}`, attributes: "{}" });

  it("does not repeat a task creation Twilio answered 5xx (the task may exist: no second ping)", async () => {
    fake.failNext((r) => r.method === "POST", 503);
    await expect(create()).rejects.toMatchObject({ status: 503 });
    expect(creations()).toHaveLength(1);
  });

  it("repeats a task creation Twilio refused with 429 (nothing was created)", async () => {
    fake.failNext((r) => r.method === "POST", 429, 20429);
    expect((await create()).sid).toMatch(/^WT/);
    expect(creations().map((r) => r.status)).toEqual([429, 201]);
    expect(fake.tasks.size).toBe(1);
  });

  it("still retries other writes through a 5xx", async () => {
    const task = await create();
    fake.failNext((r) => r.method === "POST", 500);
    const client = createTwilioClient(contextFor(fake.url), "x");
    await client.taskrouter.v1.workspaces(WS).tasks(task.sid).update({ attributes: '{"a":1}' });
    expect(fake.log.filter((r) => r.path.endsWith(task.sid)).map((r) => r.status)).toEqual([500, 200]);
  });

  it("recognises only POST …/Tasks as a task creation", () => {
    const base = "https://taskrouter.twilio.com/v1/Workspaces/WS1";
    expect(isTaskCreation({ method: "post", uri: `${base}/Tasks` })).toBe(true);
    expect(
      isTaskCreation({ method: "POST", uri: `http://127.0.0.1:1/taskrouter.twilio.com/v1/Workspaces/WS1/Tasks` }),
    ).toBe(true);
    expect(isTaskCreation({ method: "post", uri: `${base}/Tasks/WT1` })).toBe(false);
    expect(isTaskCreation({ method: "get", uri: `${base}/Tasks` })).toBe(false);
  });
});

describe("fitDocument", () => {
  const state = (attributes: Record<string, unknown> | null, seen: number): ConferenceState => ({
    v: 1,
    conferenceSid: `CF${"0".repeat(32)}`,
    taskSid: `WT${"0".repeat(32)}`,
    workflowSid: `WW${"0".repeat(32)}`,
    customerCallSid: `CA${"0".repeat(32)}`,
    customerGone: false,
    conferenceEnded: false,
    taskAttributes: attributes,
    workers: {},
    recovery: null,
    seenEventIds: Array.from({ length: seen }, (_, i) => `EZ${i.toString().padStart(32, "0")}`),
  });

  it("keeps a small document as it is", () => {
    const small = state({ name: "Customer" }, 3);
    expect(fitDocument(small)).toBe(small);
  });

  it("drops copied task attributes that would push the document over budget", () => {
    const fitted = fitDocument(state({ notes: "x".repeat(STATE_BUDGET_BYTES) }, 50));
    expect(fitted.taskAttributes).toBeNull();
    expect(fitted.seenEventIds).toHaveLength(50);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(STATE_BUDGET_BYTES);
  });
});
