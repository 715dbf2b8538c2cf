// The recovery behaviour of one agent's Flex (docs/recovery-flow.md steps 1, 2, 6, 10, 11 and
// docs/recovery-flow.md#graceful-ends-no-recovery),
// written against RecoveryPort so it runs the same in Flex, in unit tests and in the e2e scenarios.
// Inputs are the methods below (the adapter calls them on Flex events); outputs go through the port.
import {
  CONFERENCE_STATUS_CALLBACK_EVENTS,
  CONFERENCE_STATUS_CALLBACK_OVERRIDES,
  FunctionRoute,
  RECOVERY_STEP_DEADLINE_SECONDS,
  RECOVERY_STEP_GRACE_SECONDS,
  RecoveryStatus,
  TaskAttribute,
  type ConferenceState,
} from "@flex-call-recovery/vocabulary";
import { classifyReservation, isVoice, joinedLegs, liveParticipantCount, secondsSince } from "./classify";
import { StringTemplates } from "./strings";
import type { ConferenceView, DialogState, RecoveryPort, ReservationView, Unsubscribe } from "./types";

/** How long a hangup or transfer waits for the functions before Flex goes ahead anyway. */
export const GRACEFUL_END_DEADLINE_MS = 4000;
/**
 * Auto-accept tries a reservation at most this often while it is still pending (a Flex or
 * TaskRouter hiccup must not leave the customer waiting for the reservation timeout).
 */
export const ACCEPT_ATTEMPTS = 3;
/** Wait before the second try; doubled before each later one. */
export const ACCEPT_RETRY_BASE_MS = 500;
/** Times the plugin checks whether to ask the functions to drive the accepted ping's step. */
export const RECOVERY_STEP_ATTEMPTS = 3;

/** First wait before register-worker is tried again (after the service's own quick retries). */
export const REGISTER_RETRY_BASE_MS = 2000;
/** Longest wait between register-worker attempts. */
export const REGISTER_RETRY_MAX_MS = 30_000;

/** Conference options `beforeAcceptTask` adds to call tasks. */
export interface ConferenceOptions {
  conferenceStatusCallback: string;
  conferenceStatusCallbackMethod: "POST";
  conferenceStatusCallbackEvent: string;
  /**
   * Flex sets true on the first agent's leg before `beforeAcceptTask` listeners run; a drop before
   * register-worker lands would then end the customer's call. Off here; Flex's later reset (a
   * participant modify) is undone by the functions once the leg is registered.
   */
  endConferenceOnExit: false;
}

/** One recovery this agent is waiting for, keyed by the dropped reservation. */
interface Recovery {
  droppedReservationSid: string;
  conferenceSid: string | null;
  status: RecoveryStatus | null;
  /** `updatedTime` of the last state seen, to tell a moving recovery from a stalled one. */
  lastUpdate: string | null;
  problem: DialogState["problem"];
  phase: DialogState["phase"];
  /** False once the agent continued, or while a reconnect waits for a manual accept. */
  dialogOpen: boolean;
  pingReservationSid: string | null;
  pingAccepted: boolean;
  /** The dropped reservation completed while the dialog waits for the customer to come back. */
  droppedEnded: boolean;
  /** Whether the state document has been seen at all (its later absence then means it was deleted). */
  stateSeen: boolean;
  stallTimer: unknown;
  noticeTimer: unknown;
  /** Asks `flex/recovery-step` again while the customer is not back (RECOVERY_STEP_DEADLINE_SECONDS). */
  stepTimer: unknown;
  /** The customer's reconnect task reached this agent. */
  reconnectOffered: boolean;
  unsubscribe: Unsubscribe | null;
  watching: boolean;
}

export class RecoveryController {
  private readonly reservations = new Map<string, ReservationView>();
  private readonly conferences = new Map<string, ConferenceView>();
  private readonly recoveries = new Map<string, Recovery>();
  /** Dropped reservations whose recovery ended here; never reopened by late events. */
  private readonly finished = new Set<string>();
  /** Reservations this controller accepted (or is accepting), so each is accepted once. */
  private readonly accepting = new Set<string>();
  /** Scheduled retries of a failed accept, cleared on dispose. */
  private readonly acceptRetries = new Set<unknown>();
  /** `${reservationSid}/${callSid}` legs registered, so each leg is registered once. */
  private readonly registeredLegs = new Set<string>();
  /** Latest registered leg per reservation, for hangup and transfer. */
  private readonly registrations = new Map<string, { conferenceSid: string; callSid: string }>();
  /** Reconnect reservations whose follow-up (move, select, notice) ran. */
  private readonly reconnectsHandled = new Set<string>();
  private lastDialog: string | null = null;
  private disposed = false;

  constructor(private readonly port: RecoveryPort) {}

  /** `pluginsLoaded`: reservations created during a reload are not re-emitted, so scan them. */
  start(): void {
    for (const reservation of this.port.listReservations()) this.reservationChanged(reservation);
  }

  /** `reservationCreated` and every later change (status, attributes) of a reservation. */
  reservationChanged(reservation: ReservationView): void {
    if (this.disposed) return;
    this.reservations.set(reservation.sid, reservation);
    const role = classifyReservation(reservation, this.port.workerSid);
    switch (role.kind) {
      case "dropped":
        if (reservation.status === "wrapping") this.ensureRecovery(reservation.sid, role.conferenceSid);
        else if (reservation.status === "completed" || reservation.status === "canceled")
          this.droppedReservationEnded(reservation.sid);
        break;
      case "ping":
        this.pingChanged(reservation, role.droppedReservationSid, role.conferenceSid);
        break;
      case "reconnect":
        if (reservation.status === "pending") this.reconnectOffered(reservation, role.mine, role.droppedReservationSid);
        break;
      case "other":
        break;
    }
    this.maybeRegister(reservation);
  }

  /** Flex's view of a reservation's conference changed (legs joined or left). */
  conferenceChanged(conference: ConferenceView): void {
    if (this.disposed) return;
    this.conferences.set(conference.reservationSid, conference);
    const reservation = this.reservations.get(conference.reservationSid);
    if (reservation) this.maybeRegister(reservation);
  }

  /** `beforeAcceptTask`: call tasks get our conference status callback (docs/recovery-flow.md#step-1). */
  conferenceOptions(reservation: ReservationView): ConferenceOptions | null {
    const domain = this.port.settings.serverlessDomain;
    if (!isVoice(reservation) || !domain) return null;
    return {
      // With connection overrides: Twilio retries a callback the functions could not handle (5xx).
      conferenceStatusCallback: `https://${domain}${FunctionRoute.conferenceStatusHandler}${CONFERENCE_STATUS_CALLBACK_OVERRIDES}`,
      conferenceStatusCallbackMethod: "POST",
      conferenceStatusCallbackEvent: CONFERENCE_STATUS_CALLBACK_EVENTS.join(","),
      endConferenceOnExit: false,
    };
  }

  /**
   * `beforeHangupCall`: a graceful end, told to the functions before the leg leaves so the leave is
   * not taken for a drop. With two or fewer live participants `flex/end-conference` does both (it
   * unregisters this leg in the same write and ends the conference, which we kept alive with
   * endConferenceOnExit=false); it only accepts a registered caller, so it must not follow an
   * unregister. With a third party still there, only this leg is unregistered.
   */
  async beforeHangup(reservationSid: string): Promise<void> {
    const registration = this.registrations.get(reservationSid);
    if (!registration) return;
    this.registrations.delete(reservationSid);
    const conference = this.conferences.get(reservationSid);
    const live = conference ? liveParticipantCount(conference) : 0;
    if (live <= 2) {
      // The functions keep the conference up (unregistering only this leg) when another
      // registered agent is still on it, whatever our view of the legs.
      await this.bounded("end conference on hangup", () =>
        this.port.functions.endConference({ conferenceSid: registration.conferenceSid }),
      );
      return;
    }
    await this.bounded("unregister on hangup", () =>
      this.port.functions.unregisterWorker({
        conferenceSid: registration.conferenceSid,
        workerCallSid: registration.callSid,
      }),
    );
  }

  /** `beforeTransferTask`: a cold transfer hands the customer on, so this leg's leave is graceful. */
  async beforeTransfer(reservationSid: string, mode: string): Promise<void> {
    if (mode !== "COLD") return;
    const registration = this.registrations.get(reservationSid);
    if (!registration) return;
    this.registrations.delete(reservationSid);
    await this.bounded("unregister on cold transfer", () =>
      this.port.functions.unregisterWorker({
        conferenceSid: registration.conferenceSid,
        workerCallSid: registration.callSid,
      }),
    );
  }

  /** `beforeCompleteTask`/`beforeWrapupTask`: false while the dialog holds this dropped task. */
  canComplete(reservationSid: string): boolean {
    const recovery = this.recoveries.get(reservationSid);
    return !recovery || !recovery.dialogOpen || this.dialogState(recovery).canContinue;
  }

  /** The agent clicked "Continue" on a stuck recovery: let them wrap up. */
  continueWithoutRecovery(): void {
    for (const recovery of this.recoveries.values()) {
      if (!recovery.dialogOpen || !this.dialogState(recovery).canContinue) continue;
      recovery.dialogOpen = false;
      this.port.log.warn(`call recovery: agent continued without recovery of ${recovery.droppedReservationSid}`);
      this.stopFollowing(recovery);
      // The functions complete an accepted ping; if they are down it would sit in the agent's list.
      const ping = recovery.pingReservationSid ? this.reservations.get(recovery.pingReservationSid) : undefined;
      if (ping && ping.status === "accepted") {
        this.port
          .completeReservation(ping.sid)
          .catch((error) => this.port.log.error(`call recovery: complete ping ${ping.sid} failed`, error));
      }
    }
    this.emitDialog();
  }

  /** Current dialog (what `setDialog` last received). */
  get dialog(): DialogState | null {
    const open = [...this.recoveries.values()].find((r) => r.dialogOpen);
    return open ? this.dialogState(open) : null;
  }

  dispose(): void {
    this.disposed = true;
    for (const recovery of this.recoveries.values()) {
      this.stopFollowing(recovery);
      if (recovery.noticeTimer !== null) this.port.clock.clearTimeout(recovery.noticeTimer);
    }
    this.recoveries.clear();
    for (const timer of this.acceptRetries) this.port.clock.clearTimeout(timer);
    this.acceptRetries.clear();
  }

  // --- recovery of this agent's own dropped call -------------------------------------------

  private ensureRecovery(droppedReservationSid: string, conferenceSid: string | null): Recovery | null {
    if (this.finished.has(droppedReservationSid)) return null;
    let recovery = this.recoveries.get(droppedReservationSid);
    if (!recovery) {
      recovery = {
        droppedReservationSid,
        conferenceSid,
        status: null,
        lastUpdate: null,
        problem: null,
        phase: "reconnecting",
        dialogOpen: true,
        pingReservationSid: null,
        pingAccepted: false,
        droppedEnded: false,
        stateSeen: false,
        stallTimer: null,
        noticeTimer: null,
        stepTimer: null,
        reconnectOffered: false,
        unsubscribe: null,
        watching: false,
      };
      this.recoveries.set(droppedReservationSid, recovery);
      this.port.log.info(`call recovery: waiting for the recovery of ${droppedReservationSid}`);
      this.restartStallTimer(recovery);
    }
    if (!recovery.conferenceSid && conferenceSid) recovery.conferenceSid = conferenceSid;
    this.follow(recovery);
    this.emitDialog();
    return recovery;
  }

  private pingChanged(ping: ReservationView, droppedReservationSid: string, conferenceSid: string | null): void {
    const recovery = this.ensureRecovery(droppedReservationSid, conferenceSid);
    if (recovery) recovery.pingReservationSid = ping.sid;
    if (ping.status !== "pending") return;
    // The ping proves this browser is back; it is accepted whatever the auto-accept setting says.
    this.accept(ping.sid, "ping", () => {
      if (recovery) {
        recovery.pingAccepted = true;
        this.progressed(recovery);
        this.driveStep(recovery, ping, 1);
      }
    });
  }

  /**
   * The second trigger: this browser knows it accepted the ping, so it tells the functions, which
   * drive the step Event Streams' `reservation.accepted` drives (exactly once, whichever is first).
   * Checks at RECOVERY_STEP_GRACE_SECONDS after the acceptance, then every
   * RECOVERY_STEP_DEADLINE_SECONDS (RECOVERY_STEP_ATTEMPTS checks): the document still `pinging`
   * (Event Streams silent, or slow) → ask; `reconnecting` past the deadline with no reconnect
   * offered here (the dropped reservation still holds this agent's capacity) → ask, and the
   * functions drive it on. When Event Streams did its work within the grace, nothing is called: the
   * common case costs no request and no race for the document.
   */
  private driveStep(recovery: Recovery, ping: ReservationView, check: number): void {
    const waitedSeconds = RECOVERY_STEP_GRACE_SECONDS + (check - 1) * RECOVERY_STEP_DEADLINE_SECONDS;
    const clock = this.port.clock;
    if (recovery.stepTimer !== null) clock.clearTimeout(recovery.stepTimer);
    recovery.stepTimer = clock.setTimeout(
      () => {
        recovery.stepTimer = null;
        if (this.recoveries.get(recovery.droppedReservationSid) !== recovery || recovery.reconnectOffered) return;
        const pinging = recovery.status === null || recovery.status === RecoveryStatus.pinging;
        const stuck =
          recovery.status === RecoveryStatus.reconnecting && waitedSeconds >= RECOVERY_STEP_DEADLINE_SECONDS;
        if (pinging || stuck) {
          this.port.functions
            .recoveryStep({ pingTaskSid: ping.taskSid, pingReservationSid: ping.sid, waitedSeconds })
            .catch((error) => this.port.log.warn(`call recovery: recovery-step for ${ping.sid} failed`, error));
        }
        if (check < RECOVERY_STEP_ATTEMPTS) this.driveStep(recovery, ping, check + 1);
      },
      (check === 1 ? RECOVERY_STEP_GRACE_SECONDS : RECOVERY_STEP_DEADLINE_SECONDS) * 1000,
    );
  }

  private reconnectOffered(reservation: ReservationView, mine: boolean, droppedReservationSid: string | null): void {
    if (!mine) return; // another agent's customer: routed like any call, the agent accepts it as usual
    const recovery = droppedReservationSid ? this.recoveries.get(droppedReservationSid) : undefined;
    if (recovery) recovery.reconnectOffered = true;
    if (this.port.settings.autoAcceptReconnect) {
      if (recovery) this.progressed(recovery);
      this.accept(reservation.sid, "reconnect", () => undefined);
    } else if (recovery && recovery.dialogOpen) {
      // The centre's own auto-answer (or the agent) accepts: the blocking dialog must step aside.
      recovery.dialogOpen = false;
      this.stopFollowing(recovery);
      this.emitDialog();
    }
  }

  private droppedReservationEnded(droppedReservationSid: string): void {
    const recovery = this.recoveries.get(droppedReservationSid);
    if (!recovery) return;
    if (recovery.phase === "reconnected") return; // the notice timer closes it
    // After an accepted ping the dropped reservation completes just before the customer is offered
    // back (docs/recovery-flow.md#step-9): keep the dialog until the reconnect connects, unless the customer went elsewhere.
    const customerComingBack =
      recovery.pingAccepted &&
      recovery.status !== RecoveryStatus.requeued &&
      recovery.status !== RecoveryStatus.abandoned;
    if (customerComingBack && recovery.dialogOpen && !this.stateDeleted(recovery)) {
      recovery.droppedEnded = true;
      this.progressed(recovery);
      return;
    }
    this.finish(recovery);
  }

  /** The functions delete the state document when the call is over: a recovery whose document went is over. */
  private stateDeleted(recovery: Recovery): boolean {
    return recovery.stateSeen && recovery.status === null && recovery.lastUpdate === null;
  }

  private follow(recovery: Recovery): void {
    if (recovery.watching || !recovery.conferenceSid || !recovery.dialogOpen) return;
    recovery.watching = true;
    const conferenceSid = recovery.conferenceSid;
    this.port
      .watchState(conferenceSid, (state) => this.stateChanged(recovery, state))
      .then((unsubscribe) => {
        // The recovery may have ended while the subscription was being set up.
        if (!recovery.watching) unsubscribe();
        else recovery.unsubscribe = unsubscribe;
      })
      .catch((error) => {
        recovery.watching = false;
        this.port.log.error(`call recovery: cannot follow the state of ${conferenceSid}`, error);
        this.setProblem(recovery, "functionsUnreachable");
      });
  }

  private stateChanged(recovery: Recovery, state: ConferenceState | null): void {
    const status = state?.recovery?.status ?? null;
    const updated = state?.recovery?.updatedTime ?? null;
    if (state !== null) recovery.stateSeen = true;
    if (status === recovery.status && updated === recovery.lastUpdate) return;
    recovery.status = status;
    recovery.lastUpdate = updated;
    // Document deleted after the dropped reservation completed: the customer hung up mid-recovery
    // (found end to end, scenario 7: the dialog waited for a reconnect that could not come).
    if (state === null && recovery.droppedEnded && recovery.stateSeen) {
      this.finish(recovery);
      return;
    }
    this.progressed(recovery);
  }

  /** Something moved: the recovery is not stalled. */
  private progressed(recovery: Recovery): void {
    if (recovery.problem === "stateStalled") recovery.problem = null;
    this.restartStallTimer(recovery);
    this.emitDialog();
  }

  private restartStallTimer(recovery: Recovery): void {
    const clock = this.port.clock;
    if (recovery.stallTimer !== null) clock.clearTimeout(recovery.stallTimer);
    recovery.stallTimer = clock.setTimeout(() => {
      recovery.stallTimer = null;
      this.port.log.error(
        `call recovery: no progress on ${recovery.droppedReservationSid} for ${this.port.settings.stallTimeoutSeconds} s (status ${recovery.status ?? "unknown"})`,
      );
      this.setProblem(recovery, "stateStalled");
    }, this.port.settings.stallTimeoutSeconds * 1000);
  }

  private setProblem(recovery: Recovery, problem: NonNullable<DialogState["problem"]>): void {
    if (recovery.phase === "reconnected" || !this.recoveries.has(recovery.droppedReservationSid)) return;
    recovery.problem = problem;
    this.emitDialog();
  }

  private stopFollowing(recovery: Recovery): void {
    if (recovery.stallTimer !== null) this.port.clock.clearTimeout(recovery.stallTimer);
    recovery.stallTimer = null;
    if (recovery.stepTimer !== null) this.port.clock.clearTimeout(recovery.stepTimer);
    recovery.stepTimer = null;
    recovery.watching = false;
    recovery.unsubscribe?.();
    recovery.unsubscribe = null;
  }

  private finish(recovery: Recovery): void {
    this.stopFollowing(recovery);
    if (recovery.noticeTimer !== null) this.port.clock.clearTimeout(recovery.noticeTimer);
    this.recoveries.delete(recovery.droppedReservationSid);
    this.finished.add(recovery.droppedReservationSid);
    this.emitDialog();
  }

  // --- call set-up: registration and the reconnect follow-up --------------------------------

  private maybeRegister(reservation: ReservationView): void {
    if (reservation.status !== "accepted" || !isVoice(reservation)) return;
    const conference = this.conferences.get(reservation.sid);
    const legs = conference ? joinedLegs(conference) : null;
    if (!conference || !legs) return;
    const key = `${reservation.sid}/${legs.worker.callSid}`;
    if (this.registeredLegs.has(key)) return;
    this.registeredLegs.add(key);
    this.registrations.set(reservation.sid, { conferenceSid: conference.conferenceSid, callSid: legs.worker.callSid });
    const registered = this.registerUntilDone(reservation, conference.conferenceSid, legs);
    const role = classifyReservation(reservation, this.port.workerSid);
    if (role.kind === "reconnect")
      this.reconnected(reservation, conference, role.mine, role.droppedReservationSid, registered);
  }

  /**
   * flex/register-worker, retried with backoff while the call goes on: a leg that is not registered
   * is not recovered if this browser drops. A server or network failure (iam or Twilio briefly
   * down) is retried every REGISTER_RETRY_BASE_MS, doubled up to REGISTER_RETRY_MAX_MS, with one
   * quiet warning; a refusal (4xx) is final. Resolves true once registered, false when it gave up or
   * the call ended (the leg left, the reservation moved on, the agent hung up or transferred).
   */
  private async registerUntilDone(
    reservation: ReservationView,
    conferenceSid: string,
    legs: { worker: { callSid: string }; customer: { callSid: string } },
  ): Promise<boolean> {
    const request = {
      conferenceSid,
      taskSid: reservation.taskSid,
      reservationSid: reservation.sid,
      workflowSid: reservation.workflowSid,
      workerSid: this.port.workerSid,
      workerName: this.port.workerName,
      workerCallSid: legs.worker.callSid,
      customerCallSid: legs.customer.callSid,
    };
    let warned = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.port.functions.registerWorker(request);
        if (warned) this.port.log.info(`call recovery: register-worker for ${reservation.sid} went through`);
        return true;
      } catch (error) {
        const status = (error as { status?: unknown })?.status;
        const retryable = typeof status !== "number" || status === 0 || status >= 500;
        if (!retryable) {
          // The call goes on; it just cannot be recovered if this browser drops.
          this.port.log.error(`call recovery: register-worker refused for ${reservation.sid}`, error);
          this.port.notify({ template: StringTemplates.RegisterFailed, kind: "warning", params: {} });
          return false;
        }
        this.port.log.warn(`call recovery: register-worker failed for ${reservation.sid}; retrying`, error);
        if (!warned) {
          warned = true;
          this.port.notify({ template: StringTemplates.RegisterRetrying, kind: "warning", params: {} });
        }
      }
      const delay = Math.min(REGISTER_RETRY_BASE_MS * 2 ** attempt, REGISTER_RETRY_MAX_MS);
      await new Promise<void>((resolve) => this.port.clock.setTimeout(resolve, delay));
      if (!this.legStillLive(reservation.sid, legs.worker.callSid)) {
        this.port.log.info(`call recovery: call ${reservation.sid} ended before register-worker went through`);
        return false;
      }
    }
  }

  /** The leg is still this reservation's registered-to-be leg, on an accepted reservation, in the call. */
  private legStillLive(reservationSid: string, callSid: string): boolean {
    if (this.disposed || this.registrations.get(reservationSid)?.callSid !== callSid) return false;
    if (this.reservations.get(reservationSid)?.status !== "accepted") return false;
    const conference = this.conferences.get(reservationSid);
    return conference?.participants.some((p) => p.callSid === callSid && p.status === "joined") ?? false;
  }

  private reconnected(
    reservation: ReservationView,
    conference: ConferenceView,
    mine: boolean,
    droppedReservationSid: string | null,
    registered: Promise<boolean>,
  ): void {
    if (this.reconnectsHandled.has(reservation.sid)) return;
    this.reconnectsHandled.add(reservation.sid);
    const attributes = reservation.attributes;
    const fromConferenceSid = attributes[TaskAttribute.disconnectedConferenceSid];
    if (typeof fromConferenceSid === "string" && fromConferenceSid !== conference.conferenceSid) {
      // flex/move-participants accepts only a worker registered in the new conference: move once
      // this leg's registration is in (found end to end: sent together, the move lost the race → 403).
      void registered.then((ok) => {
        if (!ok) return;
        this.port.functions
          .moveParticipants({ fromConferenceSid, toConferenceSid: conference.conferenceSid })
          .catch((error) => this.port.log.error(`call recovery: moving third parties failed`, error));
      });
    }
    this.port.selectTask(reservation.sid);
    const recovery = droppedReservationSid ? this.recoveries.get(droppedReservationSid) : undefined;
    if (mine && recovery && recovery.dialogOpen) {
      recovery.phase = "reconnected";
      recovery.problem = null;
      this.stopFollowing(recovery);
      this.emitDialog();
      recovery.noticeTimer = this.port.clock.setTimeout(() => {
        recovery.noticeTimer = null;
        this.finish(recovery);
      }, this.port.settings.reconnectedNoticeSeconds * 1000);
      return;
    }
    if (recovery) this.finish(recovery);
    if (mine) {
      this.port.notify({ template: StringTemplates.Reconnected, kind: "success", params: {} });
    } else {
      const agentName = attributes[TaskAttribute.disconnectedWorkerName];
      this.port.notify({
        template: StringTemplates.ReconnectedFromOtherAgent,
        kind: "info",
        params: {
          agentName: typeof agentName === "string" ? agentName : "",
          secondsAgo: secondsSince(attributes[TaskAttribute.disconnectedTime], this.port.clock.now()),
        },
      });
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private accept(reservationSid: string, what: string, onAccepted: () => void, attempt = 1): void {
    if (this.disposed || this.accepting.has(reservationSid)) return;
    this.accepting.add(reservationSid);
    this.port.log.info(`call recovery: accepting ${what} ${reservationSid}`);
    this.port.acceptReservation(reservationSid).then(onAccepted, (error) => {
      this.port.log.error(`call recovery: accepting ${what} ${reservationSid} failed (attempt ${attempt})`, error);
      // Forget it, so a later "pending" event (or the retry below) may accept it again.
      this.accepting.delete(reservationSid);
      if (attempt >= ACCEPT_ATTEMPTS || this.disposed) return;
      const timer = this.port.clock.setTimeout(
        () => {
          this.acceptRetries.delete(timer);
          // Only while TaskRouter still offers it: accepted elsewhere, timed out or canceled ends the retries.
          if (this.reservations.get(reservationSid)?.status !== "pending") return;
          this.accept(reservationSid, what, onAccepted, attempt + 1);
        },
        ACCEPT_RETRY_BASE_MS * 2 ** (attempt - 1),
      );
      this.acceptRetries.add(timer);
    });
  }

  /** Runs a function call for a graceful end, giving up (logged) after a deadline so Flex is never held. */
  private async bounded(operation: string, call: () => Promise<unknown>): Promise<void> {
    let timer: unknown = null;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = this.port.clock.setTimeout(() => resolve("deadline"), GRACEFUL_END_DEADLINE_MS);
    });
    try {
      const outcome = await Promise.race([call(), deadline]);
      if (outcome === "deadline") this.port.log.error(`call recovery: ${operation} timed out`);
    } catch (error) {
      this.port.log.error(`call recovery: ${operation} failed`, error);
    } finally {
      this.port.clock.clearTimeout(timer);
    }
  }

  private dialogState(recovery: Recovery): DialogState {
    const abandoned = recovery.status === RecoveryStatus.abandoned;
    return {
      reservationSid: recovery.droppedReservationSid,
      phase: recovery.phase,
      status: recovery.status,
      problem: recovery.problem,
      canContinue: recovery.phase === "reconnecting" && (recovery.problem !== null || abandoned),
    };
  }

  private emitDialog(): void {
    const dialog = this.dialog;
    const key = JSON.stringify(dialog);
    if (key === this.lastDialog) return;
    this.lastDialog = key;
    this.port.setDialog(dialog);
  }
}
