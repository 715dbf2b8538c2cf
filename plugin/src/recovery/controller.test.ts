// Controller scenarios through the test port (every situation the controller must handle), no Flex involved.
import {
  FOLLOWED_BY_RECONNECT,
  FunctionRoute,
  RECOVERY_STEP_DEADLINE_SECONDS,
  RECOVERY_STEP_GRACE_SECONDS,
  RecoveryStatus,
  TaskAttribute,
  TaskChannel,
  type ConferenceState,
} from "@flex-call-recovery/vocabulary";
import {
  ACCEPT_ATTEMPTS,
  ACCEPT_RETRY_BASE_MS,
  RECOVERY_STEP_ATTEMPTS,
  REGISTER_RETRY_BASE_MS,
  REGISTER_RETRY_MAX_MS,
} from "./controller";
import {
  createTestAgent,
  FakeClock,
  FakeFunctions,
  pollingWatchState,
  testReservation,
  type TestAgent,
  conferenceState,
} from "../../testing";
import { StringTemplates } from "./strings";
import type { ParticipantView } from "./types";

const ME = "WK00000000000000000000000000000001";
const OTHER = "WK00000000000000000000000000000002";
const OLD_CONF = "CF00000000000000000000000000000001";
const NEW_CONF = "CF00000000000000000000000000000002";
const DROPPED = "WR00000000000000000000000000000001";
const PING = "WR00000000000000000000000000000002";
const RECONNECT = "WR00000000000000000000000000000003";
const CALL = "WR00000000000000000000000000000004";
const DROP_TIME = "2026-01-01T11:59:37Z"; // 23 s before the fake clock's start

const myLeg = (callSid: string, status: ParticipantView["status"] = "joined"): ParticipantView => ({
  callSid,
  participantType: "worker",
  status,
  isMyself: true,
});
const customerLeg: ParticipantView = {
  callSid: "CAcustomer",
  participantType: "customer",
  status: "joined",
  isMyself: false,
};

function agent(settings: Parameters<typeof createTestAgent>[0]["settings"] = {}) {
  const clock = new FakeClock();
  const functions = new FakeFunctions();
  const a = createTestAgent({ workerSid: ME, workerName: "Alice", settings, clock, functions });
  return { a, clock, functions };
}

const droppedLeg = {
  [TaskAttribute.disconnectedTaskSid]: "WTdropped",
  [TaskAttribute.disconnectedReservationSid]: DROPPED,
  [TaskAttribute.disconnectedWorkerSid]: ME,
  [TaskAttribute.disconnectedWorkerName]: "Alice",
  [TaskAttribute.disconnectedCallSid]: "CAalice-old",
  [TaskAttribute.disconnectedConferenceSid]: OLD_CONF,
  [TaskAttribute.disconnectedTaskWorkflowSid]: "WWvoice",
  [TaskAttribute.disconnectedTime]: DROP_TIME,
};

const droppedReservation = () =>
  testReservation({
    sid: DROPPED,
    status: "wrapping",
    attributes: {
      [TaskAttribute.conference]: { sid: OLD_CONF },
      [TaskAttribute.conversations]: { [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT },
    },
  });
const pingReservation = () =>
  testReservation({
    sid: PING,
    taskChannelUniqueName: TaskChannel.default,
    attributes: { ...droppedLeg, [TaskAttribute.recoveryAttemptFailed]: false },
  });
const reconnectReservation = (workerSid = ME, workerName = "Alice") =>
  testReservation({
    sid: RECONNECT,
    attributes: {
      ...droppedLeg,
      [TaskAttribute.disconnectedWorkerSid]: workerSid,
      [TaskAttribute.disconnectedWorkerName]: workerName,
      [TaskAttribute.isReconnect]: true,
      [TaskAttribute.recoveryAttemptFailed]: workerSid !== ME,
      ...(workerSid === ME ? { [TaskAttribute.targetWorkerSid]: ME } : {}),
    },
  });

function state(status: RecoveryStatus, updatedTime: string): ConferenceState {
  return conferenceState({
    status,
    updatedTime,
    conferenceSid: OLD_CONF,
    droppedWorkerSid: ME,
    droppedWorkerName: "Alice",
    droppedReservationSid: DROPPED,
    disconnectedTime: DROP_TIME,
  });
}

/** The page reloaded during a recovery: the dropped task is there, wrapping, before the plugin starts. */
async function reloadDuringRecovery(a: TestAgent) {
  a.pushReservation(droppedReservation(), { emit: false });
  a.start();
  await a.settle();
}

/** Accepts a call and reports both legs joined. */
async function connectCall(a: TestAgent, sid: string, conferenceSid: string, workerCallSid: string) {
  a.updateReservation(sid, { status: "accepted" });
  a.setConference(sid, conferenceSid, [myLeg(workerCallSid), customerLeg]);
  await a.settle();
}

describe("call set-up", () => {
  it("adds the conference status callback to call tasks only", () => {
    const { a } = agent({ serverlessDomain: "fcr-1234-dev.twil.io" });
    expect(a.controller.conferenceOptions(testReservation({ sid: CALL }))).toEqual({
      // Voice callbacks are retried only when the URL asks (found end to end with 20 % faults).
      conferenceStatusCallback: "https://fcr-1234-dev.twil.io/conference-status-handler#rc=3&rp=ct,rt,5xx",
      conferenceStatusCallbackMethod: "POST",
      conferenceStatusCallbackEvent: "end,leave,modify",
      endConferenceOnExit: false,
    });
    expect(a.controller.conferenceOptions(pingReservation())).toBeNull();
  });

  it("normal call: registers the worker leg once both legs joined, using this agent's own joined leg", async () => {
    const { a, functions } = agent();
    a.pushReservation(testReservation({ sid: CALL }));
    a.updateReservation(CALL, { status: "accepted" });
    a.setConference(CALL, NEW_CONF, [myLeg("CAme")]);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toEqual([]); // customer not joined yet

    // An older leg of the same agent that left, and another agent's leg, must not be taken.
    const otherAgent: ParticipantView = {
      callSid: "CAbob",
      participantType: "worker",
      status: "joined",
      isMyself: false,
    };
    a.setConference(CALL, NEW_CONF, [myLeg("CAme-old", "left"), otherAgent, myLeg("CAme"), customerLeg]);
    a.setConference(CALL, NEW_CONF, [myLeg("CAme-old", "left"), otherAgent, myLeg("CAme"), customerLeg]);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toEqual([
      {
        conferenceSid: NEW_CONF,
        taskSid: `WT${CALL.slice(2)}`,
        reservationSid: CALL,
        workflowSid: "WW00000000000000000000000000000001",
        workerSid: ME,
        workerName: "Alice",
        workerCallSid: "CAme",
        customerCallSid: "CAcustomer",
      },
    ]);
    expect(a.port.dialogHistory).toEqual([]);
    expect(a.port.accepted).toEqual([]); // a normal call is left to the agent
  });

  it("register-worker down for a while: retried with backoff, one quiet warning, registered when it is back", async () => {
    const { a, clock, functions } = agent();
    functions.unreachable = true;
    a.pushReservation(testReservation({ sid: CALL }));
    await connectCall(a, CALL, NEW_CONF, "CAme");
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(1);
    expect(a.port.notices.map((n) => n.template)).toEqual([StringTemplates.RegisterRetrying]);
    // Backoff: 2 s, 4 s, 8 s … (capped at 30 s).
    for (const wait of [REGISTER_RETRY_BASE_MS, REGISTER_RETRY_BASE_MS * 2, REGISTER_RETRY_BASE_MS * 4]) {
      clock.advance(wait - 1);
      await a.settle();
      const before = functions.callsTo(FunctionRoute.registerWorker).length;
      clock.advance(1);
      await a.settle();
      expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(before + 1);
    }
    functions.unreachable = false;
    clock.advance(REGISTER_RETRY_BASE_MS * 8);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(5);
    clock.advance(REGISTER_RETRY_MAX_MS * 4);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(5); // registered: no more tries
    expect(a.port.notices.map((n) => n.template)).toEqual([StringTemplates.RegisterRetrying]); // warned once
    expect(a.port.logs.some((l) => l.level === "info" && /went through/.test(l.message))).toBe(true);
  });

  it("register-worker retries stop when the call ends", async () => {
    const { a, clock, functions } = agent();
    functions.unreachable = true;
    a.pushReservation(testReservation({ sid: CALL }));
    await connectCall(a, CALL, NEW_CONF, "CAme");
    clock.advance(REGISTER_RETRY_BASE_MS);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(2);
    // The call ends: the agent's leg leaves and the task wraps up.
    a.setConference(CALL, NEW_CONF, [myLeg("CAme", "left"), customerLeg]);
    a.updateReservation(CALL, { status: "wrapping" });
    await a.settle();
    clock.advance(REGISTER_RETRY_MAX_MS * 10);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(2);
    expect(a.port.logs.some((l) => /ended before register-worker went through/.test(l.message))).toBe(true);
  });

  it("register-worker refused (4xx): logged and shown once, not retried, the call goes on", async () => {
    const { a, clock, functions } = agent();
    functions.refusals.set(FunctionRoute.registerWorker, 403);
    a.pushReservation(testReservation({ sid: CALL }));
    await connectCall(a, CALL, NEW_CONF, "CAme");
    clock.advance(REGISTER_RETRY_MAX_MS * 4);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(1);
    expect(a.port.logs.some((l) => l.level === "error" && /register-worker refused/.test(l.message))).toBe(true);
    expect(a.port.notices.map((n) => n.template)).toEqual([StringTemplates.RegisterFailed]);
  });
});

describe("reconnect follow-up", () => {
  it("moves third parties only after this leg's registration answered", async () => {
    // The functions accept a move only from a worker registered in the new conference.
    const { a, functions } = agent();
    let answerRegistration: (value: { success: true }) => void = () => undefined;
    const register = functions.registerWorker.bind(functions);
    functions.registerWorker = (body: unknown) => {
      void register(body);
      return new Promise((resolve) => (answerRegistration = resolve));
    };
    a.pushReservation(reconnectReservation());
    await a.settle();
    a.setConference(RECONNECT, NEW_CONF, [myLeg("CAme-new"), customerLeg]);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(1);
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toEqual([]);
    answerRegistration({ success: true });
    await a.settle();
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toEqual([
      { fromConferenceSid: OLD_CONF, toConferenceSid: NEW_CONF },
    ]);
  });

  it("does not move third parties when the registration failed", async () => {
    const { a, functions } = agent();
    functions.registerWorker = () => Promise.reject({ status: 403, success: false, message: "no" });
    a.pushReservation(reconnectReservation());
    await a.settle();
    a.setConference(RECONNECT, NEW_CONF, [myLeg("CAme-new"), customerLeg]);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toEqual([]);
  });
});

describe("graceful ends", () => {
  it("hangup with two live legs: ends the conference, which unregisters the leg in the same write", async () => {
    // flex/end-conference only accepts a registered caller: an unregister before it made it answer 403
    // and the conference stayed up with the customer alone (found end to end, scenario 6).
    const { a, functions } = agent();
    a.pushReservation(testReservation({ sid: CALL }));
    await connectCall(a, CALL, NEW_CONF, "CAme");
    await a.hangup(CALL);
    expect(functions.calls.slice(1)).toEqual([
      { route: FunctionRoute.endConference, body: { conferenceSid: NEW_CONF } },
    ]);
  });

  it("hangup whose end-conference is refused does not unregister behind the functions' back", async () => {
    const { a, functions } = agent();
    functions.refusals.set(FunctionRoute.endConference, 403);
    a.pushReservation(testReservation({ sid: CALL }));
    await connectCall(a, CALL, NEW_CONF, "CAme");
    await a.hangup(CALL);
    expect(functions.calls.slice(1).map((c) => c.route)).toEqual([FunctionRoute.endConference]);
  });

  it("hangup with a third party still live: unregisters only", async () => {
    const { a, functions } = agent();
    a.pushReservation(testReservation({ sid: CALL }));
    a.updateReservation(CALL, { status: "accepted" });
    const external: ParticipantView = {
      callSid: "CAext",
      participantType: "external",
      status: "joined",
      isMyself: false,
    };
    a.setConference(CALL, NEW_CONF, [myLeg("CAme"), customerLeg, external]);
    await a.settle();
    await a.hangup(CALL);
    expect(functions.calls.map((c) => c.route)).toEqual([FunctionRoute.registerWorker, FunctionRoute.unregisterWorker]);
  });

  it("hangup never waits longer than the deadline when the functions hang", async () => {
    const clock = new FakeClock();
    const hanging = new FakeFunctions();
    const b = createTestAgent({ workerSid: ME, clock, functions: hanging });
    b.pushReservation(testReservation({ sid: CALL }));
    await connectCall(b, CALL, NEW_CONF, "CAme");
    hanging.unregisterWorker = () => new Promise(() => undefined);
    hanging.endConference = () => new Promise(() => undefined);
    let done = false;
    const hangup = b.hangup(CALL).then(() => (done = true));
    await b.settle();
    expect(done).toBe(false);
    clock.advance(4000);
    await b.settle();
    clock.advance(4000);
    await hangup;
    expect(done).toBe(true);
    expect(b.port.logs.filter((l) => /timed out/.test(l.message))).toHaveLength(1);
  });

  it("cold transfer unregisters; warm transfer does not", async () => {
    const { a, functions } = agent();
    a.pushReservation(testReservation({ sid: CALL }));
    await connectCall(a, CALL, NEW_CONF, "CAme");
    await a.transfer(CALL, "WARM");
    expect(functions.callsTo(FunctionRoute.unregisterWorker)).toEqual([]);
    await a.transfer(CALL, "COLD");
    expect(functions.callsTo(FunctionRoute.unregisterWorker)).toEqual([
      { conferenceSid: NEW_CONF, workerCallSid: "CAme" },
    ]);
  });

  it("an incoming warm transfer of a reconnect task never triggers reconnect logic (but is registered)", async () => {
    const { a, functions } = agent();
    const transferred = { ...reconnectReservation(ME), incomingTransfer: "WARM" as const };
    a.pushReservation(transferred);
    await a.settle();
    expect(a.port.accepted).toEqual([]);
    await connectCall(a, RECONNECT, NEW_CONF, "CAme");
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toEqual([]);
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(1);
    expect(a.port.selected).toEqual([]);
    expect(a.port.notices).toEqual([]);
    expect(a.port.dialogHistory).toEqual([]);
  });
});

describe("recovery of this agent's dropped call", () => {
  it("reload during recovery: dialog, ping auto-accepted, reconnect auto-accepted, registered, moved, Reconnected, closed", async () => {
    const { a, clock, functions } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    expect(a.port.dialog).toEqual({
      reservationSid: DROPPED,
      phase: "reconnecting",
      status: RecoveryStatus.pinging,
      problem: null,
      canContinue: false,
    });
    expect(a.controller.canComplete(DROPPED)).toBe(false);

    a.pushReservation(pingReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([PING]);

    a.port.pushState(OLD_CONF, state(RecoveryStatus.reconnecting, "t2"));
    a.updateReservation(DROPPED, { status: "completed" }); // step 9, before the customer is offered back
    await a.settle();
    expect(a.port.dialog?.status).toBe(RecoveryStatus.reconnecting);

    a.pushReservation(reconnectReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([PING, RECONNECT]);
    a.setConference(RECONNECT, NEW_CONF, [myLeg("CAme-new"), customerLeg]);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.registerWorker)).toEqual([
      expect.objectContaining({ conferenceSid: NEW_CONF, reservationSid: RECONNECT, workerCallSid: "CAme-new" }),
    ]);
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toEqual([
      { fromConferenceSid: OLD_CONF, toConferenceSid: NEW_CONF },
    ]);
    expect(a.port.selected).toEqual([RECONNECT]);
    expect(a.port.dialog?.phase).toBe("reconnected");
    expect(a.port.stateSubscribers(OLD_CONF)).toBe(0);

    clock.advance(3000); // reconnectedNoticeSeconds
    expect(a.port.dialog).toBeNull();
    expect(clock.pendingTimers).toBe(0);
  });

  it("second trigger: still pinging after the grace → asks flex/recovery-step; redirected but no reconnect past the deadline → asks again", async () => {
    const { a, clock, functions } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    a.pushReservation(pingReservation());
    await a.settle();
    expect(functions.callsTo(FunctionRoute.recoveryStep)).toEqual([]); // Event Streams gets the grace
    const step = (waitedSeconds: number) => ({
      pingTaskSid: pingReservation().taskSid,
      pingReservationSid: PING,
      waitedSeconds,
    });
    clock.advance(RECOVERY_STEP_GRACE_SECONDS * 1000);
    await a.settle();
    expect(functions.callsTo(FunctionRoute.recoveryStep)).toEqual([step(RECOVERY_STEP_GRACE_SECONDS)]);
    // The step happened (reconnecting) but no reconnect reached this agent by the deadline: asked again.
    a.port.pushState(OLD_CONF, state(RecoveryStatus.reconnecting, "t2"));
    await a.settle();
    clock.advance(RECOVERY_STEP_DEADLINE_SECONDS * 1000);
    await a.settle();
    const waited = RECOVERY_STEP_GRACE_SECONDS + RECOVERY_STEP_DEADLINE_SECONDS;
    expect(functions.callsTo(FunctionRoute.recoveryStep)).toEqual([step(RECOVERY_STEP_GRACE_SECONDS), step(waited)]);
  });

  it("second trigger: nothing is sent when Event Streams did the step within the grace and the customer came back", async () => {
    const { a, clock, functions } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    a.pushReservation(pingReservation());
    await a.settle();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.reconnecting, "t2"));
    a.updateReservation(DROPPED, { status: "completed" });
    a.pushReservation(reconnectReservation());
    await a.settle();
    for (let i = 0; i < RECOVERY_STEP_ATTEMPTS; i++) {
      clock.advance(RECOVERY_STEP_DEADLINE_SECONDS * 1000);
      await a.settle();
    }
    expect(functions.callsTo(FunctionRoute.recoveryStep)).toHaveLength(0);
  });

  it("second trigger: a refused or unreachable recovery-step is only logged, and the checks are bounded", async () => {
    const { a, clock, functions } = agent();
    functions.unreachable = true;
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    a.pushReservation(pingReservation());
    await a.settle();
    for (let i = 0; i < RECOVERY_STEP_ATTEMPTS + 2; i++) {
      clock.advance(RECOVERY_STEP_DEADLINE_SECONDS * 1000);
      await a.settle();
    }
    expect(functions.callsTo(FunctionRoute.recoveryStep)).toHaveLength(RECOVERY_STEP_ATTEMPTS);
    expect(a.port.accepted).toEqual([PING]);
  });

  it("ping auto-accept opens the dialog even when the dropped task is not in the list", async () => {
    const { a } = agent();
    a.start();
    a.pushReservation(pingReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([PING]);
    expect(a.port.dialog).toMatchObject({ reservationSid: DROPPED, phase: "reconnecting" });
  });

  it("a ping found on load (created during the reload) is accepted", async () => {
    const { a } = agent();
    a.pushReservation(droppedReservation(), { emit: false });
    a.pushReservation(pingReservation(), { emit: false });
    a.start();
    await a.settle();
    expect(a.port.accepted).toEqual([PING]);
  });

  it("a ping for another worker is not accepted", async () => {
    const { a } = agent();
    a.pushReservation({
      ...pingReservation(),
      attributes: { ...pingReservation().attributes, [TaskAttribute.disconnectedWorkerSid]: OTHER },
    });
    await a.settle();
    expect(a.port.accepted).toEqual([]);
    expect(a.port.dialogHistory).toEqual([]);
  });

  it("reconnect without a visible dialog is auto-accepted and ends with a Reconnected notice", async () => {
    const { a } = agent();
    a.pushReservation(reconnectReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([RECONNECT]);
    a.setConference(RECONNECT, NEW_CONF, [myLeg("CAme-new"), customerLeg]);
    await a.settle();
    expect(a.port.noticeTexts).toEqual(["Reconnected"]);
    expect(a.port.selected).toEqual([RECONNECT]);
  });

  it("auto-accept disabled: the dialog steps aside for the agent's own accept", async () => {
    const { a, functions } = agent({ autoAcceptReconnect: false });
    await reloadDuringRecovery(a);
    a.pushReservation(pingReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([PING]); // the ping is always accepted
    a.pushReservation(reconnectReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([PING]);
    expect(a.port.dialog).toBeNull();
    expect(a.controller.canComplete(DROPPED)).toBe(true);

    await connectCall(a, RECONNECT, NEW_CONF, "CAme-new"); // the agent (or the centre's auto-answer) accepted
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toHaveLength(1);
    expect(a.port.noticeTexts).toEqual(["Reconnected"]);
  });

  it("failed ping: the dialog closes when the dropped reservation completes", async () => {
    const { a, clock } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    expect(a.port.dialog).not.toBeNull();
    // The ping timed out before this browser was back: the customer is requeued to others.
    a.port.pushState(OLD_CONF, state(RecoveryStatus.requeued, "t2"));
    a.updateReservation(DROPPED, { status: "completed" });
    await a.settle();
    expect(a.port.dialog).toBeNull();
    expect(a.port.stateSubscribers(OLD_CONF)).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    // A late change of the completed task does not reopen it.
    a.updateReservation(DROPPED, { status: "wrapping" });
    expect(a.port.dialog).toBeNull();
  });

  it("functions unreachable: the dialog says so, the agent continues and can wrap up; failure logged", async () => {
    const { a } = agent();
    a.port.stateUnavailable = true;
    await reloadDuringRecovery(a);
    expect(a.port.dialog).toMatchObject({ problem: "functionsUnreachable", canContinue: true });
    expect(a.controller.canComplete(DROPPED)).toBe(true);
    expect(a.port.logs.some((l) => l.level === "error" && /cannot follow the state/.test(l.message))).toBe(true);
    a.clickContinue();
    expect(a.port.dialog).toBeNull();
  });

  it("state stalled: after the configured time the dialog lets the agent continue; failure logged", async () => {
    const { a, clock } = agent({ stallTimeoutSeconds: 30 });
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    clock.advance(20_000);
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1")); // same state again: no progress
    clock.advance(10_000);
    expect(a.port.dialog).toMatchObject({ problem: "stateStalled", canContinue: true });
    expect(a.port.logs.some((l) => l.level === "error" && /no progress/.test(l.message))).toBe(true);

    // The recovery moves again: the problem goes away and the block comes back.
    a.pushReservation(pingReservation());
    await a.settle();
    expect(a.port.dialog).toMatchObject({ problem: null, canContinue: false });
    clock.advance(30_000);
    expect(a.port.dialog).toMatchObject({ problem: "stateStalled" });

    // Continue completes the accepted ping the functions never completed.
    a.clickContinue();
    await a.settle();
    expect(a.port.completed).toEqual([PING]);
    expect(a.port.dialog).toBeNull();
    expect(a.controller.canComplete(DROPPED)).toBe(true);
  });

  it("customer gone: the dialog lets the agent wrap up", async () => {
    const { a } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.abandoned, "t1"));
    await reloadDuringRecovery(a);
    expect(a.port.dialog).toMatchObject({ status: RecoveryStatus.abandoned, canContinue: true });
  });
});

describe("customer hangs up after the ping was accepted", () => {
  it("closes the dialog once the dropped reservation completed and the state document is gone", async () => {
    const { a } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    a.pushReservation(pingReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([PING]);
    // The functions find the customer gone: they complete the dropped reservation and delete the document.
    a.updateReservation(DROPPED, { status: "completed" });
    await a.settle();
    a.port.pushState(OLD_CONF, null);
    await a.settle();
    expect(a.port.dialog).toBeNull();
  });

  it("closes at once when the document was already gone when the dropped reservation completed", async () => {
    const { a } = agent();
    a.port.pushState(OLD_CONF, state(RecoveryStatus.pinging, "t1"));
    await reloadDuringRecovery(a);
    a.pushReservation(pingReservation());
    await a.settle();
    a.port.pushState(OLD_CONF, null);
    a.updateReservation(DROPPED, { status: "completed" });
    await a.settle();
    expect(a.port.dialog).toBeNull();
  });
});

describe("another agent's reconnect", () => {
  it("is not auto-accepted; once connected: registered, third parties moved, notice with name and seconds, selected", async () => {
    const { a, functions } = agent();
    a.pushReservation(reconnectReservation(OTHER, "Bob"));
    await a.settle();
    expect(a.port.accepted).toEqual([]);
    await connectCall(a, RECONNECT, NEW_CONF, "CAme");
    expect(functions.callsTo(FunctionRoute.registerWorker)).toHaveLength(1);
    expect(functions.callsTo(FunctionRoute.moveParticipants)).toEqual([
      { fromConferenceSid: OLD_CONF, toConferenceSid: NEW_CONF },
    ]);
    expect(a.port.noticeTexts).toEqual(["Reconnected with the customer — Bob dropped 23 s ago"]);
    expect(a.port.selected).toEqual([RECONNECT]);
    expect(a.port.dialogHistory).toEqual([]);
  });
});

describe("pollingWatchState (for drivers without twilio-sync)", () => {
  it("reports changes only, and stops on unsubscribe", async () => {
    const clock = new FakeClock();
    const documents: (ConferenceState | null)[] = [state(RecoveryStatus.pinging, "t1")];
    const watch = pollingWatchState(async () => documents[documents.length - 1], clock, 100);
    const seen: (string | null)[] = [];
    const unsubscribe = await watch(OLD_CONF, (s) => seen.push(s?.recovery?.status ?? null));
    clock.advance(100);
    await Promise.resolve();
    documents.push(state(RecoveryStatus.reconnecting, "t2"));
    clock.advance(100);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(seen).toEqual([RecoveryStatus.pinging, RecoveryStatus.reconnecting]);
    unsubscribe();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("a failed auto-accept", () => {
  function flakyAgent(failures: number) {
    const clock = new FakeClock();
    let left = failures;
    const a = createTestAgent({
      workerSid: ME,
      workerName: "Alice",
      clock,
      functions: new FakeFunctions(),
      onAccept: () => {
        if (left-- > 0) throw new Error("AcceptTask failed: HTTP 503");
      },
    });
    return { a, clock };
  }

  it("is retried with backoff on the same reservation while it is pending, then goes on", async () => {
    const { a, clock } = flakyAgent(2);
    a.pushReservation(reconnectReservation());
    await a.settle();
    expect(a.port.accepted).toEqual([RECONNECT]);
    clock.advance(ACCEPT_RETRY_BASE_MS - 1);
    await a.settle();
    expect(a.port.accepted).toEqual([RECONNECT]); // backoff not over yet
    clock.advance(1);
    await a.settle();
    expect(a.port.accepted).toEqual([RECONNECT, RECONNECT]);
    clock.advance(2 * ACCEPT_RETRY_BASE_MS);
    await a.settle();
    expect(a.port.accepted).toEqual([RECONNECT, RECONNECT, RECONNECT]);
    expect(a.port.reservations.get(RECONNECT)?.status).toBe("accepted");
    a.setConference(RECONNECT, NEW_CONF, [myLeg("CAme-new"), customerLeg]);
    await a.settle();
    expect(a.port.noticeTexts).toEqual(["Reconnected"]);
  });

  it("gives up after ACCEPT_ATTEMPTS, but a later pending event of the same reservation accepts it again", async () => {
    const { a, clock } = flakyAgent(ACCEPT_ATTEMPTS);
    a.pushReservation(pingReservation());
    await a.settle();
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      await a.settle();
    }
    expect(a.port.accepted).toEqual(Array(ACCEPT_ATTEMPTS).fill(PING));
    expect(a.port.logs.filter((l) => l.level === "error" && /accepting ping/.test(l.message))).toHaveLength(
      ACCEPT_ATTEMPTS,
    );
    // Before the fix the SID stayed in `accepting` forever and this was ignored.
    a.updateReservation(PING, { attributes: { ...pingReservation().attributes, note: "changed" } });
    await a.settle();
    expect(a.port.accepted).toHaveLength(ACCEPT_ATTEMPTS + 1);
    expect(a.port.reservations.get(PING)?.status).toBe("accepted");
  });

  it("is not retried once the reservation is no longer pending", async () => {
    const { a, clock } = flakyAgent(1);
    a.pushReservation(reconnectReservation());
    await a.settle();
    a.updateReservation(RECONNECT, { status: "timeout" });
    clock.advance(60_000);
    await a.settle();
    expect(a.port.accepted).toEqual([RECONNECT]);
  });
});
