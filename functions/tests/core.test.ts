// Table tests of the recovery core: each case plays a sequence of events against the state the
// previous ones committed, then checks the last decision's actions and the resulting state.
import {
  RecoveryStatus,
  TaskAttribute,
  type ConferenceState,
  type RecoveryPingAttributes,
} from "@flex-call-recovery/vocabulary";
import {
  decide,
  decideFromCallback,
  enqueueTwiml,
  factActions,
  reconnectAttributes,
  stuckRecoveryActions,
} from "../src/recovery/core";
import type { Action, ConferenceParticipant, Decision, RecoveryConfig, RecoveryEvent } from "../src/recovery/types";

const sid = (prefix: string, n: number) => `${prefix}${n.toString(16).padStart(32, "0")}`;
const CONF = sid("CF", 1);
const CUSTOMER = sid("CA", 1);
const AGENT_A = {
  workerSid: sid("WK", 1),
  workerName: "Alice",
  callSid: sid("CA", 2),
  taskSid: sid("WT", 1),
  reservationSid: sid("WR", 1),
};
const AGENT_B = {
  workerSid: sid("WK", 2),
  workerName: "Bob",
  callSid: sid("CA", 3),
  taskSid: sid("WT", 2),
  reservationSid: sid("WR", 2),
};
const THIRD_PARTY = sid("CA", 9);
const CALL_WORKFLOW = sid("WW", 1);
const PING = sid("WT", 7);
const RECONNECT = sid("WT", 8);
const NOW = "2026-11-25T17:00:00.000Z";
const ORIGINAL_ATTRIBUTES = { call_sid: CUSTOMER, name: "Customer", conference: { sid: CONF } };

const config: RecoveryConfig = {
  recoveryPingWorkflowSid: sid("WW", 9),
  pingTimeoutSeconds: 15,
  pingPriority: 1000,
  reconnectPriority: 1000,
};

let sequence = 0;
const base = () => ({ conferenceSid: CONF, eventId: `${CONF}:${++sequence}`, time: NOW, label: null });
const register = (agent: typeof AGENT_A): RecoveryEvent => ({
  kind: "registerWorker",
  request: {
    conferenceSid: CONF,
    taskSid: agent.taskSid,
    reservationSid: agent.reservationSid,
    workflowSid: CALL_WORKFLOW,
    workerSid: agent.workerSid,
    workerName: agent.workerName,
    workerCallSid: agent.callSid,
    customerCallSid: CUSTOMER,
  },
  taskAttributes: ORIGINAL_ATTRIBUTES,
  identity: agent.workerName.toLowerCase(),
});
const leave = (
  callSid: string,
  callStatus = "completed",
  reason = "participant_hung_up",
  participants: ConferenceParticipant[] | null = null,
): RecoveryEvent => ({
  ...base(),
  kind: "participantLeave",
  callSid,
  callStatus,
  reason,
  participants,
});
const modify = (callSid: string, endConferenceOnExit: boolean): RecoveryEvent => ({
  ...base(),
  kind: "participantModify",
  callSid,
  endConferenceOnExit,
});
const unregister = (agent: typeof AGENT_A): RecoveryEvent => ({
  kind: "unregisterWorker",
  conferenceSid: CONF,
  workerCallSid: agent.callSid,
});
const conferenceEnd = (reason: string | null = null, endingCallSid: string | null = null): RecoveryEvent => ({
  kind: "conferenceEnd",
  conferenceSid: CONF,
  eventId: `${CONF}:${++sequence}`,
  reason,
  endingCallSid,
});

/** The ping the core asked for when AGENT_A dropped. */
const pingAttributes = (agent = AGENT_A): RecoveryPingAttributes => ({
  ...ORIGINAL_ATTRIBUTES,
  disconnectedTaskSid: agent.taskSid,
  disconnectedReservationSid: agent.reservationSid,
  disconnectedWorkerSid: agent.workerSid,
  disconnectedWorkerName: agent.workerName,
  disconnectedCallSid: agent.callSid,
  disconnectedConferenceSid: CONF,
  disconnectedTaskWorkflowSid: CALL_WORKFLOW,
  disconnectedTime: NOW,
  recoveryAttemptFailed: false,
});
const participants = (withThirdParty: boolean) => [
  { callSid: CUSTOMER, label: "customer", endConferenceOnExit: true },
  ...(withThirdParty ? [{ callSid: THIRD_PARTY, label: "external", endConferenceOnExit: false }] : []),
];
const pingAccepted = (customerCallStatus: string | null, withThirdParty = false): RecoveryEvent => ({
  kind: "pingAccepted",
  eventId: `EV-accepted-${++sequence}`,
  pingTaskSid: PING,
  pingAttributes: pingAttributes(),
  workerSid: AGENT_A.workerSid,
  customerCallStatus,
  participants: participants(withThirdParty),
});
const pingCanceled = (customerCallStatus: string | null, withThirdParty = false): RecoveryEvent => ({
  kind: "pingCanceled",
  eventId: `EV-canceled-${++sequence}`,
  pingTaskSid: PING,
  pingAttributes: pingAttributes(),
  customerCallStatus,
  participants: participants(withThirdParty),
});
const reconnectQueued = (droppedReservationStatus: string | null): RecoveryEvent => ({
  kind: "reconnectEnteredQueue",
  eventId: `EV-queued-${++sequence}`,
  reconnectTaskSid: RECONNECT,
  attributes: reconnectAttributes(pingAttributes(), AGENT_A.workerSid),
  droppedReservationStatus,
});

/** Plays events in order, committing each decision; returns the last decision and the state. */
function play(events: RecoveryEvent[]): { decision: Decision; state: ConferenceState | null } {
  let state: ConferenceState | null = null;
  let decision: Decision | null = null;
  for (const event of events) {
    decision = decide(event, state, config, NOW);
    if (decision.change.kind === "write") state = decision.change.state;
    if (decision.change.kind === "delete") state = null;
  }
  return { decision: decision!, state };
}

const kinds = (actions: Action[]) => actions.map((a) => a.kind).sort();
const dropA = [register(AGENT_A), leave(AGENT_A.callSid)];
const pinging = () => [...dropA, { kind: "pingCreated", conferenceSid: CONF, pingTaskSid: PING } as RecoveryEvent];

describe("recovery core: participant events", () => {
  it.each<[string, () => RecoveryEvent[], string[], RecoveryStatus | null]>([
    [
      "graceful hangup: unregister, then leave",
      () => [register(AGENT_A), unregister(AGENT_A), leave(AGENT_A.callSid)],
      [],
      null,
    ],
    [
      "cold transfer: the first agent unregisters and leaves, the next registers",
      () => [register(AGENT_A), unregister(AGENT_A), leave(AGENT_A.callSid), register(AGENT_B)],
      ["updateParticipant", "grantStateRead"],
      null,
    ],
    [
      "warm transfer: two workers, one drops (the other covers)",
      () => [register(AGENT_A), register(AGENT_B), leave(AGENT_A.callSid)],
      [],
      null,
    ],
    [
      "warm transfer: two workers, then the last one drops",
      () => [register(AGENT_A), register(AGENT_B), unregister(AGENT_A), leave(AGENT_A.callSid), leave(AGENT_B.callSid)],
      ["announce", "createPing", "markTaskDisconnected"],
      RecoveryStatus.pinging,
    ],
    [
      "last worker drops with the customer present",
      () => dropA,
      ["announce", "createPing", "markTaskDisconnected"],
      RecoveryStatus.pinging,
    ],
    [
      "customer already gone: no recovery, the dropped agent's call is closed",
      () => [register(AGENT_A), leave(CUSTOMER), leave(AGENT_A.callSid)],
      ["completeReservation"],
      null,
    ],
    [
      "customer gone per the live participants (their leave not handled yet)",
      () => [register(AGENT_A), leave(AGENT_A.callSid, "completed", "participant_hung_up", [])],
      ["completeReservation"],
      null,
    ],
    [
      "another agent already on the call, not yet registered (warm transfer race)",
      () => [
        register(AGENT_A),
        leave(AGENT_A.callSid, "completed", "participant_hung_up", [
          { callSid: CUSTOMER, label: "customer", endConferenceOnExit: true },
          { callSid: AGENT_B.callSid, label: "worker", endConferenceOnExit: false },
        ]),
      ],
      [],
      null,
    ],
    [
      "last worker drops, the live participants confirm the customer is there",
      () => [
        register(AGENT_A),
        leave(AGENT_A.callSid, "completed", "participant_hung_up", [
          { callSid: CUSTOMER, label: "customer", endConferenceOnExit: true },
          { callSid: THIRD_PARTY, label: "external", endConferenceOnExit: false },
        ]),
      ],
      ["announce", "createPing", "markTaskDisconnected"],
      RecoveryStatus.pinging,
    ],
    [
      "conference already ended",
      () => [register(AGENT_A), conferenceEnd(), leave(AGENT_A.callSid, "completed", "conference_ended_via_api")],
      [],
      null,
    ],
    [
      "worker leaves because the conference is ending",
      () => [register(AGENT_A), leave(AGENT_A.callSid, "completed", "conference_ended_via_api")],
      [],
      null,
    ],
    ["a third party leaves", () => [register(AGENT_A), leave(THIRD_PARTY)], [], null],
    [
      "the worker's call is moved out of the conference (still in progress)",
      () => [register(AGENT_A), leave(AGENT_A.callSid, "in-progress", "participant_updated_via_api")],
      [],
      null,
    ],
  ])("%s", (_name, events, expectedActions, expectedStatus) => {
    const { decision, state } = play(events());
    expect(kinds(decision.actions)).toEqual([...expectedActions].sort());
    expect(state?.recovery?.status ?? null).toBe(expectedStatus);
  });

  it("claims the recovery with the ping the design describes", () => {
    const { decision, state } = play(dropA);
    expect(decision.note).toBe("recovery claimed");
    expect(state?.workers).toEqual({});
    expect(state?.recovery).toMatchObject({
      status: RecoveryStatus.pinging,
      droppedWorkerSid: AGENT_A.workerSid,
      droppedReservationSid: AGENT_A.reservationSid,
      disconnectedTime: NOW,
    });
    const ping = decision.actions.find((a) => a.kind === "createPing");
    expect(ping).toEqual({
      kind: "createPing",
      workflowSid: config.recoveryPingWorkflowSid,
      attributes: pingAttributes(),
      attributesFromTaskSid: null,
      timeoutSeconds: 15,
      priority: 1000,
    });
    expect(decision.actions).toContainEqual({ kind: "announce", conferenceSid: CONF });
    expect(decision.actions).toContainEqual({
      kind: "markTaskDisconnected",
      taskSid: AGENT_A.taskSid,
      disconnectedTime: NOW,
    });
  });

  it("asks the adapter for the attributes when the document could not hold them", () => {
    const registered = play([register(AGENT_A)]).state!;
    const decision = decide(leave(AGENT_A.callSid), { ...registered, taskAttributes: null }, config, NOW);
    const ping = decision.actions.find((a) => a.kind === "createPing");
    expect(ping).toMatchObject({ attributesFromTaskSid: AGENT_A.taskSid });
    expect(ping && ping.kind === "createPing" && ping.attributes).not.toHaveProperty("name");
  });

  it("ignores a duplicate participant-leave (same callback delivered twice)", () => {
    const first = leave(AGENT_A.callSid);
    const { state } = play([register(AGENT_A), first]);
    const again = decide(first, state, config, NOW);
    expect(again).toEqual({ change: { kind: "keep" }, actions: [], note: "duplicate event" });
  });

  it("ignores a second leave of the same leg with another sequence number (the state dedupes)", () => {
    const { state } = play(dropA);
    const again = decide(leave(AGENT_A.callSid), state, config, NOW);
    expect(again.actions).toEqual([]);
    expect(again.change.kind).toBe("keep");
  });

  it.each<[string, string, boolean, Action[]]>([
    [
      "registered worker with EndConferenceOnExit=true: set it back to false",
      AGENT_A.callSid,
      true,
      [{ kind: "updateParticipant", conferenceSid: CONF, callSid: AGENT_A.callSid, endConferenceOnExit: false }],
    ],
    ["registered worker with EndConferenceOnExit=false: nothing", AGENT_A.callSid, false, []],
    ["customer with EndConferenceOnExit=true: nothing", CUSTOMER, true, []],
  ])("participant-modify, %s", (_name, callSid, flag, expected) => {
    const { decision } = play([register(AGENT_A), modify(callSid, flag)]);
    expect(decision.actions).toEqual(expected);
    expect(decision.change.kind).toBe("keep");
  });

  it("does not take the customer's redirect into the queue for a hangup", () => {
    const { state } = play([...pinging(), pingAccepted("in-progress")]);
    const decision = decide(leave(CUSTOMER, "in-progress", "participant_updated_via_api"), state, config, NOW);
    expect(decision.change.kind).toBe("keep");
    expect(decision.actions).toEqual([]);
  });

  it("customer hangs up during the ping: abandon, cancel the ping, complete the dropped reservation", () => {
    const { decision, state } = play([...pinging(), leave(CUSTOMER)]);
    expect(state?.recovery?.status).toBe(RecoveryStatus.abandoned);
    expect(state?.customerGone).toBe(true);
    expect(decision.actions).toEqual([
      { kind: "completeReservation", taskSid: AGENT_A.taskSid, reservationSid: AGENT_A.reservationSid },
      { kind: "cancelTask", taskSid: PING, reason: "customer left during recovery" },
    ]);
  });

  it("customer hangs up before the redirect reached the call: abandon, close the dropped reservation", () => {
    const { decision, state } = play([...pinging(), pingAccepted("in-progress"), leave(CUSTOMER, "completed")]);
    expect(state?.recovery?.status).toBe(RecoveryStatus.abandoned);
    expect(decision.actions).toEqual([
      { kind: "completeReservation", taskSid: AGENT_A.taskSid, reservationSid: AGENT_A.reservationSid },
    ]);
  });

  it("customer left before the ping existed: the ping is canceled once recorded", () => {
    const { decision } = play([
      ...dropA,
      leave(CUSTOMER),
      { kind: "pingCreated", conferenceSid: CONF, pingTaskSid: PING },
    ]);
    expect(decision.actions).toEqual([{ kind: "cancelTask", taskSid: PING, reason: "customer left during recovery" }]);
  });

  it("conference-end before a registered leg's leave keeps the document until that leave", () => {
    const ended = play([register(AGENT_A), leave(CUSTOMER), conferenceEnd()]);
    expect(ended.state?.conferenceEnded).toBe(true);
    const last = play([register(AGENT_A), leave(CUSTOMER), conferenceEnd(), leave(AGENT_A.callSid)]);
    expect(last.decision.change).toEqual({ kind: "delete" });
    expect(kinds(last.decision.actions)).toEqual(["completeReservation"]);
    const kicked = play([
      register(AGENT_A),
      conferenceEnd(),
      leave(AGENT_A.callSid, "completed", "moderator_ended_conference"),
    ]);
    expect(kicked.decision).toMatchObject({ change: { kind: "delete" }, actions: [] });
  });

  it("an agent's leave after an end request Twilio failed ends the conference; a leave caused by the end does not", () => {
    const endRequest: RecoveryEvent = { kind: "endConference", conferenceSid: CONF, workerCallSid: AGENT_A.callSid };
    const requested = play([register(AGENT_A), endRequest]);
    expect(requested.state?.endRequestedBy).toBe(AGENT_A.workerSid);
    expect(requested.state?.workers).toEqual({});
    const leftAlone = play([register(AGENT_A), endRequest, leave(AGENT_A.callSid)]);
    expect(leftAlone.decision.actions).toEqual([{ kind: "endConference", conferenceSid: CONF }]);
    const ended = play([
      register(AGENT_A),
      endRequest,
      leave(AGENT_A.callSid, "completed", "conference_ended_via_api"),
    ]);
    expect(ended.decision.actions).toEqual([]);
  });

  it("conference-end without a recovery deletes the document; during one it keeps it", () => {
    expect(play([register(AGENT_A), unregister(AGENT_A), conferenceEnd()]).decision.change).toEqual({
      kind: "delete",
    });
    const during = play([...pinging(), pingAccepted("in-progress"), conferenceEnd()]);
    expect(during.state?.conferenceEnded).toBe(true);
    expect(during.state?.recovery?.status).toBe(RecoveryStatus.reconnecting);
    const whilePinging = play([...pinging(), conferenceEnd()]);
    expect(whilePinging.decision.change).toEqual({ kind: "delete" });
    expect(kinds(whilePinging.decision.actions)).toEqual(["cancelTask", "completeReservation"]);
  });

  it("a leave for a leg Twilio still lists in the conference claims nothing (stale or replayed callback)", () => {
    const { decision, state } = play([
      register(AGENT_A),
      leave(AGENT_A.callSid, "completed", "participant_hung_up", [
        { callSid: CUSTOMER, label: "customer", endConferenceOnExit: true },
        { callSid: AGENT_A.callSid, label: "worker", endConferenceOnExit: false },
      ]),
    ]);
    expect(decision.actions).toEqual([]);
    expect(decision.change).toEqual({ kind: "keep" });
    expect(state?.recovery).toBeNull();
    expect(state?.workers[AGENT_A.callSid]).toBeDefined();
  });

  it("conference-end waits only for registered legs that left by themselves", () => {
    // Ended by the API (the agent's hangup) or a kick: the legs still in leave with a conference-ending
    // reason, settled without the document, so nothing waits for them.
    for (const reason of ["conference-ended-via-api", "participant-with-end-conference-on-exit-kicked"]) {
      expect(play([register(AGENT_A), conferenceEnd(reason)]).decision.change).toEqual({ kind: "delete" });
    }
    // The customer (endConferenceOnExit) hung up: the agents were removed by the end.
    const customerEnded = play([
      register(AGENT_A),
      register(AGENT_B),
      conferenceEnd("participant-with-end-conference-on-exit-left", CUSTOMER),
    ]);
    expect(customerEnded.decision.change).toEqual({ kind: "delete" });
    // A registered agent whose flag was still on dropped and ended it: only that agent's leave is awaited.
    const agentEnded = play([
      register(AGENT_A),
      register(AGENT_B),
      conferenceEnd("participant-with-end-conference-on-exit-left", AGENT_A.callSid),
    ]);
    expect(Object.keys(agentEnded.state?.workers ?? {})).toEqual([AGENT_A.callSid]);
    const closed = play([
      register(AGENT_A),
      register(AGENT_B),
      conferenceEnd("participant-with-end-conference-on-exit-left", AGENT_A.callSid),
      leave(AGENT_A.callSid),
    ]);
    expect(closed.decision.change).toEqual({ kind: "delete" });
    expect(kinds(closed.decision.actions)).toEqual(["completeReservation"]);
  });

  it("customer hangs up during the ping: the same end whichever of leave and conference-end comes first", () => {
    // Out of order (conference-end first) the document used to stay behind until its TTL.
    const leaveFirst = play([...pinging(), leave(CUSTOMER), conferenceEnd()]);
    const endFirst = play([...pinging(), conferenceEnd(), leave(CUSTOMER)]);
    expect(leaveFirst.state).toBeNull();
    expect(endFirst.state).toBeNull();
  });
});

describe("recovery core: task events", () => {
  it("ping accepted, customer in progress, no third parties: complete the ping, redirect straight away", () => {
    const { decision, state } = play([...pinging(), pingAccepted("in-progress")]);
    expect(state?.recovery?.status).toBe(RecoveryStatus.reconnecting);
    const expectedAttributes = {
      call_sid: CUSTOMER,
      name: "Customer",
      ...pingAttributes(),
      [TaskAttribute.isReconnect]: true,
      [TaskAttribute.targetWorkerSid]: AGENT_A.workerSid,
    };
    delete (expectedAttributes as Record<string, unknown>).conference;
    expect(decision.actions).toEqual([
      { kind: "completeTask", taskSid: PING, reason: "recovery ping accepted" },
      { kind: "redirectCall", callSid: CUSTOMER, twiml: enqueueTwiml(CALL_WORKFLOW, 1000, expectedAttributes) },
    ]);
    const twiml = (decision.actions[1] as { twiml: string }).twiml;
    expect(twiml).toContain(`<Enqueue workflowSid="${CALL_WORKFLOW}"><Task priority="1000">`);
    expect(twiml).not.toContain("conference");
  });

  it("ping accepted with a third party left: clear the customer's endConferenceOnExit first", () => {
    const { decision } = play([...pinging(), pingAccepted("in-progress", true)]);
    const first = decision.actions[1];
    expect(first).toMatchObject({ kind: "updateParticipant", callSid: CUSTOMER, endConferenceOnExit: false });
    expect(first.kind === "updateParticipant" && first.then?.map((a) => a.kind)).toEqual(["redirectCall"]);
  });

  it.each([["completed"], [null]])("ping accepted with the customer's call %s: abandon, never enqueue", (status) => {
    const { decision, state } = play([...pinging(), pingAccepted(status)]);
    expect(state?.recovery?.status).toBe(RecoveryStatus.abandoned);
    expect(kinds(decision.actions)).toEqual(["completeReservation", "completeTask"]);
  });

  it("ping accepted twice (redelivery): the second does nothing", () => {
    const accepted = pingAccepted("in-progress");
    const { state } = play([...pinging(), accepted]);
    expect(decide(accepted, state, config, NOW).actions).toEqual([]);
    const otherDelivery = pingAccepted("in-progress");
    expect(decide(otherDelivery, state, config, NOW).actions).toEqual([]);
  });

  it("ping TTL (task.canceled), customer in progress: requeue without a target, marked failed", () => {
    const { decision, state } = play([...pinging(), pingCanceled("in-progress")]);
    expect(state?.recovery?.status).toBe(RecoveryStatus.requeued);
    expect(decision.actions).toHaveLength(1);
    const redirect = decision.actions[0];
    expect(redirect.kind).toBe("redirectCall");
    const attributes = reconnectAttributes(pingAttributes(), null);
    expect(attributes).toMatchObject({ isReconnect: true, recoveryAttemptFailed: true });
    expect(attributes).not.toHaveProperty(TaskAttribute.targetWorkerSid);
    expect(redirect).toEqual({
      kind: "redirectCall",
      callSid: CUSTOMER,
      twiml: enqueueTwiml(CALL_WORKFLOW, 1000, attributes),
    });
  });

  it("ping TTL with a third party: customer's endConferenceOnExit first; customer gone: abandon", () => {
    expect(play([...pinging(), pingCanceled("in-progress", true)]).decision.actions[0]).toMatchObject({
      kind: "updateParticipant",
      callSid: CUSTOMER,
    });
    const gone = play([...pinging(), pingCanceled("completed")]);
    expect(gone.state?.recovery?.status).toBe(RecoveryStatus.abandoned);
    expect(kinds(gone.decision.actions)).toEqual(["completeReservation"]);
  });

  it("ping not created: requeue at once without a target; not twice, not after the customer left", () => {
    const failed = (withThirdParty = false): RecoveryEvent => ({
      kind: "pingFailed",
      conferenceSid: CONF,
      pingAttributes: pingAttributes(),
      participants: participants(withThirdParty),
    });
    const { decision, state } = play([...dropA, failed()]);
    expect(state?.recovery?.status).toBe(RecoveryStatus.requeued);
    expect(decision.actions).toEqual([
      {
        kind: "redirectCall",
        callSid: CUSTOMER,
        twiml: enqueueTwiml(CALL_WORKFLOW, 1000, reconnectAttributes(pingAttributes(), null)),
      },
      // No ping reservation timed out to make the dropped agent unavailable: do what the timeout would.
      { kind: "setWorkerUnavailable", workerSid: AGENT_A.workerSid },
    ]);
    expect(decide(failed(), state, config, NOW)).toMatchObject({ change: { kind: "keep" }, actions: [] });
    expect(play([...dropA, failed(true)]).decision.actions[0]).toMatchObject({ kind: "updateParticipant" });
    // A ping recorded meanwhile (the failure was only the answer) drives the recovery instead.
    expect(play([...pinging(), failed()]).decision.change.kind).toBe("keep");
    expect(play([...dropA, leave(CUSTOMER), failed()]).decision.actions).toEqual([]);
  });

  it("a ping canceled by our own clean-up changes nothing", () => {
    const { state } = play([...pinging(), leave(CUSTOMER)]);
    expect(decide(pingCanceled("completed"), state, config, NOW)).toMatchObject({
      change: { kind: "keep" },
      actions: [],
    });
  });

  it.each<[string, string | null, string[]]>([
    ["wrapping: complete it", "wrapping", ["completeReservation"]],
    ["already completed: nothing", "completed", []],
    ["unknown: nothing", null, []],
  ])("reconnect task enters a queue while the dropped reservation is %s", (_name, status, expected) => {
    const queued = reconnectQueued(status);
    const { decision, state } = play([...pinging(), pingAccepted("in-progress"), queued]);
    // Decided from the event's facts, performed without waiting for the state write.
    expect(kinds(factActions(queued))).toEqual(expected);
    expect(decision.actions).toEqual([]);
    expect(state?.recovery?.reconnectTaskSid).toBe(RECONNECT);
    // Also for a redelivery, which changes no state.
    expect(decide(queued, state, config, NOW).change.kind).toBe("keep");
    expect(kinds(factActions(queued))).toEqual(expected);
  });

  it("reconnect task accepted: reconnected; canceled while queued: abandoned", () => {
    const accepted = play([
      ...pinging(),
      pingAccepted("in-progress"),
      { kind: "reconnectAccepted", eventId: "EV-r", reconnectTaskSid: RECONNECT, workerSid: AGENT_A.workerSid },
    ]);
    expect(accepted.state?.recovery).toMatchObject({
      status: RecoveryStatus.reconnected,
      reconnectedWorkerSid: AGENT_A.workerSid,
    });
    const canceledEvent = { ...(reconnectQueued("wrapping") as object), kind: "reconnectCanceled" } as RecoveryEvent;
    const canceled = play([...pinging(), pingCanceled("in-progress"), canceledEvent]);
    expect(canceled.state?.recovery?.status).toBe(RecoveryStatus.abandoned);
    expect(kinds(factActions(canceledEvent))).toEqual(["completeReservation"]);
  });

  it("keeps the remembered event ids bounded", () => {
    let state = play([register(AGENT_A)]).state!;
    for (let i = 0; i < 80; i++) {
      const d = decide(leave(CUSTOMER), { ...state, customerGone: false }, config, NOW);
      if (d.change.kind === "write") state = d.change.state;
    }
    expect(state.seenEventIds.length).toBeLessThanOrEqual(50);
  });
});

describe("recovery core: decided from the callback alone (no Sync read, no participant list)", () => {
  const cases: [string, RecoveryEvent, string | null][] = [
    [
      "a leg joins (never registered yet)",
      { ...base(), kind: "participantJoin", callSid: AGENT_A.callSid, endConferenceOnExit: true },
      "a joining leg is not registered yet",
    ],
    ["a modify that leaves endConferenceOnExit off", modify(AGENT_A.callSid, false), "nothing to do"],
    [
      "a modify that turns endConferenceOnExit on (may be Flex's reset of a registered leg)",
      modify(AGENT_A.callSid, true),
      null,
    ],
    [
      "a leg removed by the API's end",
      leave(AGENT_A.callSid, "in-progress", "conference_ended_via_api"),
      "leg left with the conference ending",
    ],
    [
      "a leg removed when a moderator left",
      leave(AGENT_A.callSid, "completed", "moderator_ended_conference"),
      "leg left with the conference ending",
    ],
    [
      "the customer redirected by us",
      { ...leave(CUSTOMER, "in-progress", "participant_updated_via_api"), label: "customer" } as RecoveryEvent,
      "customer moved to the queue",
    ],
    [
      "the customer hanging up (a recovery may be running)",
      { ...leave(CUSTOMER), label: "customer" } as RecoveryEvent,
      null,
    ],
    ["a worker leg hanging up (may be a drop)", { ...leave(AGENT_A.callSid), label: "worker" } as RecoveryEvent, null],
    [
      "an unlabelled leg redirected (may be a registered worker moved)",
      leave(AGENT_A.callSid, "in-progress", "participant_updated_via_api"),
      null,
    ],
    ["conference end", conferenceEnd("last-participant-left"), null],
  ];
  it.each(cases)("%s", (_name, event, note) => {
    const decision = decideFromCallback(event);
    if (note === null) {
      expect(decision).toBeNull();
    } else {
      expect(decision).toEqual({ change: { kind: "keep" }, actions: [], note });
    }
  });
});

describe("recovery core: a recovery stuck past the deadline after the ping's acceptance", () => {
  const at = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();
  it("closes the dropped reservation once the customer was redirected and no reconnect task was seen for the deadline", () => {
    const { state } = play([...pinging(), pingAccepted("in-progress")]);
    const closing = [{ kind: "completeReservation", taskSid: AGENT_A.taskSid, reservationSid: AGENT_A.reservationSid }];
    expect(stuckRecoveryActions(state, at(7), 0, 8)).toEqual([]);
    expect(stuckRecoveryActions(state, at(8), 0, 8)).toEqual(closing);
    // The browser waited that long by its own clock (another host's clock than the functions').
    expect(stuckRecoveryActions(state, at(1), 8, 8)).toEqual(closing);
    // Still pinging (the step itself drives that), reconnect task seen, or over: nothing.
    expect(stuckRecoveryActions(play(pinging()).state, at(60), 60, 8)).toEqual([]);
    const queued = play([
      ...pinging(),
      pingAccepted("in-progress"),
      {
        kind: "reconnectEnteredQueue",
        eventId: "EZq",
        reconnectTaskSid: RECONNECT,
        attributes: {},
        droppedReservationStatus: null,
      },
    ]);
    expect(stuckRecoveryActions(queued.state, at(60), 60, 8)).toEqual([]);
    expect(stuckRecoveryActions(null, at(60), 60, 8)).toEqual([]);
  });
});
