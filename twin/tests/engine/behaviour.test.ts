// The engine wired into a running twin, driven over HTTP with the real `twilio` SDK (through the
// twin's client adapter) and the /_twin/ control API; webhooks land on local receivers.
import Ajv from "ajv";
import type twilio from "twilio";
import { validateRequest, validateRequestWithBody } from "twilio/lib/webhooks/webhooks";
import {
  DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS,
  RECOVERY_PING_QUEUE_NAME,
  TASK_EVENT_SUBSCRIPTION_TYPES,
  TaskAttribute,
  TaskChannel,
  TaskRouterEventType,
} from "@flex-call-recovery/vocabulary";
import { ManualClock, startTwin, twilioClientForTwin, type RunningTwin } from "../../src";
import { TASK_TTL_EXCEEDED_REASON } from "../../src/taskrouter/routing/assignment";
import { attachEngine, type TwinEngine } from "../../src/engine";
import { startReceiver, type Receiver } from "../../testing";
import { seedFlexWorkspace } from "./helpers/harness";

// Twilio's behaviour for every conference event these tests look at (the product itself
// subscribes to fewer: end, leave, modify).
const EVERY_CONFERENCE_EVENT = ["start", "end", "join", "leave", "modify"];

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers and SDK errors are read loosely in these tests */

let twin: RunningTwin;
let engine: TwinEngine;
let clock: ManualClock;
let client: twilio.Twilio;
let receiver: Receiver;

beforeAll(async () => {
  clock = new ManualClock();
  twin = await startTwin({ clock, validateAgainstSpec: true });
  engine = attachEngine(twin);
  client = twilioClientForTwin(twin, { autoRetry: false });
  receiver = await startReceiver();
});

beforeEach(() => {
  twin.reset();
  engine = attachEngine(twin); // a fresh engine for the fresh accounts
  receiver.requests.length = 0;
  receiver.answer({ status: 200 });
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

const tr = () => client.taskrouter.v1;

/** The Flex-like workspace of every behaviour test (made through the backend), plus REST helpers. */
async function flexWorkspace(options: { eventCallbackUrl?: string } = {}) {
  const seeded = seedFlexWorkspace(twin.store.taskrouter, options);
  const ws = seeded.workspace;
  const w = tr().workspaces(ws.sid);
  const worker = async (name: string) => {
    const created = await w.workers.create({
      friendlyName: name,
      attributes: JSON.stringify({ contact_uri: `client:${name}` }),
    });
    await w.workers(created.sid).update({ activitySid: seeded.available.sid });
    return created;
  };
  /** A voice task of the "Assign to Anyone" workflow, created over REST. */
  const voiceTask = (extra: { priority?: number; attributes?: string } = {}) =>
    w.tasks.create({
      workflowSid: seeded.voiceWorkflow.sid,
      taskChannel: TaskChannel.voice,
      attributes: "{}",
      ...extra,
    });
  return { ...seeded, ws, w, voice: seeded.voiceWorkflow, ping: seeded.pingWorkflow, worker, voiceTask };
}

async function restError(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${twin.baseUrl}/_twin${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** An Event Streams sink registered with the engine, posting to the receiver's /events. */
function addSink(sinkSid: string, batchEvents: boolean, types: string[]) {
  const destination = `${receiver.baseUrl}/events`;
  engine.sinks.add(twin.accountSid, { sinkSid, destination, method: "POST", batchEvents, types: new Set(types) });
}

function eventStreamBatches() {
  return receiver.requests.filter((r) => r.path.startsWith("/events")).map((r) => JSON.parse(r.body) as any[]);
}
function conferenceCallbacks() {
  return receiver.requests
    .filter((r) => r.path.startsWith("/conference-status"))
    .map((r) => Object.fromEntries(new URLSearchParams(r.body)))
    .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
}

describe("TaskRouter behaviour over REST", () => {
  it("routes a recovery ping to exactly the disconnected worker", async () => {
    const f = await flexWorkspace();
    const [alice, bob, carol] = [await f.worker("alice"), await f.worker("bob"), await f.worker("carol")];
    const ping = await f.w.tasks.create({
      workflowSid: f.ping.sid,
      taskChannel: TaskChannel.default,
      timeout: 15,
      priority: 1000,
      attributes: JSON.stringify({
        [TaskAttribute.disconnectedWorkerSid]: bob.sid,
        [TaskAttribute.recoveryAttemptFailed]: false,
      }),
    });
    const fetched = await f.w.tasks(ping.sid).fetch();
    expect(fetched.assignmentStatus).toBe("reserved");
    expect(fetched.taskQueueSid).toBe(f.pingQueue.sid);
    const counts = await Promise.all(
      [alice, bob, carol].map(async (x) => (await f.w.workers(x.sid).reservations.list()).length),
    );
    expect(counts).toEqual([0, 1, 0]);
  });

  it("times a reservation out (worker to Offline), then cancels the ping at its TTL, with Event Streams deliveries", async () => {
    const f = await flexWorkspace();
    addSink("DG1", true, [...TASK_EVENT_SUBSCRIPTION_TYPES, "com.twilio.taskrouter.reservation.timeout"]);
    const bob = await f.worker("bob");
    const ping = await f.w.tasks.create({
      workflowSid: f.ping.sid,
      timeout: 30,
      attributes: JSON.stringify({
        [TaskAttribute.disconnectedWorkerSid]: bob.sid,
        [TaskAttribute.recoveryAttemptFailed]: false,
      }),
    });
    const [reservation] = await f.w.tasks(ping.sid).reservations.list();
    clock.advance(DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS * 1000);
    expect((await f.w.tasks(ping.sid).reservations(reservation.sid).fetch()).reservationStatus).toBe("timeout");
    expect((await f.w.tasks(ping.sid).fetch()).assignmentStatus).toBe("pending");
    expect((await f.w.workers(bob.sid).fetch()).activitySid).toBe(f.offline.sid);
    clock.advance(15_000);
    const canceled = await f.w.tasks(ping.sid).fetch();
    expect(canceled.assignmentStatus).toBe("canceled");
    expect(canceled.reason).toBe(TASK_TTL_EXCEEDED_REASON);
    await engine.idle();
    const events = eventStreamBatches().flat();
    expect(events.map((e) => e.type)).toEqual([
      TaskRouterEventType.taskQueueEntered,
      "com.twilio.taskrouter.reservation.timeout",
      TaskRouterEventType.taskCanceled,
    ]);
    // Valid CloudEvents carrying the payload fields of docs/twilio-behaviour.md#event-streams, signed with bodySHA256.
    const validate = new Ajv({ strict: false }).compile({
      type: "object",
      required: ["specversion", "type", "source", "id", "dataschema", "data"],
      properties: {
        specversion: { const: "1.0" },
        id: { type: "string", minLength: 1 },
        source: { type: "string", minLength: 1 },
      },
    });
    for (const e of events) expect(validate(e)).toBe(true);
    expect(events[2].data.payload).toMatchObject({
      eventtype: "task.canceled",
      task_sid: ping.sid,
      task_attributes: expect.any(String),
      task_priority: 0,
      task_assignment_status: "canceled",
      task_canceled_reason: TASK_TTL_EXCEEDED_REASON,
      reason: TASK_TTL_EXCEEDED_REASON,
      task_channel_unique_name: TaskChannel.default,
      workflow_sid: f.ping.sid,
      task_queue_name: RECOVERY_PING_QUEUE_NAME,
    });
    expect(events[1].data.payload).toMatchObject({ worker_sid: bob.sid, reservation_sid: reservation.sid });
    for (const request of receiver.requests.filter((r) => r.path.startsWith("/events"))) {
      expect(
        validateRequestWithBody(
          twin.authToken,
          String(request.headers["x-twilio-signature"]),
          request.url,
          request.body,
        ),
      ).toBe(true);
    }
  });

  it("reserves a high-priority reconnect task before older tasks once a wrapping reservation completes", async () => {
    const f = await flexWorkspace();
    const alice = await f.worker("alice");
    const first = await f.voiceTask();
    const [r1] = await f.w.tasks(first.sid).reservations.list();
    await f.w.tasks(first.sid).reservations(r1.sid).update({ reservationStatus: "accepted" });
    clock.advance(1000);
    const older = await f.voiceTask();
    clock.advance(1000);
    const reconnect = await f.w.tasks.create({
      workflowSid: f.voice.sid,
      taskChannel: TaskChannel.voice,
      priority: 1000,
      attributes: JSON.stringify({ [TaskAttribute.isReconnect]: true, [TaskAttribute.targetWorkerSid]: alice.sid }),
    });
    await f.w.tasks(first.sid).reservations(r1.sid).update({ reservationStatus: "wrapping" });
    expect((await f.w.tasks(first.sid).fetch()).assignmentStatus).toBe("wrapping");
    expect(await f.w.tasks(reconnect.sid).reservations.list()).toHaveLength(0);
    await f.w.tasks(first.sid).reservations(r1.sid).update({ reservationStatus: "completed" });
    expect((await f.w.tasks(first.sid).fetch()).assignmentStatus).toBe("completed");
    expect((await f.w.tasks(reconnect.sid).reservations.list()).map((r) => r.workerSid)).toEqual([alice.sid]);
    expect(await f.w.tasks(older.sid).reservations.list()).toHaveLength(0);
  });

  it("frees a worker when a reserved task is deleted", async () => {
    const f = await flexWorkspace();
    const alice = await f.worker("alice");
    const first = await f.voiceTask();
    const second = await f.voiceTask();
    expect(await f.w.tasks(second.sid).reservations.list()).toHaveLength(0);
    await f.w.tasks(first.sid).remove();
    expect((await f.w.tasks(second.sid).reservations.list()).map((r) => r.workerSid)).toEqual([alice.sid]);
  });

  it("delivers to sinks and subscriptions created through the Event Streams API", async () => {
    const f = await flexWorkspace();
    const sink = await client.events.v1.sinks.create({
      description: "task events",
      sinkType: "webhook",
      sinkConfiguration: { destination: `${receiver.baseUrl}/events`, method: "POST", batch_events: true },
    });
    await client.events.v1.subscriptions.create({
      description: "handler",
      sinkSid: sink.sid,
      types: TASK_EVENT_SUBSCRIPTION_TYPES.map((type) => ({ type, schema_version: 1 })),
    });
    const task = await f.w.tasks.create({ workflowSid: f.voice.sid, attributes: "{}" });
    await engine.idle();
    const events = eventStreamBatches().flat();
    expect(events.map((e) => e.type)).toEqual([TaskRouterEventType.taskQueueEntered]);
    expect(events[0].data.payload.task_sid).toBe(task.sid);
  });

  it("sends a public host's webhooks to its local route, signed over the public URL", async () => {
    engine.webhooks.routeHost("flex-call-recovery-1234-dev.twil.io", receiver.baseUrl);
    const publicUrl = "https://flex-call-recovery-1234-dev.twil.io/workspace-events";
    const f = await flexWorkspace({ eventCallbackUrl: publicUrl });
    await f.w.tasks.create({ workflowSid: f.voice.sid, attributes: "{}" });
    await engine.idle();
    const [post] = receiver.requests.filter((r) => r.path === "/workspace-events");
    expect(post.headers["x-forwarded-host"]).toBe("flex-call-recovery-1234-dev.twil.io");
    const params = Object.fromEntries(new URLSearchParams(post.body));
    expect(validateRequest(twin.authToken, String(post.headers["x-twilio-signature"]), publicUrl, params)).toBe(true);
  });

  it("uses the capacity set through the Worker Channels API", async () => {
    const f = await flexWorkspace();
    const alice = await f.worker("alice");
    const chats = [];
    await f.w.workers(alice.sid).workerChannels("chat").update({ capacity: 3 });
    for (let i = 0; i < 4; i++)
      chats.push(await f.w.tasks.create({ workflowSid: f.voice.sid, taskChannel: "chat", attributes: "{}" }));
    expect((await f.w.workers(alice.sid).reservations.list()).length).toBe(3);
    await f.w.workers(alice.sid).workerChannels("voice").update({ available: false });
    await f.w.tasks.create({ workflowSid: f.voice.sid, taskChannel: TaskChannel.voice, attributes: "{}" });
    expect((await f.w.workers(alice.sid).reservations.list()).length).toBe(3);
    await f.w.workers(alice.sid).workerChannels("voice").update({ available: true, capacity: 2 });
    expect((await f.w.workers(alice.sid).reservations.list()).length).toBe(4);
  });

  it("posts events form-encoded and signed to the workspace EventCallbackUrl", async () => {
    const f = await flexWorkspace({ eventCallbackUrl: `${receiver.baseUrl}/workspace-events` });
    await f.w.tasks.create({ workflowSid: f.voice.sid, attributes: "{}" });
    await engine.idle();
    const posts = receiver.requests.filter((r) => r.path === "/workspace-events");
    const types = posts.map((r) => new URLSearchParams(r.body).get("EventType"));
    expect(types).toEqual(expect.arrayContaining(["task.created", "task-queue.entered"]));
    for (const post of posts) {
      const params = Object.fromEntries(new URLSearchParams(post.body));
      expect(validateRequest(twin.authToken, String(post.headers["x-twilio-signature"]), post.url, params)).toBe(true);
    }
  });
});

describe("voice and Flex behaviour over REST", () => {
  async function acceptedCall() {
    const f = await flexWorkspace();
    const alice = (await control("POST", "/agents", { friendlyName: "alice", workspaceSid: f.ws.sid })).body;
    expect(alice.token).toEqual(expect.any(String));
    const twiml = `<Response><Enqueue workflowSid="${f.voice.sid}"><Task priority="0">{"type":"support"}</Task></Enqueue></Response>`;
    const call = (await control("POST", "/calls", { from: "+15550001", to: "+15559999", twiml })).body;
    const [reservation] = await f.w.workers(alice.workerSid).reservations.list();
    // The agent accepts in Flex: the conference instruction with the plugin's conference options.
    const accepted = await control("POST", `/agents/${alice.workerSid}/reservations/${reservation.sid}/accept`, {
      conferenceStatusCallback: `${receiver.baseUrl}/conference-status`,
      conferenceStatusCallbackEvent: [...EVERY_CONFERENCE_EVENT],
    });
    expect(accepted.status).toBe(200);
    const task = await f.w.tasks(reservation.taskSid).fetch();
    const conference = JSON.parse(task.attributes)[TaskAttribute.conference];
    await engine.idle();
    return {
      f,
      alice,
      customerCallSid: call.callSid as string,
      reservation,
      task,
      conferenceSid: conference.sid as string,
      workerCallSid: conference.participants.worker as string,
    };
  }

  it("accepts through REST with Instruction=conference as the Flex UI sends it", async () => {
    const f = await flexWorkspace();
    const bob = await f.worker("bob");
    const twiml = `<Response><Enqueue workflowSid="${f.voice.sid}"><Task>{}</Task></Enqueue></Response>`;
    const call = (await control("POST", "/calls", { twiml })).body;
    const [reservation] = await f.w.workers(bob.sid).reservations.list();
    // Twilio's spec enum for this parameter lacks `modify`; the twin accepts it (its documented errata).
    const updated = await f.w
      .workers(bob.sid)
      .reservations(reservation.sid)
      .update({
        instruction: "conference",
        conferenceStatusCallback: `${receiver.baseUrl}/conference-status`,
        conferenceStatusCallbackEvent: [...EVERY_CONFERENCE_EVENT] as any,
      });
    expect(updated.reservationStatus).toBe("accepted");
    const conference = JSON.parse((await f.w.tasks(reservation.taskSid).fetch()).attributes)[TaskAttribute.conference];
    const participants = await client.conferences(conference.sid).participants.list();
    expect(participants.map((p) => p.callSid).sort()).toEqual([call.callSid, conference.participants.worker].sort());
    await engine.idle();
    expect(conferenceCallbacks().map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-join",
      "conference-start",
      "participant-join",
    ]);
  });

  it("refuses the conference instruction once the caller hung up (40144) or the reservation is gone (40136)", async () => {
    const f = await flexWorkspace();
    const bob = await f.worker("bob");
    const twiml = `<Response><Enqueue workflowSid="${f.voice.sid}"><Task>{}</Task></Enqueue></Response>`;
    const call = (await control("POST", "/calls", { twiml })).body;
    const [reservation] = await f.w.workers(bob.sid).reservations.list();
    await control("POST", `/calls/${call.callSid}/hangup`);
    // The caller left the queue: the task was canceled and its reservation with it.
    expect((await f.w.tasks(reservation.taskSid).fetch()).assignmentStatus).toBe("canceled");
    const refused = await restError(() =>
      f.w.workers(bob.sid).reservations(reservation.sid).update({ instruction: "conference" }),
    );
    expect([refused.status, refused.code]).toEqual([400, 40136]);
  });

  it("accepting creates the conference with labelled legs; status callbacks carry the documented parameters, signed", async () => {
    const c = await acceptedCall();
    expect(c.task.assignmentStatus).toBe("assigned");
    const conference = await client.conferences(c.conferenceSid).fetch();
    expect(conference.friendlyName).toBe(c.task.sid);
    const participants = await client.conferences(c.conferenceSid).participants.list();
    expect(participants.map((p) => [p.label, p.endConferenceOnExit]).sort()).toEqual([
      ["customer", true],
      ["worker", true],
    ]);
    const callbacks = conferenceCallbacks();
    expect(callbacks.map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-join",
      "conference-start",
      "participant-join",
    ]);
    expect(Object.keys(callbacks[0]).sort()).toEqual(
      [
        "AccountSid",
        "CallSid",
        "Coaching",
        "ConferenceSid",
        "EndConferenceOnExit",
        "FriendlyName",
        "Hold",
        "Muted",
        "ParticipantLabel",
        "SequenceNumber",
        "StartConferenceOnEnter",
        "StatusCallbackEvent",
        "Timestamp",
      ].sort(),
    );
    for (const request of receiver.requests.filter((r) => r.path.startsWith("/conference-status"))) {
      const params = Object.fromEntries(new URLSearchParams(request.body));
      expect(validateRequest(twin.authToken, String(request.headers["x-twilio-signature"]), request.url, params)).toBe(
        true,
      );
    }
  });

  it("keeps the customer when the worker leg (endConferenceOnExit=false) drops; Flex wraps; Flex re-sets the flag only with ≤ 2 live", async () => {
    const c = await acceptedCall();
    await client.conferences(c.conferenceSid).participants(c.workerCallSid).update({ endConferenceOnExit: false });
    await engine.idle();
    receiver.requests.length = 0;
    expect((await control("POST", `/agents/${c.alice.workerSid}/refresh`, { downSeconds: 5 })).status).toBe(200);
    await engine.idle();
    const left = conferenceCallbacks();
    expect(left.map((p) => p.StatusCallbackEvent)).toEqual(["participant-leave"]);
    expect(left[0]).toMatchObject({
      CallSid: c.workerCallSid,
      ParticipantCallStatus: "completed",
      ReasonParticipantLeft: "participant_hung_up",
      EndConferenceOnExit: "false",
    });
    expect((await client.conferences(c.conferenceSid).fetch()).status).toBe("in-progress");
    expect((await c.f.w.tasks(c.task.sid).reservations(c.reservation.sid).fetch()).reservationStatus).toBe("wrapping");
    // After the reload the agent sees the wrapping reservation.
    clock.advance(5000);
    const view = (await control("GET", `/agents/${c.alice.workerSid}`)).body;
    expect(view.online).toBe(true);
    expect(view.reservations.map((r: { status: string }) => r.status)).toEqual(["wrapping"]);
  });

  it("announces (signed AnnounceUrl fetch), and a TwiML update takes the customer out of the conference into a new task", async () => {
    const c = await acceptedCall();
    await client.conferences(c.conferenceSid).participants(c.workerCallSid).update({ endConferenceOnExit: false });
    await control("POST", `/agents/${c.alice.workerSid}/refresh`, { downSeconds: 60 });
    receiver.answer((req) =>
      req.path === "/announce"
        ? { contentType: "text/xml", body: "<Response><Say>Reconnecting you</Say></Response>" }
        : { status: 200 },
    );
    await client.conferences(c.conferenceSid).update({ announceUrl: `${receiver.baseUrl}/announce` });
    await engine.idle();
    const announce = receiver.requests.find((r) => r.path === "/announce")!;
    const params = Object.fromEntries(new URLSearchParams(announce.body));
    expect(validateRequest(twin.authToken, String(announce.headers["x-twilio-signature"]), announce.url, params)).toBe(
      true,
    );
    expect((await control("GET", `/calls/${c.customerCallSid}`)).body.heard).toEqual(["say:Reconnecting you"]);
    receiver.requests.length = 0;
    const attributes = { [TaskAttribute.isReconnect]: true, [TaskAttribute.targetWorkerSid]: c.alice.workerSid };
    await client.calls(c.customerCallSid).update({
      twiml: `<Response><Enqueue workflowSid="${c.f.voice.sid}"><Task priority="1000">${JSON.stringify(attributes)}</Task></Enqueue></Response>`,
    });
    await engine.idle();
    expect(
      conferenceCallbacks().map((p) => [p.StatusCallbackEvent, p.ReasonParticipantLeft ?? p.ReasonConferenceEnded]),
    ).toEqual([
      ["participant-leave", "participant_updated_via_api"],
      ["conference-end", "participant-with-end-conference-on-exit-left"],
    ]);
    const tasks = await c.f.w.tasks.list({ ordering: "Priority:desc" });
    expect(JSON.parse(tasks[0].attributes)).toMatchObject({
      ...attributes,
      [TaskAttribute.callSid]: c.customerCallSid,
    });
    expect(tasks[0].priority).toBe(1000);
  });

  it("ends the conference via the API with conference_ended_via_api for each leg", async () => {
    const c = await acceptedCall();
    receiver.requests.length = 0;
    await client.conferences(c.conferenceSid).update({ status: "completed" });
    await engine.idle();
    const callbacks = conferenceCallbacks();
    expect(callbacks.map((p) => [p.StatusCallbackEvent, p.ReasonParticipantLeft ?? p.ReasonConferenceEnded])).toEqual([
      ["participant-leave", "conference_ended_via_api"],
      ["participant-leave", "conference_ended_via_api"],
      ["conference-end", "conference-ended-via-api"],
    ]);
    expect((await client.calls(c.customerCallSid).fetch()).status).toBe("completed");
  });

  it("a customer hanging up ends the conference (customer endConferenceOnExit) and Flex wraps the agent's task", async () => {
    const c = await acceptedCall();
    receiver.requests.length = 0;
    await control("POST", `/calls/${c.customerCallSid}/hangup`);
    await engine.idle();
    const callbacks = conferenceCallbacks();
    expect(callbacks.map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-leave",
      "participant-leave",
      "conference-end",
    ]);
    expect(callbacks[2]).toMatchObject({
      CallSidEndingConference: c.customerCallSid,
      ParticipantLabelEndingConference: "customer",
    });
    expect((await c.f.w.tasks(c.task.sid).fetch()).assignmentStatus).toBe("wrapping");
  });
});

describe("agents", () => {
  it("get Flex tokens the twin's iam validates, log in and out", async () => {
    const f = await flexWorkspace();
    const agent = (await control("POST", "/agents", { friendlyName: "dana", workspaceSid: f.ws.sid })).body;
    const response = await fetch(`${twin.baseUrl}/iam.twilio.com/v1/Accounts/${twin.accountSid}/Tokens/validate`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${twin.accountSid}:${twin.authToken}`).toString("base64")}`,
      },
      body: JSON.stringify({ token: agent.token }),
    });
    const validated = (await response.json()) as Record<string, unknown>;
    expect(validated).toMatchObject({ valid: true, worker_sid: agent.workerSid });
    expect((await f.w.workers(agent.workerSid).fetch()).activitySid).toBe(f.available.sid);
    await control("POST", `/agents/${agent.workerSid}/logout`);
    expect((await f.w.workers(agent.workerSid).fetch()).activitySid).toBe(f.offline.sid);
    expect((await control("POST", `/agents/${agent.workerSid}/hangup`)).status).toBe(409);
    expect((await control("GET", "/agents/WKnope")).status).toBe(404);
    expect((await control("GET", "/calls/CAnope")).status).toBe(404);
    // After a twin reset the agent is gone with its worker.
    await control("POST", "/reset");
    expect((await control("GET", "/agents")).body.agents).toEqual([]);
    expect((await control("GET", `/agents/${agent.workerSid}`)).status).toBe(404);
    expect((await control("POST", `/agents/${agent.workerSid}/refresh`, { downSeconds: "soon" })).status).toBe(400);
  });
});

describe("fault injection over HTTP", () => {
  it("answers the configured share of calls with 429/500/503 and adds latency", async () => {
    expect(
      (
        await control("POST", "/faults", {
          seed: 4,
          errorRate: 1,
          errorStatuses: [503],
          latency: { kind: "fixed", ms: 5 },
        })
      ).status,
    ).toBe(200);
    let caught: any;
    try {
      await tr().workspaces.list();
    } catch (error) {
      caught = error;
    }
    expect(caught?.status).toBe(503);
    expect(caught?.code).toBe(20503);
    const { body } = await control("GET", "/faults");
    expect(body.counters.injectedErrors["503"]).toBe(1);
    expect(body.counters.delayedCalls).toBe(1);
    expect(body.counters.totalDelayMs).toBe(5);
    expect((await control("POST", "/faults", { errorRate: 3 })).status).toBe(400);
  });

  it("lets the SDK's automatic retry get through injected 429s", async () => {
    engine.faults.configure({ seed: 11, errorRate: 0.7, errorStatuses: [429] });
    const retrying = twilioClientForTwin(twin, { autoRetry: true, maxRetries: 20, maxRetryDelay: 20 });
    for (let i = 0; i < 5; i++) await retrying.taskrouter.v1.workspaces.create({ friendlyName: `ws${i}` });
    engine.faults.configure({ errorRate: 0 });
    expect(await tr().workspaces.list()).toHaveLength(5);
    expect(engine.faults.counters.injectedErrors[429]).toBeGreaterThan(0);
  });

  it("enforces Sync's per-object write limit with 429 / 54009", async () => {
    const service = await client.sync.v1.services.create({ friendlyName: "limits" });
    const doc = await client.sync.v1.services(service.sid).documents.create({ uniqueName: "hot", data: { n: 0 } });
    const other = await client.sync.v1.services(service.sid).documents.create({ uniqueName: "cool", data: { n: 0 } });
    const results: number[] = [];
    for (let n = 1; n <= 201; n++) {
      try {
        await client.sync.v1.services(service.sid).documents(doc.sid).update({ data: { n } });
        results.push(200);
      } catch (error: any) {
        results.push(error.status);
        expect(error.code).toBe(54009);
      }
    }
    // The create counted as the first write: 199 updates pass in the window, then 429s.
    expect(results.filter((s) => s === 200)).toHaveLength(199);
    expect(results.slice(-2)).toEqual([429, 429]);
    const hot = client.sync.v1.services(service.sid).documents(doc.sid);
    // Another object is not throttled.
    await client.sync.v1
      .services(service.sid)
      .documents(other.sid)
      .update({ data: { n: 1 } });
    // Switched off, the hot object takes writes again; switched on, it waits for its window to pass.
    expect((await control("POST", "/faults", { syncWriteLimit: false })).status).toBe(200);
    await hot.update({ data: { n: 202 } });
    expect((await control("POST", "/faults", { syncWriteLimit: true })).status).toBe(200);
    expect((await restError(() => hot.update({ data: { n: 203 } }))).code).toBe(54009);
    clock.advance(10_001);
    await hot.update({ data: { n: 204 } });
    expect(engine.faults.counters.throttledSyncWrites).toBe(3);
  }, 20_000);

  it("duplicates and reorders webhook deliveries", async () => {
    const f = await flexWorkspace();
    addSink("DG2", false, ["com.twilio.taskrouter.task.created"]);
    engine.faults.configure({ seed: 3, duplicateWebhookRate: 1 });
    await f.w.tasks.create({ workflowSid: f.voice.sid, attributes: "{}" });
    await engine.idle();
    const bodies = receiver.requests.filter((r) => r.path.startsWith("/events")).map((r) => r.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
    receiver.requests.length = 0;
    engine.faults.configure({ duplicateWebhookRate: 0, reorderWebhookRate: 1 });
    const a = await f.w.tasks.create({ workflowSid: f.voice.sid, attributes: '{"n":1}' });
    await engine.idle();
    engine.faults.configure({ reorderWebhookRate: 0 });
    const b = await f.w.tasks.create({ workflowSid: f.voice.sid, attributes: '{"n":2}' });
    await engine.idle();
    const order = receiver.requests
      .filter((r) => r.path.startsWith("/events"))
      .map((r) => JSON.parse(r.body)[0].data.payload.task_sid);
    expect(order).toEqual([b.sid, a.sid]);
  });
});
