// conference-status-handler against the fake Twilio: the recovery claim, exactly-once pings
// under duplicate and concurrent deliveries, the dependent round trips, bad input.
import { FunctionRoute, RecoveryStatus } from "@flex-call-recovery/vocabulary";
import { handler } from "../src/functions/conference-status-handler.protected";
import { handler as registerWorker } from "../src/functions/flex/register-worker";
import { SERVER_ERROR_RETRIES } from "../src/twilio/client";
import { PING_CREATE_ATTEMPTS } from "../src/twilio/perform";
import { FakeTwilio, type LoggedRequest } from "./support/fakeTwilio";
import { CALL_WORKFLOW_SID, callHandler, PING_WORKFLOW_SID, withFakeTwilio } from "./support/runtime";
import {
  addAgent,
  agentDropped,
  enqueuedAttributes,
  ORIGINAL_ATTRIBUTES,
  registerBody,
  seedCall,
  statusCallback,
  type Call,
  stateOf,
} from "./support/scenario";

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

const pingCreations = () =>
  fake.log.filter((r) => r.method === "POST" && /\/Tasks$/.test(r.path) && r.params.WorkflowSid === PING_WORKFLOW_SID);
const isPingCreation = (r: LoggedRequest) =>
  r.method === "POST" && /\/Tasks$/.test(r.path) && r.params.WorkflowSid === PING_WORKFLOW_SID;
const isPingLookup = (r: LoggedRequest) => r.method === "GET" && /\/Tasks$/.test(r.path);
const pingLookups = () => fake.log.filter(isPingLookup);
const pingTasks = () => [...fake.tasks.values()].filter((t) => t.workflowSid === PING_WORKFLOW_SID);

async function registered(): Promise<Call> {
  const call = seedCall(fake);
  const answer = await callHandler(registerWorker, context, registerBody(call));
  expect(answer.statusCode).toBe(200);
  return call;
}

describe("conference-status-handler", () => {
  it("claims the recovery when the last agent drops: announce, mark the task, one ping", async () => {
    const call = await registered();
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.statusCode).toBe(200);

    const [creation] = pingCreations();
    expect(pingCreations()).toHaveLength(1);
    const ping = JSON.parse(creation.params.Attributes);
    expect(ping).toMatchObject({
      ...ORIGINAL_ATTRIBUTES,
      disconnectedTaskSid: call.taskSid,
      disconnectedReservationSid: call.agent.reservationSid,
      disconnectedWorkerSid: call.agent.workerSid,
      disconnectedWorkerName: "Alice",
      disconnectedCallSid: call.agent.callSid,
      disconnectedConferenceSid: call.conferenceSid,
      recoveryAttemptFailed: false,
      disconnectedTime: "2026-11-25T17:00:00.000Z",
    });
    expect(creation.params).toMatchObject({ Timeout: "15", Priority: "1000", TaskChannel: "default" });
    expect(fake.conferences.get(call.conferenceSid)?.announceUrl).toBe(
      `https://${context.DOMAIN_NAME}${FunctionRoute.announce}`,
    );
    const marked = JSON.parse(fake.tasks.get(call.taskSid)!.attributes);
    expect(marked.conversations).toEqual({ followed_by: "Reconnect Agent" });
    expect(marked.disconnectedTime).toBe("2026-11-25T17:00:00.000Z");
    const state = stateOf(fake, call);
    expect(state.recovery?.status).toBe(RecoveryStatus.pinging);
    // The ping's SID is recorded afterwards, so a clean-up can cancel it.
    expect(fake.tasks.get(state.recovery!.pingTaskSid!)?.workflowSid).toBe(PING_WORKFLOW_SID);
  });

  it("creates the ping once when Twilio answered 500 but had created it (the look finds it)", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const call = await registered();
    fake.failNextAfterHandling(isPingCreation, 500);
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.statusCode).toBe(200);
    expect(pingCreations().map((r) => r.status)).toEqual([500]);
    const [look] = pingLookups();
    expect(pingLookups()).toHaveLength(1);
    expect(look.params).toMatchObject({
      WorkflowSid: PING_WORKFLOW_SID,
      EvaluateTaskAttributes: `disconnectedReservationSid == "${call.agent.reservationSid}"`,
    });
    const pings = pingTasks();
    expect(pings).toHaveLength(1);
    expect(stateOf(fake, call).recovery).toMatchObject({ status: RecoveryStatus.pinging, pingTaskSid: pings[0].sid });
    // No requeue: the customer stays in the conference for the ping.
    expect(fake.calls.get(call.customerCallSid)!.twiml).toBeUndefined();
  });

  it("creates the ping again when Twilio answered 500 and had not created it", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const call = await registered();
    fake.failNext(isPingCreation, 500);
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.statusCode).toBe(200);
    expect(pingCreations().map((r) => r.status)).toEqual([500, 201]);
    // The look came between the two creations.
    const order = fake.log.filter((r) => isPingCreation(r) || isPingLookup(r)).map((r) => r.method);
    expect(order).toEqual(["POST", "GET", "POST"]);
    const pings = pingTasks();
    expect(pings).toHaveLength(1);
    expect(stateOf(fake, call).recovery).toMatchObject({ status: RecoveryStatus.pinging, pingTaskSid: pings[0].sid });
    expect(fake.calls.get(call.customerCallSid)!.twiml).toBeUndefined();
  });

  it("requeues the customer when the look for a refused ping fails (nothing repeated blindly)", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const call = await registered();
    fake.failNext(isPingCreation, 500);
    // The look is a GET: the client retries its 5xx, so every one of its attempts fails.
    for (let i = 0; i <= SERVER_ERROR_RETRIES; i++) fake.failNext(isPingLookup, 503);
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.statusCode).toBe(200);
    expect(pingCreations().map((r) => r.status)).toEqual([500]);
    expect(pingTasks()).toHaveLength(0);
    expect(stateOf(fake, call).recovery).toMatchObject({ status: RecoveryStatus.requeued, pingTaskSid: null });
  });

  it("requeues the customer when the ping cannot be created after looking and retrying", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const call = await registered();
    for (let i = 0; i < PING_CREATE_ATTEMPTS; i++) fake.failNext(isPingCreation, 500);
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.statusCode).toBe(200);
    expect(pingCreations().map((r) => r.status)).toEqual(Array(PING_CREATE_ATTEMPTS).fill(500));
    // Each refused creation was followed by a look (the last one too: it may have landed).
    expect(pingLookups()).toHaveLength(PING_CREATE_ATTEMPTS);
    expect(pingTasks()).toHaveLength(0);
    expect(stateOf(fake, call).recovery).toMatchObject({ status: RecoveryStatus.requeued, pingTaskSid: null });
    const twiml = fake.calls.get(call.customerCallSid)!.twiml!;
    expect(twiml).toContain(`<Enqueue workflowSid="${CALL_WORKFLOW_SID}"><Task priority="1000">`);
    const attributes = enqueuedAttributes(twiml);
    expect(attributes).toMatchObject({
      ...ORIGINAL_ATTRIBUTES,
      isReconnect: true,
      recoveryAttemptFailed: true,
      disconnectedConferenceSid: call.conferenceSid,
    });
    expect(attributes).not.toHaveProperty("targetWorkerSid");
    expect(attributes).not.toHaveProperty("conference");
    // No ping reservation timed out to make the dropped agent unavailable: the functions did it,
    // so TaskRouter cannot offer them the requeued customer first.
    expect(fake.workerActivities.get(call.agent.workerSid)).toBe(fake.timeoutActivitySid);
  });

  it("undoes the claim when the ping fails and the requeue cannot even be written", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "error").mockImplementation(() => undefined);
    const call = await registered();
    for (let i = 0; i < PING_CREATE_ATTEMPTS; i++) fake.failNext(isPingCreation, 500);
    // The claim's write succeeds; the requeue's write is refused (not retried: 400).
    let writes = 0;
    fake.failNext((r) => r.host === "sync.twilio.com" && r.method === "POST" && ++writes === 2, 400, 54006);
    const failed = await callHandler(handler, context, agentDropped(call));
    expect(failed.statusCode).toBe(500);
    expect(stateOf(fake, call).recovery).toBeNull();
    expect(Object.keys(stateOf(fake, call).workers)).toEqual([call.agent.callSid]);
  });

  it("creates exactly one ping for a duplicate delivery and for a second leave of the same leg", async () => {
    const call = await registered();
    const dropped = agentDropped(call);
    await callHandler(handler, context, dropped);
    const again = await callHandler(handler, context, dropped);
    const another = await callHandler(handler, context, { ...dropped, SequenceNumber: "999" });
    expect([again.statusCode, another.statusCode]).toEqual([200, 200]);
    expect(pingCreations()).toHaveLength(1);
  });

  it("creates exactly one ping for two concurrent deliveries of the same leave (If-Match race)", async () => {
    const call = await registered();
    const dropped = agentDropped(call);
    fake.hold();
    const both = Promise.all([callHandler(handler, context, dropped), callHandler(handler, context, dropped)]);
    // Both read the same revision (beside the participants), then both try to write with it:
    // Sync lets one through.
    const reads = await fake.waitForPending(4);
    expect(reads.map((r) => `${r.method} ${r.host}`).sort()).toEqual([
      "GET api.twilio.com",
      "GET api.twilio.com",
      "GET sync.twilio.com",
      "GET sync.twilio.com",
    ]);
    fake.release();
    const writes = await fake.waitForPending(2);
    expect(writes.map((r) => [r.method, r.ifMatch])).toEqual([
      ["POST", writes[0].ifMatch],
      ["POST", writes[0].ifMatch],
    ]);
    fake.release(true);
    const answers = await both;
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect(fake.log.filter((r) => r.status === 412)).toHaveLength(1);
    expect(pingCreations()).toHaveLength(1);
    expect(fake.log.filter((r) => r.method === "POST" && /Conferences\/\w+\.json$/.test(r.path))).toHaveLength(1);
  });

  it("reaches the ping in 3 dependent round trips: read ∥ participants → claim → announce ∥ mark ∥ ping", async () => {
    const call = await registered();
    fake.hold();
    const dropped = agentDropped(call);
    const answer = callHandler(handler, context, dropped);
    const describe = (requests: LoggedRequest[]) =>
      requests.map(
        (r) => `${r.method} ${r.host}${r.path.replace(/\/[A-Z]{2}[0-9a-f]{32}|\/recovery-CF[0-9a-f]{32}/g, "/{sid}")}`,
      );
    const waves: string[][] = [];
    for (const count of [2, 1, 3]) {
      waves.push(describe(await fake.waitForPending(count)).sort());
      fake.release();
    }
    fake.release(true);
    expect((await answer).statusCode).toBe(200);
    expect(waves).toEqual([
      [
        "GET api.twilio.com/2010-04-01/Accounts/{sid}/Conferences/{sid}/Participants.json",
        "GET sync.twilio.com/v1/Services/{sid}/Documents/{sid}",
      ],
      ["POST sync.twilio.com/v1/Services/{sid}/Documents/{sid}"],
      [
        "GET taskrouter.twilio.com/v1/Workspaces/{sid}/Tasks/{sid}",
        "POST api.twilio.com/2010-04-01/Accounts/{sid}/Conferences/{sid}.json",
        "POST taskrouter.twilio.com/v1/Workspaces/{sid}/Tasks",
      ],
    ]);
    // The same figure from the fake's own bookkeeping (requests grouped by correlation id).
    expect(pingCreations()[0].depth).toBe(3);
    expect(pingCreations()[0].correlationId).toBe(`${call.conferenceSid}:${dropped.SequenceNumber}`);
  });

  it("marks the dropped task with If-Match and reads again when Flex changed it in between", async () => {
    const call = await registered();
    fake.hold();
    const answer = callHandler(handler, context, agentDropped(call));
    for (const count of [2, 1, 3]) {
      await fake.waitForPending(count);
      fake.release();
    }
    const isTaskUpdate = (r: LoggedRequest) => r.method === "POST" && r.path.endsWith(`/Tasks/${call.taskSid}`);
    const [update] = await fake.waitForPending(1);
    expect(isTaskUpdate(update) && update.ifMatch !== undefined).toBe(true);
    // Flex writes the task between our read and our write.
    const task = fake.tasks.get(call.taskSid)!;
    task.attributes = JSON.stringify({ ...JSON.parse(task.attributes), flexWroteThis: true });
    task.revision = (task.revision ?? 0) + 1;
    fake.release(true);
    expect((await answer).statusCode).toBe(200);
    const updates = fake.log.filter(isTaskUpdate);
    expect(updates.map((r) => r.status)).toEqual([412, 200]);
    const marked = JSON.parse(task.attributes);
    expect(marked).toMatchObject({ flexWroteThis: true, conversations: { followed_by: "Reconnect Agent" } });
  });

  it("still creates the ping when Twilio answers 429 (creation) and 503 (state write) on the way", async () => {
    const call = await registered();
    // The client repeats a creation only after a 429; a 5xx on it leads to the look (tests above).
    fake.failNext((r) => r.method === "POST" && /\/Tasks$/.test(r.path), 429, 20429);
    fake.failNext((r) => r.host === "sync.twilio.com" && r.method === "POST", 503);
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.statusCode).toBe(200);
    expect(pingCreations().filter((r) => r.status === 201)).toHaveLength(1);
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.pinging);
  });

  it("rolls the claim back when neither the ping nor the requeue works, so a redelivery recovers", async () => {
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const call = await registered();
    // Every attempt fails: the ping's creation, then the customer's redirect to the queue.
    for (let i = 0; i < 4; i++) {
      fake.failNext((r) => r.method === "POST" && /\/Tasks$/.test(r.path), 500);
      fake.failNext((r) => r.method === "POST" && r.path.endsWith(`/Calls/${call.customerCallSid}.json`), 500);
    }
    const dropped = agentDropped(call);
    const failed = await callHandler(handler, context, dropped);
    expect(failed.statusCode).toBe(500);
    expect(stateOf(fake, call).recovery).toBeNull();
    expect(Object.keys(stateOf(fake, call).workers)).toEqual([call.agent.callSid]);

    fake.clearFailures();
    const redelivered = await callHandler(handler, context, dropped);
    expect(redelivered.statusCode).toBe(200);
    expect(pingCreations().filter((r) => r.status === 201)).toHaveLength(1);
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.pinging);
  });

  it("does not recover when another agent is already on the call, registered or not", async () => {
    const call = await registered();
    addAgent(fake, call, "Bob"); // joined (warm transfer), registration not landed yet
    fake.conferences.get(call.conferenceSid)!.participants.delete(call.agent.callSid);
    const answer = await callHandler(handler, context, agentDropped(call));
    expect(answer.body).toMatchObject({ note: "another agent is on the call" });
    expect(pingCreations()).toHaveLength(0);
    expect(stateOf(fake, call).workers).toEqual({});
  });

  it("closes the dropped agent's reservation instead of recovering when the customer is gone", async () => {
    const call = await registered();
    fake.tasks.get(call.taskSid)!.reservations.set(call.agent.reservationSid, "wrapping");
    fake.conferences.get(call.conferenceSid)!.participants.clear(); // customer's leave not handled yet
    await callHandler(handler, context, agentDropped(call));
    expect(pingCreations()).toHaveLength(0);
    expect(fake.tasks.get(call.taskSid)!.reservations.get(call.agent.reservationSid)).toBe("completed");
  });

  it("sets a registered worker's endConferenceOnExit back to false, not the customer's", async () => {
    const call = await registered();
    const participants = fake.conferences.get(call.conferenceSid)!.participants;
    participants.get(call.agent.callSid)!.endConferenceOnExit = true;
    const modify = (callSid: string) =>
      statusCallback(call, "participant-modify", { CallSid: callSid, EndConferenceOnExit: "true" });
    await callHandler(handler, context, modify(call.agent.callSid));
    await callHandler(handler, context, modify(call.customerCallSid));
    expect(participants.get(call.agent.callSid)!.endConferenceOnExit).toBe(false);
    expect(participants.get(call.customerCallSid)!.endConferenceOnExit).toBe(true);
  });

  it("deletes the state once the conference has ended and its registered legs that left by themselves have left", async () => {
    const call = await registered();
    const lastLeft = { ReasonConferenceEnded: "last-participant-left" };
    await callHandler(handler, context, statusCallback(call, "conference-end", lastLeft));
    expect(stateOf(fake, call)?.conferenceEnded).toBe(true);
    await callHandler(handler, context, agentDropped(call));
    expect(stateOf(fake, call)).toBeUndefined();
    expect(pingCreations()).toHaveLength(0);
  });

  it("the customer's hangup ended the conference: deleted at once, the agents' removal needs no Sync", async () => {
    const call = await registered();
    const byCustomer = {
      ReasonConferenceEnded: "participant-with-end-conference-on-exit-left",
      CallSidEndingConference: call.customerCallSid,
    };
    await callHandler(handler, context, statusCallback(call, "conference-end", byCustomer));
    expect(stateOf(fake, call)).toBeUndefined();
    const mark = fake.log.length;
    const kicked = { ...agentDropped(call), ReasonParticipantLeft: "moderator_ended_conference" };
    expect((await callHandler(handler, context, kicked)).statusCode).toBe(200);
    expect(fake.log.length).toBe(mark);
    expect(pingCreations()).toHaveLength(0);
  });

  it("a participant-modify that keeps endConferenceOnExit off touches nothing (no Sync read)", async () => {
    const call = await registered();
    const mark = fake.log.length;
    const modify = statusCallback(call, "participant-modify", {
      CallSid: call.agent.callSid,
      EndConferenceOnExit: "false",
    });
    expect((await callHandler(handler, context, modify)).statusCode).toBe(200);
    expect(fake.log.length).toBe(mark);
  });

  it.each<[string, (call: Call) => Record<string, string>, string]>([
    ["no ConferenceSid", (call) => ({ ...agentDropped(call), ConferenceSid: "" }), "missing parameter ConferenceSid"],
    [
      "a malformed CallSid",
      (call) => ({ ...agentDropped(call), CallSid: "CA123" }),
      "parameter CallSid is not a CA SID",
    ],
    [
      "an unreadable boolean",
      (call) =>
        statusCallback(call, "participant-modify", { CallSid: call.agent.callSid, EndConferenceOnExit: "maybe" }),
      'parameter EndConferenceOnExit must be "true" or "false"',
    ],
    [
      "no StatusCallbackEvent",
      (call) => ({ ...agentDropped(call), StatusCallbackEvent: "" }),
      "missing parameter StatusCallbackEvent",
    ],
  ])("answers 400 and changes nothing for %s", async (_name, build, message) => {
    const call = await registered();
    const before = JSON.stringify(stateOf(fake, call));
    const writesBefore = fake.writes().length;
    const answer = await callHandler(handler, context, build(call));
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual({ success: false, message });
    expect(fake.writes()).toHaveLength(writesBefore);
    expect(JSON.stringify(stateOf(fake, call))).toBe(before);
  });

  it("answers 500 naming the setting when the deployment lacks one", async () => {
    const call = await registered();
    jest.spyOn(console, "error").mockImplementation(() => undefined);
    const answer = await callHandler(handler, { ...context, SYNC_SERVICE_SID: "" }, agentDropped(call));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toEqual({ success: false, message: expect.stringContaining("SYNC_SERVICE_SID") });
  });
});
