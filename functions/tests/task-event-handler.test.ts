// task-event-handler against the fake Twilio: the ping accepted (reconnect to the same agent),
// the ping timing out (requeue), the reconnect task queued and accepted; every batch shape;
// redeliveries; bad input.
import { RecoveryStatus, TaskRouterEventType } from "@flex-call-recovery/vocabulary";
import { handler } from "../src/functions/task-event-handler.protected";
import { FakeTwilio } from "./support/fakeTwilio";
import { CALL_WORKFLOW_SID, callHandler, withFakeTwilio } from "./support/runtime";
import { enqueuedAttributes, redirectsOf, stateOf } from "./support/scenario";
import { asFunctionEvent, cloudEvent, droppedCall, reconnectTask, pingAcceptedCall } from "./support/events";

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

describe("task-event-handler", () => {
  it("ping accepted: completes the ping and redirects the customer to the same agent", async () => {
    const { call, ping } = await droppedCall(fake, context);
    const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid });
    const answer = await callHandler(handler, context, asFunctionEvent(accepted));
    expect(answer.statusCode).toBe(200);

    expect(fake.tasks.get(ping.sid)?.assignmentStatus).toBe("completed");
    const twiml = fake.calls.get(call.customerCallSid)?.twiml ?? "";
    expect(twiml).toContain(`<Enqueue workflowSid="${CALL_WORKFLOW_SID}"><Task priority="1000">`);
    const attributes = enqueuedAttributes(twiml);
    expect(attributes).toMatchObject({
      isReconnect: true,
      targetWorkerSid: call.agent.workerSid,
      recoveryAttemptFailed: false,
      disconnectedReservationSid: call.agent.reservationSid,
    });
    expect(attributes).not.toHaveProperty("conference");
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.reconnecting);

    // A redelivery of the same event (and the same batch as a real array) does nothing more.
    expect((await callHandler(handler, context, [accepted])).statusCode).toBe(200);
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(1);
  });

  it("follows the reconnect task: queued (dropped reservation completed), then accepted", async () => {
    const { call } = await pingAcceptedCall(fake, context);
    const reconnect = reconnectTask(fake, call, "pending");
    // Event Streams may deliver both in one batch and out of order: the handler sorts by time.
    const queued = cloudEvent(TaskRouterEventType.taskQueueEntered, reconnect);
    const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, reconnect, {
      worker_sid: call.agent.workerSid,
    });
    const answer = await callHandler(handler, context, asFunctionEvent(accepted, queued));
    expect(answer.statusCode).toBe(200);
    expect(fake.tasks.get(call.taskSid)!.reservations.get(call.agent.reservationSid)).toBe("completed");
    expect(stateOf(fake, call).recovery).toMatchObject({
      status: RecoveryStatus.reconnected,
      reconnectTaskSid: reconnect.sid,
      reconnectedWorkerSid: call.agent.workerSid,
    });
  });

  it("answers a failed step 500 with the one error body (message) plus the batch's results", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const { call, ping } = await droppedCall(fake, context);
    for (let i = 0; i < 4; i++)
      fake.failNext((r) => r.method === "POST" && r.path.endsWith(`/Calls/${call.customerCallSid}.json`), 500);
    const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid });
    const answer = await callHandler(handler, context, asFunctionEvent(accepted));
    expect(answer).toMatchObject({
      statusCode: 500,
      body: {
        success: false,
        message: "task-event-handler: 1 event(s) failed, 0 left for redelivery",
        results: [{ id: accepted.id, outcome: "failed", note: expect.stringContaining("pingAccepted") }],
      },
    });
  });

  it("handles different conferences' events of one batch in parallel", async () => {
    const first = await droppedCall(fake, context);
    const second = await droppedCall(fake, context);
    fake.hold();
    const answer = callHandler(
      handler,
      context,
      asFunctionEvent(
        cloudEvent(TaskRouterEventType.reservationAccepted, first.ping, { worker_sid: first.call.agent.workerSid }),
        cloudEvent(TaskRouterEventType.reservationAccepted, second.ping, { worker_sid: second.call.agent.workerSid }),
      ),
    );
    // Both events' first round trip (state read ∥ call status ∥ participants) is in flight at once.
    const wave = await fake.waitForPending(6);
    const documents = wave.filter((r) => r.host === "sync.twilio.com").map((r) => r.path);
    expect(documents.sort()).toEqual(
      [first.call, second.call].map((c) => expect.stringContaining(c.conferenceSid)).sort(),
    );
    fake.release(true);
    expect((await answer).statusCode).toBe(200);
    expect(stateOf(fake, first.call).recovery?.status).toBe(RecoveryStatus.reconnecting);
    expect(stateOf(fake, second.call).recovery?.status).toBe(RecoveryStatus.reconnecting);
  });

  it("completes the dropped reservation in the second round trip of task-queue.entered", async () => {
    const { call } = await pingAcceptedCall(fake, context);
    const reconnect = reconnectTask(fake, call, "pending");
    fake.hold();
    const answer = callHandler(
      handler,
      context,
      asFunctionEvent(cloudEvent(TaskRouterEventType.taskQueueEntered, reconnect)),
    );
    const first = await fake.waitForPending(2);
    expect(first.map((r) => `${r.method} ${r.host}`).sort()).toEqual([
      "GET sync.twilio.com",
      "GET taskrouter.twilio.com",
    ]);
    fake.release();
    const second = await fake.waitForPending(2);
    expect(second.map((r) => `${r.method} ${r.host}`).sort()).toEqual([
      "POST sync.twilio.com",
      "POST taskrouter.twilio.com",
    ]);
    fake.release(true);
    expect((await answer).statusCode).toBe(200);
    expect(fake.tasks.get(call.taskSid)!.reservations.get(call.agent.reservationSid)).toBe("completed");
  });

  it("ping timed out (task.canceled): requeues the customer without a target", async () => {
    const { call, ping } = await droppedCall(fake, context);
    const canceled = cloudEvent(TaskRouterEventType.taskCanceled, ping, { task_canceled_reason: "Task TTL Exceeded" });
    // A single CloudEvent object is accepted too.
    expect((await callHandler(handler, context, canceled)).statusCode).toBe(200);
    const twiml = fake.calls.get(call.customerCallSid)?.twiml ?? "";
    const attributes = enqueuedAttributes(twiml);
    expect(attributes).toMatchObject({ isReconnect: true, recoveryAttemptFailed: true });
    expect(attributes).not.toHaveProperty("targetWorkerSid");
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.requeued);
  });

  it("never enqueues a customer who hung up: abandons and closes the dropped reservation", async () => {
    const { call, ping } = await droppedCall(fake, context);
    fake.calls.get(call.customerCallSid)!.status = "completed";
    await callHandler(
      handler,
      context,
      asFunctionEvent(cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid })),
    );
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(0);
    expect(fake.tasks.get(ping.sid)?.assignmentStatus).toBe("completed");
    expect(fake.tasks.get(call.taskSid)!.reservations.get(call.agent.reservationSid)).toBe("completed");
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.abandoned);
  });

  it("ignores events of tasks that are neither pings nor reconnects", async () => {
    const { call } = await droppedCall(fake, context);
    const writes = fake.writes().length;
    const other = fake.tasks.get(call.taskSid)!;
    const answer = await callHandler(
      handler,
      context,
      asFunctionEvent(cloudEvent(TaskRouterEventType.taskCanceled, other)),
    );
    expect(answer.statusCode).toBe(200);
    expect(fake.writes()).toHaveLength(writes);
  });

  it("answers 400 for an empty body", async () => {
    const answer = await callHandler(handler, context, { request: { headers: {}, cookies: {} } });
    expect(answer).toMatchObject({ statusCode: 400, body: { success: false, message: "body holds no CloudEvents" } });
  });

  it("skips (and logs) an element without id, answering 200: a redelivery could not use it either", async () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const answer = await callHandler(handler, context, asFunctionEvent({ type: "x", data: { payload: {} } }));
    expect(answer).toMatchObject({
      statusCode: 200,
      body: { success: true, results: [{ id: "#0", outcome: "skipped", note: "no id" }] },
    });
    expect(log).toHaveBeenCalledWith(expect.stringContaining("skipped CloudEvent 0"));
  });
});
