// Event Streams batches as the world sends them: foreign event types and payloads beside the
// recovery's own, values in task attributes that are not what they claim, and batches too big to
// handle in one invocation.
import { RecoveryStatus, TaskRouterEventType } from "@flex-call-recovery/vocabulary";
import { handler as registerWorker } from "../src/functions/flex/register-worker";
import { handler, MAX_TWILIO_CALLS_IN_FLIGHT, taskEventHandler } from "../src/functions/task-event-handler.protected";
import type { FakeTwilio } from "./support/fakeTwilio";
import { asFunctionEvent, cloudEvent, droppedCall, pingAcceptedCall } from "./support/events";
import { callHandler, withFakeTwilio } from "./support/runtime";
import { registerBody, seedCall, redirectsOf, stateOf } from "./support/scenario";

jest.setTimeout(30_000);

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

const quiet = () => jest.spyOn(console, "log").mockImplementation(() => undefined);

/** A worker event as Event Streams sends it once an operator subscribes the type: no task at all. */
const workerActivityEvent = () => ({
  specversion: "1.0",
  type: "com.twilio.taskrouter.worker.activity.update",
  source: "/v1/Workspaces/WS/Workers/WK",
  id: "EZ" + "7".repeat(32),
  time: new Date(Date.UTC(2026, 10, 25, 17, 59)).toISOString(),
  data: { payload: { worker_sid: "WK" + "1".repeat(32), worker_activity_name: "Offline" } },
});

describe("one foreign event does not sink a batch", () => {
  it("handles the ping acceptance beside an unsubscribed type and an event without task_sid", async () => {
    const log = quiet();
    const { call, ping } = await droppedCall(fake, context);
    const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid });
    const noTask = { ...cloudEvent(TaskRouterEventType.taskCanceled, ping), id: "EZ" + "8".repeat(32) };
    delete (noTask.data.payload as Record<string, unknown>).task_sid;
    const answer = await callHandler(handler, context, asFunctionEvent(workerActivityEvent(), accepted, noTask));

    expect(answer.statusCode).toBe(200);
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(1);
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.reconnecting);
    expect(answer.body).toMatchObject({
      success: true,
      results: expect.arrayContaining([
        expect.objectContaining({ id: accepted.id, outcome: "handled" }),
        expect.objectContaining({ id: "EZ" + "7".repeat(32), outcome: "skipped" }),
        expect.objectContaining({ id: noTask.id, outcome: "skipped", note: "no data.payload.task_sid" }),
      ]),
    });
    expect(log).toHaveBeenCalledWith(expect.stringContaining("is not one the recovery uses"));
  });

  it("handles the good element of a batch whose other element has attributes that are not JSON", async () => {
    quiet();
    const { call, ping } = await droppedCall(fake, context);
    const good = cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid });
    const bad = cloudEvent(TaskRouterEventType.taskCanceled, { ...ping, attributes: "{not json" });
    const answer = await callHandler(handler, context, asFunctionEvent(good, bad));
    expect(answer.statusCode).toBe(200);
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.reconnecting);
    expect(answer.body).toMatchObject({
      results: expect.arrayContaining([
        expect.objectContaining({
          id: bad.id,
          outcome: "skipped",
          note: `task_attributes of ${ping.sid} is not a JSON object`,
        }),
      ]),
    });
  });

  it("still answers 400 to a body that holds no CloudEvents at all", async () => {
    const answer = await callHandler(handler, context, { request: { headers: {}, cookies: {} } });
    expect(answer).toMatchObject({ statusCode: 400, body: { success: false, message: "body holds no CloudEvents" } });
  });
});

describe("every SID from task attributes is checked before use", () => {
  it.each([
    ["a conference SID that is a path", "disconnectedConferenceSid", (sid: string) => `${sid}/../../Documents`],
    ["a customer call SID that is a path", "call_sid", (sid: string) => `${sid}/Recordings`],
    ["a dropped task SID of the wrong kind", "disconnectedTaskSid", () => "CA" + "0".repeat(32)],
  ])("skips a ping whose attributes carry %s; Twilio never sees it", async (_name, attribute, forge) => {
    quiet();
    const { call, ping } = await droppedCall(fake, context);
    const attributes = JSON.parse(ping.attributes) as Record<string, string>;
    const original = attributes[attribute] ?? call.customerCallSid;
    const forged = { ...ping, attributes: JSON.stringify({ ...attributes, [attribute]: forge(original) }) };
    const before = fake.log.length;
    const event = cloudEvent(TaskRouterEventType.reservationAccepted, forged, { worker_sid: call.agent.workerSid });
    const answer = await callHandler(handler, context, asFunctionEvent(event));
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({ results: [expect.objectContaining({ outcome: "skipped" })] });
    expect(fake.log.slice(before)).toEqual([]);
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.pinging);
  });
});

describe("recovery events decide nothing from attributes an agent can write", () => {
  it("a ping rewritten to name another agent's conference does not move that agent's customer", async () => {
    quiet();
    const alice = await droppedCall(fake, context);
    const mallory = await droppedCall(fake, context);
    const attributes = { ...JSON.parse(mallory.ping.attributes), disconnectedConferenceSid: alice.call.conferenceSid };
    const forged = { ...mallory.ping, attributes: JSON.stringify(attributes) };
    const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, forged, {
      worker_sid: mallory.call.agent.workerSid,
    });
    const answer = await callHandler(handler, context, asFunctionEvent(accepted));
    expect(answer.statusCode).toBe(200);
    expect(redirectsOf(fake, alice.call.customerCallSid)).toHaveLength(0);
    expect(stateOf(fake, alice.call).recovery?.status).toBe(RecoveryStatus.pinging);
  });

  it("records only the first reconnect task after the redirect, and only its acceptance", async () => {
    quiet();
    const { call, ping } = await pingAcceptedCall(fake, context);
    const reconnectAttributes = JSON.stringify({ ...JSON.parse(ping.attributes), isReconnect: true });
    const reconnect = { sid: fake.sid("WT"), workflowSid: "WW" + "e".repeat(32), attributes: reconnectAttributes };
    // Another agent's task carrying the same attributes (written by them, copied by a transfer).
    const copy = { ...reconnect, sid: fake.sid("WT") };
    await callHandler(
      handler,
      context,
      asFunctionEvent(
        cloudEvent(TaskRouterEventType.taskQueueEntered, reconnect),
        cloudEvent(TaskRouterEventType.taskQueueEntered, copy),
        cloudEvent(TaskRouterEventType.reservationAccepted, copy, { worker_sid: "WK" + "9".repeat(32) }),
      ),
    );
    expect(stateOf(fake, call).recovery).toMatchObject({
      status: RecoveryStatus.reconnecting,
      reconnectTaskSid: reconnect.sid,
      reconnectedWorkerSid: null,
    });
  });
});

describe("a reconnect task's attributes close nothing the document does not name", () => {
  it("a task naming another agent's live reservation does not complete their call", async () => {
    quiet();
    // Someone else's dropped call gives a ping's attributes to start from; Bob's call is live
    // (registered, reservation accepted) and nothing of it dropped.
    const alice = await droppedCall(fake, context);
    const live = seedCall(fake);
    expect((await callHandler(registerWorker, context, registerBody(live))).statusCode).toBe(200);
    // Mallory's task, with attributes written to look like a reconnect of that live call, enters a queue.
    const forged = {
      sid: fake.sid("WT"),
      workflowSid: "WW" + "e".repeat(32),
      attributes: JSON.stringify({
        ...JSON.parse(alice.ping.attributes),
        isReconnect: true,
        disconnectedConferenceSid: live.conferenceSid,
        disconnectedTaskSid: live.taskSid,
        disconnectedReservationSid: live.agent.reservationSid,
      }),
    };
    const answer = await callHandler(
      handler,
      context,
      asFunctionEvent(cloudEvent(TaskRouterEventType.taskQueueEntered, forged)),
    );
    expect(answer.statusCode).toBe(200);
    expect(fake.tasks.get(live.taskSid)!.reservations.get(live.agent.reservationSid)).toBe("accepted");
  });
});

describe("a batch too big for one invocation", () => {
  it("keeps the Twilio calls in flight bounded while handling hundreds of events", async () => {
    quiet();
    const calls = [];
    for (let i = 0; i < 12; i++) calls.push(await droppedCall(fake, context));
    fake.peakInFlight = 0;
    // Each acceptance comes with 20 events of other tasks of the same call (Flex's own traffic).
    const events = calls.flatMap(({ call, ping }) => [
      cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid }),
      ...Array.from({ length: 20 }, () =>
        cloudEvent(TaskRouterEventType.taskQueueEntered, fake.tasks.get(call.taskSid)!),
      ),
    ]);
    // The fake holds every answer; each turn counts what is outstanding, then answers it.
    fake.hold();
    let settled = false;
    const answering = callHandler(taskEventHandler({ callsInFlight: 4 }), context, asFunctionEvent(...events)).finally(
      () => (settled = true),
    );
    let peak = 0;
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      peak = Math.max(peak, (await fake.waitForPending(0)).length);
      fake.release();
    }
    const answer = await answering;
    expect(answer.statusCode).toBe(200);
    for (const { call } of calls) expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(1);
    // Eight conferences at once would have ~24 requests out; the limit holds them to 4.
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    expect(MAX_TWILIO_CALLS_IN_FLIGHT).toBeLessThanOrEqual(32);
  }, 30_000);

  it("starts no event past its budget, answers 500 for the rest, and a redelivery finishes them once", async () => {
    quiet();
    const calls = [];
    for (let i = 0; i < 5; i++) calls.push(await droppedCall(fake, context));
    const events = calls.map(({ call, ping }) =>
      cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid }),
    );
    // Each reading of the clock is a second later: the first two events start, the rest do not.
    let now = 0;
    const tight = taskEventHandler({ budgetMs: 2_500, clock: () => (now += 1_000) });
    const first = await callHandler(tight, context, asFunctionEvent(...events));
    expect(first.statusCode).toBe(500);
    const outcomes = (first.body as { results: { outcome: string }[] }).results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === "handled")).toHaveLength(2);
    expect(outcomes.filter((o) => o === "deferred")).toHaveLength(3);
    expect(calls.filter(({ call }) => redirectsOf(fake, call.customerCallSid).length === 1)).toHaveLength(2);

    // Event Streams delivers the same batch again: the rest are handled, nothing twice.
    const again = await callHandler(handler, context, asFunctionEvent(...events));
    expect(again.statusCode).toBe(200);
    for (const { call } of calls) {
      expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(1);
      expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.reconnecting);
    }
  });
});
