// The recovery core: every decision of docs/recovery-flow.md as a pure function of (event, state). It never
// calls Twilio; handlers gather facts first, call `decide`, commit the state change with the
// document's revision and only then perform the returned actions. Because the state write is
// conditional, whatever `decide` claims (a recovery, a status step) happens at most once.
import {
  ParticipantLabel,
  RecoveryStatus,
  SEEN_EVENT_IDS_LIMIT,
  TaskAttribute,
  TaskChannel,
  type ConferenceState,
  type RecoveryPingAttributes,
  type RecoveryState,
  type RegisteredWorker,
} from "@flex-call-recovery/vocabulary";
import { twiml } from "twilio";
import type { Action, ConferenceParticipant, Decision, RecoveryConfig, RecoveryEvent } from "./types";

/** The event of one kind. */
type EventOf<K extends RecoveryEvent["kind"]> = Extract<RecoveryEvent, { kind: K }>;

/** Decides one kind of event; see `decide`. */
type Decider<K extends RecoveryEvent["kind"]> = (
  event: EventOf<K>,
  state: ConferenceState | null,
  config: RecoveryConfig,
  now: string,
) => Decision;

/** Statuses in which a recovery is still running (a drop was claimed, the customer not yet back). */
const IN_PROGRESS: readonly RecoveryStatus[] = [
  RecoveryStatus.pinging,
  RecoveryStatus.reconnecting,
  RecoveryStatus.requeued,
];

/** Statuses after the functions redirected the customer into a queue (a reconnect task can exist). */
const AFTER_REDIRECT: readonly RecoveryStatus[] = [RecoveryStatus.reconnecting, RecoveryStatus.requeued];

/** `ParticipantCallStatus` of a leg that left the conference but whose call goes on (we redirected it). */
const CALL_IN_PROGRESS = "in-progress";

/** Reservation statuses in which the dropped reservation still holds the agent's capacity. */
const OPEN_RESERVATION_STATUSES = ["accepted", "wrapping"];

/** Reasons a leg left because the whole conference ended: never a drop to recover from. */
const CONFERENCE_ENDING_REASONS = ["conference_ended_via_api", "moderator_ended_conference"];

/** Task channel the recovery ping uses: not voice, whose capacity the wrapping call task holds. */
export const PING_TASK_CHANNEL = TaskChannel.default;

/** The workflow the dropped task came through (the ping carries it; the document is the fallback). */
function originalWorkflow(state: ConferenceState, ping: RecoveryPingAttributes): string {
  return typeof ping.disconnectedTaskWorkflowSid === "string" && ping.disconnectedTaskWorkflowSid
    ? ping.disconnectedTaskWorkflowSid
    : state.workflowSid;
}

const keep = (note: string, actions: Action[] = []): Decision => ({ change: { kind: "keep" }, actions, note });
const write = (state: ConferenceState, note: string, actions: Action[] = []): Decision => ({
  change: { kind: "write", state },
  actions,
  note,
});

export function isRecoveryInProgress(state: ConferenceState | null): boolean {
  return state?.recovery != null && IN_PROGRESS.includes(state.recovery.status);
}

/** Remembers a handled event id; the list is bounded so the document stays small. */
function remember(state: ConferenceState, eventId: string): ConferenceState {
  const seen = state.seenEventIds.filter((id) => id !== eventId);
  seen.push(eventId);
  return { ...state, seenEventIds: seen.slice(-SEEN_EVENT_IDS_LIMIT) };
}

function withRecovery(state: ConferenceState, patch: Partial<RecoveryState>, now: string): ConferenceState {
  if (!state.recovery) return state;
  return { ...state, recovery: { ...state.recovery, ...patch, updatedTime: now } };
}

function withoutWorker(state: ConferenceState, callSid: string): ConferenceState {
  const workers = { ...state.workers };
  delete workers[callSid];
  return { ...state, workers };
}

/** Closes the dropped reservation (the adapter takes "already closed" for done). */
function completeDroppedReservation(recovery: RecoveryState): Action {
  return {
    kind: "completeReservation",
    taskSid: recovery.droppedTaskSid,
    reservationSid: recovery.droppedReservationSid,
  };
}

/**
 * Stops the recovery because the customer has gone: close the dropped reservation and, when
 * given, the ping (cancel while it waits, complete once accepted).
 */
function abandon(
  state: ConferenceState,
  now: string,
  note: string,
  closePing: Action | null,
  extra: Partial<ConferenceState> = {},
): Decision {
  const recovery = state.recovery as RecoveryState;
  const actions: Action[] = [completeDroppedReservation(recovery)];
  if (closePing) actions.push(closePing);
  const next = withRecovery({ ...state, customerGone: true, ...extra }, { status: RecoveryStatus.abandoned }, now);
  return write(next, note, actions);
}

/** Cancels a ping that is still waiting for its worker (known once `pingCreated` recorded it). */
function cancelWaitingPing(recovery: RecoveryState): Action | null {
  return recovery.pingTaskSid
    ? { kind: "cancelTask", taskSid: recovery.pingTaskSid, reason: "customer left during recovery" }
    : null;
}

/**
 * The original attributes a ping starts from, without what a previous recovery put on the task
 * (a reconnected call can drop again): the ping is not a reconnect task and targets nobody.
 */
export function pingBaseAttributes(original: Record<string, unknown>): Record<string, unknown> {
  const attributes = { ...original };
  delete attributes[TaskAttribute.isReconnect];
  delete attributes[TaskAttribute.targetWorkerSid];
  return attributes;
}

/**
 * Attributes of the customer's re-enqueued task: the ping's (the original ones plus the dropped
 * leg) without Flex's `conference` block, so Flex builds a new conference.
 */
export function reconnectAttributes(
  ping: RecoveryPingAttributes,
  targetWorkerSid: string | null,
): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...ping };
  delete attributes[TaskAttribute.conference];
  delete attributes[TaskAttribute.targetWorkerSid];
  attributes[TaskAttribute.isReconnect] = true;
  attributes[TaskAttribute.recoveryAttemptFailed] = targetWorkerSid === null;
  if (targetWorkerSid !== null) attributes[TaskAttribute.targetWorkerSid] = targetWorkerSid;
  return attributes;
}

/** TwiML that puts the customer back into the original workflow at high priority. */
export function enqueueTwiml(workflowSid: string, priority: number, attributes: Record<string, unknown>): string {
  const response = new twiml.VoiceResponse();
  response.enqueue({ workflowSid }).task({ priority }, JSON.stringify(attributes));
  return response.toString();
}

/** Participants other than the customer: third parties to keep (and later move). */
export function thirdParties(
  participants: ConferenceParticipant[],
  state: Pick<ConferenceState, "customerCallSid" | "workers">,
): ConferenceParticipant[] {
  return participants.filter(
    (p) => p.callSid !== state.customerCallSid && p.label !== ParticipantLabel.customer && !state.workers[p.callSid],
  );
}

/**
 * Redirects the customer out of the dropped conference into the queue. With third parties left,
 * the customer's `endConferenceOnExit` must be cleared first or their leaving ends the
 * conference for the third parties (docs/recovery-flow.md#step-7).
 */
function redirectCustomer(state: ConferenceState, participants: ConferenceParticipant[], twimlText: string): Action {
  const redirect: Action = { kind: "redirectCall", callSid: state.customerCallSid, twiml: twimlText };
  if (thirdParties(participants, state).length === 0) return redirect;
  return {
    kind: "updateParticipant",
    conferenceSid: state.conferenceSid,
    callSid: state.customerCallSid,
    endConferenceOnExit: false,
    then: [redirect],
  };
}

function claimRecovery(
  state: ConferenceState,
  worker: RegisteredWorker,
  time: string,
  config: RecoveryConfig,
  now: string,
): Decision {
  const recovery: RecoveryState = {
    status: RecoveryStatus.pinging,
    droppedWorkerSid: worker.workerSid,
    droppedWorkerName: worker.workerName,
    droppedCallSid: worker.callSid,
    droppedTaskSid: worker.taskSid,
    droppedReservationSid: worker.reservationSid,
    disconnectedTime: time,
    pingTaskSid: null,
    reconnectTaskSid: null,
    reconnectedWorkerSid: null,
    updatedTime: now,
  };
  // The document holds the attributes of the task registered last; another worker's task (after a
  // transfer) or attributes too big for the document are fetched by the adapter instead.
  const original = worker.taskSid === state.taskSid ? (state.taskAttributes ?? null) : null;
  const attributes: RecoveryPingAttributes = {
    ...pingBaseAttributes(original ?? {}),
    disconnectedTaskSid: worker.taskSid,
    disconnectedReservationSid: worker.reservationSid,
    disconnectedWorkerSid: worker.workerSid,
    disconnectedWorkerName: worker.workerName,
    disconnectedCallSid: worker.callSid,
    disconnectedConferenceSid: state.conferenceSid,
    disconnectedTaskWorkflowSid: state.workflowSid,
    disconnectedTime: time,
    recoveryAttemptFailed: false,
  };
  const actions: Action[] = [
    { kind: "announce", conferenceSid: state.conferenceSid },
    { kind: "markTaskDisconnected", taskSid: worker.taskSid, disconnectedTime: time },
    {
      kind: "createPing",
      workflowSid: config.recoveryPingWorkflowSid,
      attributes,
      attributesFromTaskSid: original ? null : worker.taskSid,
      timeoutSeconds: config.pingTimeoutSeconds,
      priority: config.pingPriority,
    },
  ];
  return write({ ...withoutWorker(state, worker.callSid), recovery }, "recovery claimed", actions);
}

function decideLeaveOfLeg(
  event: EventOf<"participantLeave">,
  state: ConferenceState,
  config: RecoveryConfig,
  now: string,
): Decision {
  const isCustomer = event.callSid === state.customerCallSid;
  if (isCustomer) {
    // Our own redirect takes the customer out of the conference with the call still up.
    if (event.callStatus === CALL_IN_PROGRESS) return keep("customer moved to the queue");
    if (state.customerGone) return keep("customer already gone");
    if (state.recovery && isRecoveryInProgress(state)) {
      // Hung up during the ping, or before our redirect reached the call: nothing to enqueue.
      const closePing = state.recovery.status === RecoveryStatus.pinging ? cancelWaitingPing(state.recovery) : null;
      return abandon(remember(state, event.eventId), now, "customer left during the recovery", closePing);
    }
    return write(remember({ ...state, customerGone: true }, event.eventId), "customer left");
  }

  const worker = state.workers[event.callSid];
  if (!worker) {
    // An agent asked to end the conference and Twilio failed every try: now that a leg has left
    // with the customer still there and nobody registered, end it rather than leave them alone.
    const endingAnyway =
      state.endRequestedBy &&
      !state.conferenceEnded &&
      !state.customerGone &&
      Object.keys(state.workers).length === 0 &&
      (event.reason === null || !CONFERENCE_ENDING_REASONS.includes(event.reason)) &&
      (event.participants === null || event.participants.some((p) => p.callSid === state.customerCallSid));
    if (endingAnyway) {
      return keep("ending the conference the agent asked to end", [
        { kind: "endConference", conferenceSid: state.conferenceSid },
      ]);
    }
    return keep("not a registered worker leg");
  }
  const removed = remember(withoutWorker(state, event.callSid), event.eventId);
  if (event.reason !== null && CONFERENCE_ENDING_REASONS.includes(event.reason)) {
    return write(removed, "worker left with the conference ending");
  }
  // A dropped browser ends the worker's call; a call that goes on was moved on purpose.
  if (event.callStatus === CALL_IN_PROGRESS) return write(removed, "worker leg moved, call still up");
  const live = event.participants;
  // A leave callback for a leg Twilio still lists (a stale or replayed callback) is not a drop.
  if (live?.some((p) => p.callSid === event.callSid)) return keep("leaving leg is still in the conference");
  const customerGone =
    state.customerGone ||
    state.conferenceEnded ||
    (live !== null && !live.some((p) => p.callSid === state.customerCallSid));
  if (customerGone) {
    // Nothing to recover; close the call for the agent whose browser is gone, as a recovery
    // abandoned by the customer would (the same end whichever leave is handled first).
    return write(removed, "worker dropped after the customer left", [
      { kind: "completeReservation", taskSid: worker.taskSid, reservationSid: worker.reservationSid },
    ]);
  }
  if (Object.keys(removed.workers).length > 0) return write(removed, "another registered worker covers");
  // An agent joining (a warm transfer) covers even before their registration lands.
  if (live?.some((p) => p.callSid !== event.callSid && p.label === ParticipantLabel.worker)) {
    return write(removed, "another agent is on the call");
  }
  if (isRecoveryInProgress(state)) return write(removed, "recovery already running");
  return claimRecovery(remember(state, event.eventId), worker, event.time, config, now);
}

/**
 * Actions decided by an event's own facts, whatever the state says: idempotent closings that a
 * handler performs at once, beside the state write, because they are on the customer's path.
 * Completing the dropped reservation when the reconnect task enters a queue frees the agent's
 * voice capacity (and closes the first agent's dialog) — the moment the waiting reconnect task
 * can be reserved to them (docs/recovery-flow.md#step-9). Once it is completed there is nothing to do.
 */
export function factActions(event: RecoveryEvent): Action[] {
  if (event.kind !== "reconnectEnteredQueue" && event.kind !== "reconnectCanceled") return [];
  const droppedTaskSid = event.attributes[TaskAttribute.disconnectedTaskSid];
  const droppedReservationSid = event.attributes[TaskAttribute.disconnectedReservationSid];
  if (
    typeof droppedTaskSid !== "string" ||
    typeof droppedReservationSid !== "string" ||
    event.droppedReservationStatus === null ||
    !OPEN_RESERVATION_STATUSES.includes(event.droppedReservationStatus)
  ) {
    return [];
  }
  return [{ kind: "completeReservation", taskSid: droppedTaskSid, reservationSid: droppedReservationSid }];
}

function decideParticipantJoinOrModify(
  event: EventOf<"participantJoin" | "participantModify">,
  state: ConferenceState | null,
): Decision {
  if (!state || state.conferenceEnded) return keep("no state for this conference");
  const worker = state.workers[event.callSid];
  // Flex sets endConferenceOnExit=true on the worker whenever ≤ 2 participants are live.
  if (worker && event.endConferenceOnExit && !state.customerGone) {
    return keep("worker leg must not end the conference", [
      {
        kind: "updateParticipant",
        conferenceSid: state.conferenceSid,
        callSid: event.callSid,
        endConferenceOnExit: false,
      },
    ]);
  }
  return keep("nothing to do");
}

function decideParticipantLeave(
  event: EventOf<"participantLeave">,
  state: ConferenceState | null,
  config: RecoveryConfig,
  now: string,
): Decision {
  if (!state) return keep("no state for this conference");
  if (state.seenEventIds.includes(event.eventId)) return keep("duplicate event");
  const decision = decideLeaveOfLeg(event, state, config, now);
  // The last registered leg of an ended conference has left: nothing will need the document.
  const next = decision.change.kind === "write" ? decision.change.state : null;
  if (next?.conferenceEnded && Object.keys(next.workers).length === 0 && !isRecoveryInProgress(next)) {
    return { ...decision, change: { kind: "delete" } };
  }
  return decision;
}

/**
 * Registered legs whose leave may still need the document after the conference ended: only legs
 * that left by themselves (a drop to close) — the ones still in at the end are removed by Twilio with
 * a conference-ending reason, which `decideFromCallback` settles without the document.
 */
function legsStillLeaving(event: EventOf<"conferenceEnd">, state: ConferenceState): string[] {
  const registered = Object.keys(state.workers);
  switch (event.reason) {
    case "conference-ended-via-api":
    case "last-participant-kicked":
    case "participant-with-end-conference-on-exit-kicked":
      return [];
    case "participant-with-end-conference-on-exit-left":
      return registered.filter((callSid) => callSid === event.endingCallSid);
    default:
      // The last participant left (or the reason is unknown): every registered leg left by itself.
      return registered;
  }
}

function decideConferenceEnd(
  event: EventOf<"conferenceEnd">,
  state: ConferenceState | null,
  _config: RecoveryConfig,
  now: string,
): Decision {
  if (!state) return keep("no state for this conference");
  if (state.recovery?.status === RecoveryStatus.pinging) {
    // Only the customer was left while pinging: the conference ends when they leave.
    const abandoned = abandon(state, now, "conference ended during the ping", cancelWaitingPing(state.recovery), {
      conferenceEnded: true,
    });
    // Nothing will need the document any more: delete it, as when the customer's leave comes
    // first (callbacks are unordered; the end must not depend on their order — found end to end).
    if (Object.keys(state.workers).length === 0) return { ...abandoned, change: { kind: "delete" } };
    return abandoned;
  }
  if (isRecoveryInProgress(state)) {
    // The customer is in the queue; the document still drives the recovery and the dialog.
    if (state.conferenceEnded) return keep("conference already ended");
    return write({ ...state, conferenceEnded: true }, "conference ended, recovery continues");
  }
  const waiting = legsStillLeaving(event, state);
  if (waiting.length > 0) {
    // Callbacks are unordered: such a leg's leave may still come, and deciding it needs the
    // document; the last of them deletes it.
    if (state.conferenceEnded && waiting.length === Object.keys(state.workers).length) {
      return keep("conference already ended");
    }
    const workers = Object.fromEntries(waiting.map((callSid) => [callSid, state.workers[callSid]]));
    return write({ ...state, workers, conferenceEnded: true }, "conference ended, waiting for the workers' leaves");
  }
  return { change: { kind: "delete" }, actions: [], note: "conference ended" };
}

function decideRegisterWorker(event: EventOf<"registerWorker">, state: ConferenceState | null): Decision {
  const { request } = event;
  const owner = state?.workers[request.workerCallSid];
  if (owner && owner.workerSid !== request.workerSid) {
    // A leg belongs to the agent who registered it; nobody else may take it over.
    const message = `call ${request.workerCallSid} is registered to another worker`;
    return { ...keep("leg registered to another worker"), refusal: { status: 403, message } };
  }
  const worker: RegisteredWorker = {
    workerSid: request.workerSid,
    workerName: request.workerName ?? request.workerSid,
    callSid: request.workerCallSid,
    taskSid: request.taskSid,
    reservationSid: request.reservationSid,
  };
  const base: ConferenceState = state ?? {
    v: 1,
    conferenceSid: request.conferenceSid,
    taskSid: request.taskSid,
    workflowSid: request.workflowSid,
    customerCallSid: request.customerCallSid,
    customerGone: false,
    conferenceEnded: false,
    taskAttributes: event.taskAttributes,
    workers: {},
    recovery: null,
    seenEventIds: [],
  };
  // The task registered last is the customer's current one (a transfer creates a new task).
  const next: ConferenceState = {
    ...base,
    taskSid: request.taskSid,
    workflowSid: request.workflowSid,
    taskAttributes: event.taskAttributes,
    workers: { ...base.workers, [worker.callSid]: worker },
  };
  const actions: Action[] = [
    {
      kind: "updateParticipant",
      conferenceSid: request.conferenceSid,
      callSid: request.workerCallSid,
      endConferenceOnExit: false,
    },
  ];
  if (event.identity) {
    actions.push({ kind: "grantStateRead", conferenceSid: request.conferenceSid, identity: event.identity });
  }
  return write(next, state ? "worker registered" : "conference registered", actions);
}

function decideUnregisterWorker(event: EventOf<"unregisterWorker">, state: ConferenceState | null): Decision {
  if (!state || !state.workers[event.workerCallSid]) return keep("worker not registered");
  return write(withoutWorker(state, event.workerCallSid), "worker unregistered");
}

function decideEndConference(event: EventOf<"endConference">, state: ConferenceState | null): Decision {
  const action: Action = { kind: "endConference", conferenceSid: event.conferenceSid };
  // Unregister first, so the leave that follows is a graceful one; remember who asked, so a
  // request Twilio failed can be repeated and the leg's leave can still end the conference.
  const leg = state && event.workerCallSid ? state.workers[event.workerCallSid] : undefined;
  if (state && leg && event.workerCallSid) {
    const next = { ...withoutWorker(state, event.workerCallSid), endRequestedBy: leg.workerSid };
    return write(next, "conference ended by the agent", [action]);
  }
  return keep("conference ended by the agent", [action]);
}

function decidePingCreated(
  event: EventOf<"pingCreated">,
  state: ConferenceState | null,
  _config: RecoveryConfig,
  now: string,
): Decision {
  if (!state?.recovery || state.recovery.pingTaskSid) return keep("ping already recorded");
  if (state.recovery.status === RecoveryStatus.abandoned) {
    // The customer left between the claim and the ping's creation.
    return write(withRecovery(state, { pingTaskSid: event.pingTaskSid }, now), "ping no longer needed", [
      { kind: "cancelTask", taskSid: event.pingTaskSid, reason: "customer left during recovery" },
    ]);
  }
  return write(withRecovery(state, { pingTaskSid: event.pingTaskSid }, now), "ping recorded");
}

function decidePingFailed(
  event: EventOf<"pingFailed">,
  state: ConferenceState | null,
  config: RecoveryConfig,
  now: string,
): Decision {
  if (!state?.recovery || state.recovery.status !== RecoveryStatus.pinging || state.recovery.pingTaskSid) {
    return keep(state?.recovery ? `recovery is ${state.recovery.status}` : "no recovery");
  }
  if (state.customerGone) return abandon(state, now, "customer gone", null);
  // No ping, so nobody to offer the call back to first: the next agent, ahead of the queue.
  const twimlText = enqueueTwiml(
    originalWorkflow(state, event.pingAttributes),
    config.reconnectPriority,
    reconnectAttributes(event.pingAttributes, null),
  );
  // The dropped agent still shows available (no ping reservation timed out to move them), so
  // TaskRouter could offer them the customer first: set them unavailable, as a timeout would.
  return write(withRecovery(state, { status: RecoveryStatus.requeued }, now), "ping not created, requeued", [
    redirectCustomer(state, event.participants ?? [], twimlText),
    { kind: "setWorkerUnavailable", workerSid: state.recovery.droppedWorkerSid },
  ]);
}

function decidePingAccepted(
  event: EventOf<"pingAccepted">,
  state: ConferenceState | null,
  config: RecoveryConfig,
  now: string,
): Decision {
  const completePing: Action = {
    kind: "completeTask",
    taskSid: event.pingTaskSid,
    reason: "recovery ping accepted",
  };
  if (!state?.recovery) return keep("no recovery for this ping", [completePing]);
  if (state.seenEventIds.includes(event.eventId)) return keep("duplicate event");
  // Whose ping this is comes from the document and the reservation (its worker), never from the
  // ping's attributes, which the agent holding it can rewrite to name another conference.
  if (event.workerSid !== state.recovery.droppedWorkerSid) return keep("not the dropped worker's ping");
  if (state.recovery.pingTaskSid !== null && state.recovery.pingTaskSid !== event.pingTaskSid) {
    return keep("not this recovery's ping");
  }
  if (state.recovery.status !== RecoveryStatus.pinging) {
    // Abandoned (or handled by a duplicate): the agent still holds the ping; close it.
    if (state.recovery.pingTaskSid === event.pingTaskSid && state.recovery.status !== RecoveryStatus.abandoned) {
      return keep("ping already handled");
    }
    return keep(`recovery is ${state.recovery.status}`, [completePing]);
  }
  const seen = remember(state, event.eventId);
  if (state.customerGone || event.customerCallStatus !== CALL_IN_PROGRESS) {
    return abandon(withRecovery(seen, { pingTaskSid: event.pingTaskSid }, now), now, "customer gone", completePing);
  }
  const attributes = reconnectAttributes(event.pingAttributes, state.recovery.droppedWorkerSid);
  const twimlText = enqueueTwiml(originalWorkflow(state, event.pingAttributes), config.reconnectPriority, attributes);
  const next = withRecovery(seen, { status: RecoveryStatus.reconnecting, pingTaskSid: event.pingTaskSid }, now);
  return write(next, "reconnecting the customer to the same worker", [
    completePing,
    redirectCustomer(state, event.participants, twimlText),
  ]);
}

function decidePingCanceled(
  event: EventOf<"pingCanceled">,
  state: ConferenceState | null,
  config: RecoveryConfig,
  now: string,
): Decision {
  if (!state?.recovery) return keep("no recovery for this ping");
  if (state.seenEventIds.includes(event.eventId)) return keep("duplicate event");
  if (state.recovery.status !== RecoveryStatus.pinging) return keep(`recovery is ${state.recovery.status}`);
  const seen = withRecovery(remember(state, event.eventId), { pingTaskSid: event.pingTaskSid }, now);
  if (state.customerGone || event.customerCallStatus !== CALL_IN_PROGRESS) {
    return abandon(seen, now, "customer gone", null);
  }
  // Ping not accepted in time: the next agent, still ahead of the queue (docs/recovery-flow.md#step-11).
  const attributes = reconnectAttributes(event.pingAttributes, null);
  const twimlText = enqueueTwiml(originalWorkflow(state, event.pingAttributes), config.reconnectPriority, attributes);
  return write(withRecovery(seen, { status: RecoveryStatus.requeued }, now), "ping timed out, requeued", [
    redirectCustomer(state, event.participants, twimlText),
  ]);
}

function decideReconnectQueuedOrCanceled(
  event: EventOf<"reconnectEnteredQueue" | "reconnectCanceled">,
  state: ConferenceState | null,
  _config: RecoveryConfig,
  now: string,
): Decision {
  // The dropped reservation is closed by `factActions`, without waiting for the state.
  if (!state?.recovery || state.seenEventIds.includes(event.eventId)) return keep("no state change");
  const seen = remember(state, event.eventId);
  if (event.kind === "reconnectCanceled") {
    if (!isRecoveryInProgress(state)) return keep(`recovery is ${state.recovery.status}`);
    // The customer hung up while waiting in the queue.
    const next = withRecovery({ ...seen, customerGone: true }, { status: RecoveryStatus.abandoned }, now);
    return write(next, "reconnect task canceled");
  }
  if (state.recovery.reconnectTaskSid === event.reconnectTaskSid) return keep("already recorded");
  // The customer's reconnect task is the first to enter a queue after our redirect; a later one
  // naming this conference (a transfer copies attributes an agent may have written) is not it.
  if (state.recovery.reconnectTaskSid !== null) return keep("another reconnect task is recorded");
  if (!AFTER_REDIRECT.includes(state.recovery.status)) return keep(`recovery is ${state.recovery.status}`);
  return write(withRecovery(seen, { reconnectTaskSid: event.reconnectTaskSid }, now), "reconnect task queued");
}

function decideReconnectAccepted(
  event: EventOf<"reconnectAccepted">,
  state: ConferenceState | null,
  _config: RecoveryConfig,
  now: string,
): Decision {
  if (!state?.recovery || !isRecoveryInProgress(state)) return keep("no recovery in progress");
  if (!AFTER_REDIRECT.includes(state.recovery.status)) return keep(`recovery is ${state.recovery.status}`);
  if (state.recovery.reconnectTaskSid !== null && state.recovery.reconnectTaskSid !== event.reconnectTaskSid) {
    return keep("not the recorded reconnect task");
  }
  const next = withRecovery(
    remember(state, event.eventId),
    {
      status: RecoveryStatus.reconnected,
      reconnectTaskSid: event.reconnectTaskSid,
      reconnectedWorkerSid: event.workerSid,
    },
    now,
  );
  return write(next, "reconnected");
}

/**
 * What a conference callback means when the callback alone tells (nothing to read or list first):
 * null when the decision needs the document. Saves the Sync read (and the participant list) on the
 * callbacks of every ordinary call.
 */
export function decideFromCallback(event: RecoveryEvent): Decision | null {
  if (event.kind === "participantJoin") {
    // A leg is registered only once it is in the conference (register-worker fetches it), so a
    // joining leg is never a registered one.
    return keep("a joining leg is not registered yet");
  }
  if (event.kind === "participantModify" && !event.endConferenceOnExit) return keep("nothing to do");
  if (event.kind !== "participantLeave") return null;
  if (event.reason !== null && CONFERENCE_ENDING_REASONS.includes(event.reason)) {
    // Removed because the conference ended: never a drop; the conference-end callback cleans up.
    return keep("leg left with the conference ending");
  }
  if (event.label === ParticipantLabel.customer && event.callStatus === CALL_IN_PROGRESS) {
    // Our own redirect takes the customer out of the conference with the call still up.
    return keep("customer moved to the queue");
  }
  return null;
}

/** Whether deciding a leave may need the conference's live participants (listed beside the read). */
export function leaveNeedsParticipants(event: EventOf<"participantLeave">): boolean {
  return event.label !== ParticipantLabel.customer;
}

/**
 * A recovery stuck past the deadline after the ping's acceptance: the customer was redirected to
 * the queue (`reconnecting`) but no reconnect task was seen entering it for `deadlineSeconds` —
 * the Event Streams delivery that closes the dropped reservation never came, so the agent's voice
 * capacity stays held and the waiting reconnect task cannot reach them. Driving it on is that
 * same idempotent closing (an already closed reservation counts as done). `waitedSeconds`: the
 * longer of the caller's wait and the time since the document's last step.
 */
export function stuckRecoveryActions(
  state: ConferenceState | null,
  now: string,
  waitedSeconds: number,
  deadlineSeconds: number,
): Action[] {
  const recovery = state?.recovery;
  if (!recovery || recovery.status !== RecoveryStatus.reconnecting || recovery.reconnectTaskSid !== null) return [];
  const sinceStep = (Date.parse(now) - Date.parse(recovery.updatedTime)) / 1000;
  return Math.max(sinceStep, waitedSeconds) >= deadlineSeconds ? [completeDroppedReservation(recovery)] : [];
}

/** One decider per event kind. */
const DECIDERS: { [K in RecoveryEvent["kind"]]: Decider<K> } = {
  participantJoin: decideParticipantJoinOrModify,
  participantModify: decideParticipantJoinOrModify,
  participantLeave: decideParticipantLeave,
  conferenceEnd: decideConferenceEnd,
  registerWorker: decideRegisterWorker,
  unregisterWorker: decideUnregisterWorker,
  endConference: decideEndConference,
  pingCreated: decidePingCreated,
  pingFailed: decidePingFailed,
  pingAccepted: decidePingAccepted,
  pingCanceled: decidePingCanceled,
  reconnectEnteredQueue: decideReconnectQueuedOrCanceled,
  reconnectCanceled: decideReconnectQueuedOrCanceled,
  reconnectAccepted: decideReconnectAccepted,
};

/**
 * Decides what an event means for a conference. `state` is the conference's document (null when
 * there is none); `now` is ISO-8601, passed in so the function stays pure.
 */
export function decide(
  event: RecoveryEvent,
  state: ConferenceState | null,
  config: RecoveryConfig,
  now: string,
): Decision {
  const decider = DECIDERS[event.kind] as Decider<RecoveryEvent["kind"]>;
  return decider(event, state, config, now);
}
