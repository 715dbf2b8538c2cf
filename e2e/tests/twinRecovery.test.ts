// The recovery flow (docs/recovery-flow.md) played against the twin over HTTP, without the functions:
// the test does what the functions do (through the real `twilio` SDK), the twin's control API plays
// the agents and the customer, and the twin behaves as Twilio and Flex do. Shows the twin supports
// every step of the product's flow.
import type twilio from "twilio";
import {
  CONFERENCE_STATUS_CALLBACK_EVENTS,
  DEFAULT_PING_PRIORITY,
  DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS,
  DEFAULT_PING_TIMEOUT_SECONDS,
  DEFAULT_RECONNECT_PRIORITY,
  DIRECT_TO_AGENT_EXPRESSION,
  DIRECT_TO_AGENT_FILTER_NAME,
  DIRECT_TO_AGENT_KNOWN_WORKER,
  FLEX_WORKSPACE_NAME,
  PING_FILTER_EXPRESSION,
  PING_FILTER_NAME,
  PING_KNOWN_WORKER,
  RECOVERY_PING_QUEUE_NAME,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
  RECOVERY_PING_WORKFLOW_NAME,
  TASK_EVENT_SUBSCRIPTION_TYPES,
  TaskAttribute,
  TaskChannel,
  TaskRouterEventType,
} from "@flex-call-recovery/vocabulary";
import { ManualClock, startTwin, twilioClientForTwin, type RunningTwin } from "@flex-call-recovery/twin";
import { attachEngine, TASK_TTL_EXCEEDED_REASON, type TwinEngine } from "@flex-call-recovery/twin/engine";
import { startReceiver, type Receiver } from "@flex-call-recovery/twin/testing";

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely here */

let twin: RunningTwin;
let engine: TwinEngine;
let clock: ManualClock;
let client: twilio.Twilio;
let receiver: Receiver;

beforeAll(async () => {
  clock = new ManualClock();
  twin = await startTwin({ clock, validateAgainstSpec: true });
  client = twilioClientForTwin(twin, { autoRetry: false });
  receiver = await startReceiver();
});
beforeEach(() => {
  twin.reset();
  engine = attachEngine(twin);
  receiver.requests.length = 0;
  receiver.answer((req) =>
    req.path === "/announce"
      ? { contentType: "text/xml", body: "<Response><Say>Please hold while we reconnect you.</Say></Response>" }
      : { status: 200 },
  );
});
afterEach(async () => {
  await engine.idle();
});
afterAll(async () => {
  engine.dispose();
  const stats = twin.validator!.stats;
  await twin.stop();
  await receiver.close();
  expect(stats.failures).toEqual([]);
});

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${twin.baseUrl}/_twin${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function eventsOfType(type: string): any[] {
  return receiver.requests
    .filter((r) => r.path.startsWith("/events"))
    .flatMap((r) => JSON.parse(r.body) as any[])
    .filter((e) => e.type === type);
}

async function setUp() {
  const tr = client.taskrouter.v1;
  const ws = await tr.workspaces.create({ friendlyName: FLEX_WORKSPACE_NAME });
  const w = tr.workspaces(ws.sid);
  const everyone = await w.taskQueues.create({ friendlyName: "Everyone", targetWorkers: "1 == 1" });
  const pingQueue = await w.taskQueues.create({
    friendlyName: RECOVERY_PING_QUEUE_NAME,
    targetWorkers: RECOVERY_PING_QUEUE_TARGET_WORKERS,
  });
  const voice = await w.workflows.create({
    friendlyName: "Assign to Anyone",
    configuration: JSON.stringify({
      task_routing: {
        filters: [
          {
            filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
            expression: DIRECT_TO_AGENT_EXPRESSION,
            targets: [{ queue: everyone.sid, known_worker_sid: DIRECT_TO_AGENT_KNOWN_WORKER }],
          },
        ],
        default_filter: { queue: everyone.sid },
      },
    }),
  });
  const ping = await w.workflows.create({
    friendlyName: RECOVERY_PING_WORKFLOW_NAME,
    taskReservationTimeout: DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS,
    configuration: JSON.stringify({
      task_routing: {
        filters: [
          {
            filter_friendly_name: PING_FILTER_NAME,
            expression: PING_FILTER_EXPRESSION,
            targets: [{ queue: pingQueue.sid, known_worker_sid: PING_KNOWN_WORKER }],
          },
        ],
      },
    }),
  });
  // The task-event-handler's sink, as the infra creates it.
  const sink = await client.events.v1.sinks.create({
    description: "task-event-handler",
    sinkType: "webhook",
    sinkConfiguration: { destination: `${receiver.baseUrl}/events`, method: "POST", batch_events: true },
  });
  await client.events.v1.subscriptions.create({
    description: "recovery",
    sinkSid: sink.sid,
    types: TASK_EVENT_SUBSCRIPTION_TYPES.map((type) => ({ type, schema_version: 1 })),
  });
  const alice = await control("POST", "/agents", { friendlyName: "alice", workspaceSid: ws.sid });
  const conferenceOptions = {
    conferenceStatusCallback: `${receiver.baseUrl}/conference-status`,
    conferenceStatusCallbackEvent: [...CONFERENCE_STATUS_CALLBACK_EVENTS],
  };
  // A customer calls and alice takes the call.
  const { callSid: customer } = await control("POST", "/calls", {
    twiml: `<Response><Enqueue workflowSid="${voice.sid}"><Task>{"type":"support"}</Task></Enqueue></Response>`,
  });
  const [offer] = (await control("GET", `/agents/${alice.workerSid}`)).reservations;
  const accepted = await control(
    "POST",
    `/agents/${alice.workerSid}/reservations/${offer.sid}/accept`,
    conferenceOptions,
  );
  const call = { taskSid: offer.taskSid as string, reservationSid: offer.sid as string, ...accepted.leg };
  // register-worker: the worker leg must not end the conference.
  await client.conferences(call.conferenceSid).participants(call.callSid).update({ endConferenceOnExit: false });
  return { w, voice, ping, alice, customer, call, conferenceOptions };
}

/** Steps 4–5: the worker leg drops; announce, mark, and send the ping (what the handler does). */
async function dropAndPing(s: Awaited<ReturnType<typeof setUp>>, downSeconds: number | null) {
  if (downSeconds === null) await control("POST", `/agents/${s.alice.workerSid}/disconnect`);
  else await control("POST", `/agents/${s.alice.workerSid}/refresh`, { downSeconds });
  expect((await client.conferences(s.call.conferenceSid).fetch()).status).toBe("in-progress");
  const original = JSON.parse((await s.w.tasks(s.call.taskSid).fetch()).attributes);
  const disconnected = {
    [TaskAttribute.disconnectedTaskSid]: s.call.taskSid,
    [TaskAttribute.disconnectedReservationSid]: s.call.reservationSid,
    [TaskAttribute.disconnectedWorkerSid]: s.alice.workerSid,
    [TaskAttribute.disconnectedWorkerName]: "alice",
    [TaskAttribute.disconnectedCallSid]: s.call.callSid,
    [TaskAttribute.disconnectedConferenceSid]: s.call.conferenceSid,
    [TaskAttribute.disconnectedTaskWorkflowSid]: s.voice.sid,
    [TaskAttribute.disconnectedTime]: clock.now().toISOString(),
  };
  await Promise.all([
    client.conferences(s.call.conferenceSid).update({ announceUrl: `${receiver.baseUrl}/announce` }),
    s.w.tasks.create({
      workflowSid: s.ping.sid,
      taskChannel: TaskChannel.default,
      timeout: DEFAULT_PING_TIMEOUT_SECONDS,
      priority: DEFAULT_PING_PRIORITY,
      attributes: JSON.stringify({ ...original, ...disconnected, [TaskAttribute.recoveryAttemptFailed]: false }),
    }),
  ]);
  await engine.idle();
  return { original, disconnected };
}

/** Steps 7/11: re-enqueue the customer to the original workflow. */
async function reenqueue(s: Awaited<ReturnType<typeof setUp>>, attributes: Record<string, unknown>) {
  const { [TaskAttribute.conference]: _dropped, ...rest } = attributes;
  await client.calls(s.customer).update({
    twiml: `<Response><Enqueue workflowSid="${s.voice.sid}"><Task priority="${DEFAULT_RECONNECT_PRIORITY}">${JSON.stringify(rest)}</Task></Enqueue></Response>`,
  });
  await engine.idle();
}

describe("the recovery flow against the twin", () => {
  it("brings the customer back to the same agent after a page refresh", async () => {
    const s = await setUp();
    const { original, disconnected } = await dropAndPing(s, 5);
    expect((await s.w.tasks(s.call.taskSid).reservations(s.call.reservationSid).fetch()).reservationStatus).toBe(
      "wrapping",
    );
    expect((await control("GET", `/calls/${s.customer}`)).heard).toEqual(["say:Please hold while we reconnect you."]);

    // Step 6: the UI is back and sees the wrapping call and the ping; it accepts the ping.
    clock.advance(5000);
    const view = await control("GET", `/agents/${s.alice.workerSid}`);
    const ping = view.reservations.find((r: any) => r.taskSid !== s.call.taskSid);
    expect(view.reservations.map((r: any) => r.status).sort()).toEqual(["pending", "wrapping"]);
    await control("POST", `/agents/${s.alice.workerSid}/reservations/${ping.sid}/accept`);
    await engine.idle();
    const acceptedPing = eventsOfType(TaskRouterEventType.reservationAccepted).find(
      (e) => e.data.payload.task_sid === ping.taskSid,
    );
    expect(acceptedPing.data.payload).toMatchObject({ reservation_sid: ping.sid, worker_sid: s.alice.workerSid });

    // Step 7: complete the ping; the customer is still there; re-enqueue straight to alice.
    await s.w.tasks(ping.taskSid).update({ assignmentStatus: "completed", reason: "ping answered" });
    expect((await client.calls(s.customer).fetch()).status).toBe("in-progress");
    await reenqueue(s, {
      ...original,
      ...disconnected,
      [TaskAttribute.isReconnect]: true,
      [TaskAttribute.recoveryAttemptFailed]: false,
      [TaskAttribute.targetWorkerSid]: s.alice.workerSid,
    });
    expect((await client.conferences(s.call.conferenceSid).fetch()).status).toBe("completed");

    // Step 9: task-queue.entered of the reconnect task → complete the dropped reservation.
    const entered = eventsOfType(TaskRouterEventType.taskQueueEntered).map((e) => e.data.payload);
    const reconnect = entered.find((p) => JSON.parse(p.task_attributes)[TaskAttribute.isReconnect] === true);
    expect(reconnect.task_priority).toBe(DEFAULT_RECONNECT_PRIORITY);
    expect(await s.w.tasks(reconnect.task_sid).reservations.list()).toHaveLength(0); // alice's voice slot is still held
    await s.w.tasks(s.call.taskSid).reservations(s.call.reservationSid).update({ reservationStatus: "completed" });

    // Step 10: the reconnect reservation reaches alice; she accepts into a new conference with the customer.
    const [offer] = await s.w.tasks(reconnect.task_sid).reservations.list();
    expect(offer.workerSid).toBe(s.alice.workerSid);
    const accepted = await control(
      "POST",
      `/agents/${s.alice.workerSid}/reservations/${offer.sid}/accept`,
      s.conferenceOptions,
    );
    const participants = await client.conferences(accepted.leg.conferenceSid).participants.list();
    expect(participants.map((p) => p.callSid).sort()).toEqual([accepted.leg.callSid, s.customer].sort());
    expect((await s.w.tasks(s.call.taskSid).fetch()).assignmentStatus).toBe("completed");
  });

  it("re-enqueues to anyone when the ping times out (agent never back)", async () => {
    const s = await setUp();
    const bob = await control("POST", "/agents", { friendlyName: "bob", available: false });
    const { original, disconnected } = await dropAndPing(s, null);
    // The ping is not accepted before its TTL: task.canceled "Task TTL Exceeded".
    clock.advance(DEFAULT_PING_TIMEOUT_SECONDS * 1000);
    await engine.idle();
    const [canceled] = eventsOfType(TaskRouterEventType.taskCanceled);
    expect(canceled.data.payload).toMatchObject({ task_canceled_reason: TASK_TTL_EXCEEDED_REASON });
    // Step 11: re-enqueue without a target to the original workflow.
    await control("POST", `/agents/${bob.workerSid}/login`);
    await reenqueue(s, {
      ...original,
      ...disconnected,
      [TaskAttribute.isReconnect]: true,
      [TaskAttribute.recoveryAttemptFailed]: true,
    });
    const reconnect = (await s.w.tasks.list()).find(
      (t) => JSON.parse(t.attributes)[TaskAttribute.isReconnect] === true,
    )!;
    // Alice's voice slot is still held by her wrapping reservation; bob is free and gets the call.
    const [offer] = await s.w.tasks(reconnect.sid).reservations.list();
    expect(offer.workerSid).toBe(bob.workerSid);
    expect(reconnect.priority).toBe(DEFAULT_RECONNECT_PRIORITY);
    // Completing the dropped reservation completes the dropped task (nobody else holds it).
    await s.w.tasks(s.call.taskSid).reservations(s.call.reservationSid).update({ reservationStatus: "completed" });
    expect((await s.w.tasks(s.call.taskSid).fetch()).assignmentStatus).toBe("completed");
  });
});
