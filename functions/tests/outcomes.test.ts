// Recovery outcomes: which committed changes end a recovery (table), the record appended once to
// the day's Sync List by the handlers, nothing for ordinary calls, and flex/recoveries.
import {
  ParticipantLabel,
  RecoveryStatus,
  TaskRouterEventType,
  OUTCOME_LIST_SHARDS,
  outcomeListName,
  outcomeShard,
  type ConferenceState,
  type RecoveryState,
} from "@flex-call-recovery/vocabulary";
import { handler as conferenceStatus } from "../src/functions/conference-status-handler.protected";
import { handler as recoveries } from "../src/functions/flex/recoveries";
import { handler as registerWorker } from "../src/functions/flex/register-worker";
import { handler as taskEvents } from "../src/functions/task-event-handler.protected";
import { endedRecovery } from "../src/outcomes/outcomes";
import { FakeTwilio } from "./support/fakeTwilio";
import { callHandler, withFakeTwilio } from "./support/runtime";
import { agentDropped, registerBody, seedCall, statusCallback } from "./support/scenario";
import { cloudEvent, droppedCall, reconnectTask } from "./support/events";

const recovery = (status: RecoveryStatus, reconnectedWorkerSid: string | null = null): RecoveryState => ({
  status,
  droppedWorkerSid: "WK1",
  droppedWorkerName: "Alice",
  droppedCallSid: "CA1",
  droppedTaskSid: "WT1",
  droppedReservationSid: "WR1",
  disconnectedTime: "2026-12-02T10:00:00.000Z",
  pingTaskSid: null,
  reconnectTaskSid: null,
  reconnectedWorkerSid,
  updatedTime: "2026-12-02T10:00:05.000Z",
});
const doc = (r: RecoveryState | null): ConferenceState => ({
  v: 1,
  conferenceSid: "CF1",
  taskSid: "WT1",
  workflowSid: "WW1",
  customerCallSid: "CA0",
  customerGone: false,
  conferenceEnded: false,
  workers: {},
  recovery: r,
  seenEventIds: [],
});
const { active, pinging, reconnecting, requeued, reconnected, abandoned } = RecoveryStatus;

describe("endedRecovery", () => {
  it.each<[string, string | null, ConferenceState | null, ConferenceState | null, boolean]>([
    ["an ordinary call's write", null, doc(null), doc(null), false],
    ["an ordinary call's delete", null, doc(null), null, true],
    ["a claim", null, doc(null), doc(recovery(pinging)), false],
    ["ping accepted", null, doc(recovery(pinging)), doc(recovery(reconnecting)), false],
    ["ping timed out", null, doc(recovery(pinging)), doc(recovery(requeued)), false],
    [
      "reconnected to the dropped agent",
      "sameAgent",
      doc(recovery(reconnecting)),
      doc(recovery(reconnected, "WK1")),
      false,
    ],
    [
      "requeued, back to the dropped agent",
      "sameAgent",
      doc(recovery(requeued)),
      doc(recovery(reconnected, "WK1")),
      false,
    ],
    [
      "requeued, reached another agent",
      "otherAgent",
      doc(recovery(requeued)),
      doc(recovery(reconnected, "WK2")),
      false,
    ],
    ["customer hung up during the ping", "abandoned", doc(recovery(pinging)), doc(recovery(abandoned)), false],
    ["customer hung up in the queue", "abandoned", doc(recovery(requeued)), doc(recovery(abandoned)), false],
    ["conference ended during the ping (deleted)", "abandoned", doc(recovery(pinging)), null, true],
    ["already ended: a later write", null, doc(recovery(reconnected, "WK1")), doc(recovery(reconnected, "WK1")), false],
    ["already ended: the delete", null, doc(recovery(abandoned)), null, true],
    ["an active recovery status", null, doc(recovery(active)), doc(recovery(abandoned)), false],
  ])("%s → %s", (_name, expected, before, after, deleted) => {
    expect(endedRecovery(before, after, deleted)?.outcome ?? null).toBe(expected);
  });

  it("records the drop, who had it and who has the customer now", () => {
    expect(endedRecovery(doc(recovery(requeued)), doc(recovery(reconnected, "WK2")), false)).toEqual({
      v: 1,
      outcome: "otherAgent",
      conferenceSid: "CF1",
      droppedCallSid: "CA1",
      droppedWorkerSid: "WK1",
      droppedWorkerName: "Alice",
      reconnectedWorkerSid: "WK2",
      disconnectedTime: "2026-12-02T10:00:00.000Z",
    });
  });
});

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

const listRequests = () => fake.log.filter((r) => r.host === "sync.twilio.com" && r.path.includes("/Lists"));
const todaysItems = () =>
  Array.from({ length: OUTCOME_LIST_SHARDS }, (_, shard) => fake.lists.get(outcomeListName(new Date(), shard)))
    .flatMap((list) => list?.items ?? [])
    .map((item) => item.data);

describe("recording outcomes", () => {
  it("an ordinary call (registered, hung up, ended) touches no list", async () => {
    const call = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(call));
    await callHandler(conferenceStatus, context, statusCallback(call, "conference-end"));
    await callHandler(conferenceStatus, context, {
      ...agentDropped(call),
      ReasonParticipantLeft: "moderator_ended_conference",
    });
    expect(listRequests()).toEqual([]);
  });

  it("a drop that reconnects to the same agent appends one sameAgent record, once", async () => {
    const { call, ping } = await droppedCall(fake, context);
    // The ping's acceptance counts only from the dropped worker (the reservation's worker).
    const byDroppedWorker = { worker_sid: call.agent.workerSid };
    await callHandler(taskEvents, context, cloudEvent(TaskRouterEventType.reservationAccepted, ping, byDroppedWorker));
    const reconnect = reconnectTask(fake, call, "assigned");
    expect(listRequests()).toEqual([]); // nothing until the recovery ends
    const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, reconnect, {
      worker_sid: call.agent.workerSid,
    });
    expect((await callHandler(taskEvents, context, accepted)).statusCode).toBe(200);
    expect((await callHandler(taskEvents, context, accepted)).statusCode).toBe(200); // redelivered
    expect(todaysItems()).toEqual([
      expect.objectContaining({
        outcome: "sameAgent",
        conferenceSid: call.conferenceSid,
        droppedCallSid: call.agent.callSid,
        droppedWorkerSid: call.agent.workerSid,
        droppedWorkerName: "Alice",
        reconnectedWorkerSid: call.agent.workerSid,
      }),
    ]);
    // The day's first record in its list (the dropped leg's shard): append (404), create the list
    // with its TTL, append again.
    const list = outcomeListName(new Date(), outcomeShard(call.agent.callSid));
    expect(listRequests().map((r) => `${r.method} ${r.path.replace(/\/Services\/\w+/, "")}`)).toEqual([
      `POST /v1/Lists/${list}/Items`,
      "POST /v1/Lists",
      `POST /v1/Lists/${list}/Items`,
    ]);
    expect(fake.lists.get(list)?.ttl).toBe(31 * 86_400);
  });

  it("a customer who hangs up during the ping is recorded as abandoned", async () => {
    const { call } = await droppedCall(fake, context);
    fake.conferences.get(call.conferenceSid)!.participants.clear();
    fake.calls.get(call.customerCallSid)!.status = "completed";
    const customerLeft = statusCallback(call, "participant-leave", {
      CallSid: call.customerCallSid,
      ParticipantLabel: ParticipantLabel.customer,
      EndConferenceOnExit: "true",
      ParticipantCallStatus: "completed",
      ReasonParticipantLeft: "participant_hung_up",
    });
    expect((await callHandler(conferenceStatus, context, customerLeft)).statusCode).toBe(200);
    expect(todaysItems()).toEqual([expect.objectContaining({ outcome: "abandoned", reconnectedWorkerSid: null })]);
  });

  it("a failed append is logged, never answered 5xx (the recovery itself went through)", async () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const { call } = await droppedCall(fake, context);
    fake.conferences.get(call.conferenceSid)!.participants.clear();
    for (let i = 0; i < 4; i++) fake.failNext((r) => r.path.includes("/Lists"), 503);
    const customerLeft = statusCallback(call, "participant-leave", {
      CallSid: call.customerCallSid,
      ParticipantLabel: ParticipantLabel.customer,
      ParticipantCallStatus: "completed",
      ReasonParticipantLeft: "participant_hung_up",
    });
    expect((await callHandler(conferenceStatus, context, customerLeft)).statusCode).toBe(200);
    expect(todaysItems()).toEqual([]);
    expect(log.mock.calls.flat().join("\n")).toContain("recording the outcome (abandoned)");
  });
});

describe("flex/recoveries", () => {
  const call = (token: string) => callHandler(recoveries, context, { Token: token });

  it("refuses an agent (403) and a missing token (401)", async () => {
    fake.flexTokens.set("agent-token", { worker_sid: "WK1", identity: "alice" });
    expect((await call("agent-token")).statusCode).toBe(403);
    expect((await callHandler(recoveries, context, {})).statusCode).toBe(401);
  });

  it("gives a supervisor today's summary", async () => {
    fake.flexTokens.set("supervisor-token", { worker_sid: "WK9", identity: "sam", roles: ["supervisor"] });
    const { call: dropped } = await droppedCall(fake, context);
    fake.conferences.get(dropped.conferenceSid)!.participants.clear();
    await callHandler(conferenceStatus, context, {
      ...statusCallback(dropped, "participant-leave", {
        CallSid: dropped.customerCallSid,
        ParticipantLabel: ParticipantLabel.customer,
        ParticipantCallStatus: "completed",
        ReasonParticipantLeft: "participant_hung_up",
      }),
      Timestamp: new Date(Date.now() - 1000).toUTCString(),
    });
    const answer = await call("supervisor-token");
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({
      success: true,
      day: new Date().toISOString().slice(0, 10),
      summary: { dropped: 1, abandoned: 1, sameAgent: 0, otherAgent: 0, agents: [{ workerName: "Alice", drops: 1 }] },
    });
  });

  it("answers an empty day with zeros", async () => {
    fake.flexTokens.set("admin-token", { worker_sid: "WK9", identity: "ada", roles: ["admin"] });
    const answer = await call("admin-token");
    expect(answer.body).toMatchObject({ summary: { dropped: 0, waitP50Seconds: null, agents: [] } });
  });
});
