// The client factory (retries, redirection to a twin) and the document size bound.
import { FunctionEnv, TWIN_CORRELATION_HEADER, type ConferenceState } from "@flex-call-recovery/vocabulary";
import { fitDocument, STATE_BUDGET_BYTES } from "../src/state/store";
import { createTwilioClient, MAX_RETRIES, RetryingRequestClient, TwinRequestClient } from "../src/twilio/client";
import { FakeTwilio } from "./support/fakeTwilio";
import { contextFor } from "./support/runtime";

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
