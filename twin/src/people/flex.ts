// What Flex does around a voice task, as far as the recovery must cope with it:
// - accepting a voice reservation (TaskRouter's `conference` instruction, as Flex UI sends it)
//   creates a conference named after the task SID, dials the worker (label `worker`) and moves the
//   waiting customer in (label `customer`), and writes the conference into the task's attributes;
// - when the worker's leg leaves the conference (hangup, drop, or the conference ending) Flex moves
//   the reservation to wrapping;
// - Flex's endConferenceOnExit reset, as `@twilio/flex-ui` 2.17 does it (its bundle,
//   `Actions.updateEndConferenceOnExitForTask`): on every conference update and when a reservation
//   is accepted, for the current worker's joined leg, the value is `liveParticipantCount <= 2`; it
//   is written only when it differs from what this page wrote last for the task
//   (`previousEndConferenceOnExits`, page memory: empty again after a reload). It runs only while
//   the agent's Flex UI is loaded, after the UI's reaction time (`resetDelayMs`).
import { FlexParticipantLabel as ParticipantLabel, FlexTaskAttribute as TaskAttribute } from "../flexFacts";
import type { Clock, TimerHandle } from "../clock";
import { found, TwilioError } from "../http/errors";
import type { AccountStore } from "../store";
import type { Reservation, ReservationStatus, TaskRouterBackend } from "../taskrouter/backend";
import { attributesOf, type WorkspaceRef } from "../taskrouter/routing/assignment";
import type { VoiceEngine, VoiceEvent } from "../voice/calls";

/** The conference instruction's options (Flex's `conferenceOptions`). */
export interface FlexConferenceOptions {
  conferenceStatusCallback?: string | null;
  conferenceStatusCallbackMethod?: string;
  /** Subscribed events (`start end join leave modify` ...). */
  conferenceStatusCallbackEvent?: string[];
  /**
   * The worker leg's endConferenceOnExit at join. Flex 2.17's `updateAcceptTaskPayload` sets it to
   * `!conference || conference.liveWorkerCount === 0` (true for the first agent) before plugins'
   * `beforeAcceptTask` listeners run, so a listener's value wins; absent = Flex's.
   */
  endConferenceOnExit?: boolean;
  /** The customer leg's endConferenceOnExit (Flex sets true; a listener may override). */
  endConferenceOnCustomerExit?: boolean;
  /** Caller ID of the worker leg. */
  from?: string;
}

/** The legs of an accepted voice task. */
export interface FlexCallLegs {
  conferenceSid: string;
  workerCallSid: string;
  customerCallSid: string;
}

// A worker leg Flex follows: which reservation it belongs to.
interface WorkerLeg {
  accountSid: string;
  workspaceSid: string;
  reservationSid: string;
  taskSid: string;
  workerSid: string;
  conferenceSid: string;
}

export interface FlexOrchestratorOptions {
  voice: VoiceEngine;
  accounts: (accountSid: string) => AccountStore | undefined;
  /** Whether the agent's Flex UI is loaded (the endConferenceOnExit reset runs in the UI). */
  isClientOnline?: (accountSid: string, workerSid: string) => boolean;
  /**
   * How long after a join/leave the UI's endConferenceOnExit reset lands (the UI's reaction time),
   * on the twin's clock; 0 = at once. A delay lets the reset arrive after the recovery registered
   * the leg, as it can on a real account.
   */
  resetDelayMs?: number;
  clock: Clock;
}

export class FlexOrchestrator {
  private readonly voice: VoiceEngine;
  private readonly accounts: (accountSid: string) => AccountStore | undefined;
  private readonly isClientOnline: (accountSid: string, workerSid: string) => boolean;
  private resetDelayMs: number;
  private readonly clock: Clock;
  private readonly timers = new Set<TimerHandle>();
  // Worker legs by `${accountSid}/${callSid}`.
  private readonly workerLegs = new Map<string, WorkerLeg>();
  // Keys of `workerLegs` by `${accountSid}/${reservationSid}`, in insertion order: workerLegOf runs
  // for every agent on every UI refresh, so it must not scan every leg of the account.
  private readonly legsByReservation = new Map<string, string[]>();
  // Flex's `previousEndConferenceOnExits`, per page: `${accountSid}/${workerSid}` → task SID → value written.
  private readonly lastWritten = new Map<string, Map<string, boolean>>();
  private readonly unsubscribe: () => void;

  constructor(options: FlexOrchestratorOptions) {
    this.voice = options.voice;
    this.accounts = options.accounts;
    this.isClientOnline = options.isClientOnline ?? (() => true);
    this.resetDelayMs = options.resetDelayMs ?? 0;
    this.clock = options.clock;
    this.unsubscribe = this.voice.onEvent((event) => this.onVoiceEvent(event));
  }

  /** Sets the UI's reaction time before its reset lands (ms, twin clock; 0 = at once). */
  setResetDelay(ms: number): void {
    this.resetDelayMs = ms;
  }

  dispose(): void {
    this.unsubscribe();
    for (const timer of this.timers) this.clock.clearTimer(timer);
    this.timers.clear();
  }

  /**
   * TaskRouter's answers to a conference instruction it cannot carry out
   * (https://www.twilio.com/docs/api/errors/40136, https://www.twilio.com/docs/api/errors/40144),
   * checked before the update is stored.
   */
  checkConferenceInstruction(accountSid: string, reservation: Reservation, next: ReservationStatus | undefined): void {
    if (reservation.reservationStatus !== "pending" || (next !== undefined && next !== "accepted")) {
      throw new TwilioError(400, 40136, `Reservation ${reservation.sid} is no longer pending`);
    }
    const tr = this.taskrouter(accountSid);
    const task = tr.fetchTask(reservation.workspaceSid, reservation.taskSid);
    const callSid = attributesOf(task)[TaskAttribute.callSid];
    const call = this.accounts(accountSid)
      ?.voice.allCalls()
      .find((c) => c.sid === callSid);
    if (!call || call.status !== "in-progress" || task.assignmentStatus === "canceled") {
      throw new TwilioError(
        400,
        40144,
        "Reservation is no longer Pending - the caller hung up or the task was canceled",
      );
    }
  }

  /** Flex's accept of a voice reservation (the conference instruction); accepts it if still pending. */
  acceptVoiceReservation(ref: WorkspaceRef, reservationSid: string, options: FlexConferenceOptions = {}): FlexCallLegs {
    const { accountSid, workspaceSid } = ref;
    const tr = this.taskrouter(accountSid);
    const path = `/Workspaces/${workspaceSid}/Reservations/${reservationSid}`;
    const reservation = found(tr.findReservation(workspaceSid, reservationSid), path);
    const task = tr.fetchTask(workspaceSid, reservation.taskSid);
    const worker = tr.fetchWorker(workspaceSid, reservation.workerSid);
    const attributes = attributesOf(task);
    const customerCallSid = attributes[TaskAttribute.callSid];
    if (typeof customerCallSid !== "string") {
      throw new TwilioError(400, 20001, `Task ${task.sid} has no ${TaskAttribute.callSid} attribute`);
    }
    if (reservation.reservationStatus === "pending")
      tr.updateReservation(reservation, { reservationStatus: "accepted" });

    const callbacks = {
      statusCallback: options.conferenceStatusCallback ?? null,
      statusCallbackMethod: options.conferenceStatusCallbackMethod ?? "POST",
      statusCallbackEvent: options.conferenceStatusCallbackEvent ?? [],
    };
    // A transferred task names a conference that is still live: the new worker joins it.
    const existing = conferenceOf(attributes);
    const existingLive = existing ? this.voice.participants(accountSid, existing).length > 0 : false;
    const conferenceName = existingLive ? this.voice.conferenceName(accountSid, existing as string) : task.sid;
    const liveWorkerCount = existingLive
      ? this.voice
          .participants(accountSid, existing as string)
          .filter((p) => this.workerLegs.has(`${accountSid}/${p.callSid}`)).length
      : 0;
    // Flex's payload first, then what the plugins' beforeAcceptTask listeners set.
    const endConferenceOnExit = options.endConferenceOnExit ?? (!existingLive || liveWorkerCount === 0);
    const endConferenceOnCustomerExit = options.endConferenceOnCustomerExit ?? true;
    const contact = attributesOf(worker).contact_uri;
    const { call: workerCall, conference } = this.voice.dialIntoConference(
      accountSid,
      conferenceName,
      {
        from: options.from ?? "+10000000000",
        to: typeof contact === "string" ? contact : `client:${worker.friendlyName}`,
      },
      { label: ParticipantLabel.worker, endConferenceOnExit, ...callbacks },
    );
    this.workerLegs.set(`${accountSid}/${workerCall.sid}`, {
      accountSid,
      workspaceSid,
      reservationSid,
      taskSid: task.sid,
      workerSid: worker.sid,
      conferenceSid: conference.sid,
    });
    const byReservation = `${accountSid}/${reservationSid}`;
    this.legsByReservation.set(byReservation, [
      ...(this.legsByReservation.get(byReservation) ?? []),
      `${accountSid}/${workerCall.sid}`,
    ]);
    if (!existingLive) {
      this.voice.dequeue(accountSid, customerCallSid);
      this.voice.joinConference(accountSid, customerCallSid, conferenceName, {
        label: ParticipantLabel.customer,
        endConferenceOnExit: endConferenceOnCustomerExit,
        ...callbacks,
      });
    } else {
      const customer = this.voice.participants(accountSid, conference.sid).find((p) => p.callSid === customerCallSid);
      if (customer?.hold) this.voice.updateParticipant(accountSid, conference.sid, customerCallSid, { hold: false });
    }
    const participants: Record<string, string> = {
      ...((attributes[TaskAttribute.conference] as { participants?: Record<string, string> } | undefined)
        ?.participants ?? {}),
      [ParticipantLabel.customer]: customerCallSid,
      [ParticipantLabel.worker]: workerCall.sid,
    };
    const updated = { ...attributes, [TaskAttribute.conference]: { sid: conference.sid, participants } };
    tr.updateTask(workspaceSid, task.sid, { attributes: JSON.stringify(updated) });
    // Flex runs its reset when the reservation is accepted too.
    this.scheduleReset(accountSid, conference.sid);
    return { conferenceSid: conference.sid, workerCallSid: workerCall.sid, customerCallSid };
  }

  /** The agent's page (re)loaded: its memory of values written is empty; the reset runs on its legs. */
  pageLoaded(accountSid: string, workerSid: string): void {
    this.lastWritten.delete(`${accountSid}/${workerSid}`);
    const conferences = new Set(
      [...this.workerLegs.values()]
        .filter((l) => l.accountSid === accountSid && l.workerSid === workerSid)
        .map((l) => l.conferenceSid),
    );
    for (const conferenceSid of conferences) this.scheduleReset(accountSid, conferenceSid);
  }

  /** The worker leg of a reservation, if Flex set one up and it is still in its conference. */
  workerLegOf(accountSid: string, reservationSid: string): { callSid: string; conferenceSid: string } | null {
    for (const key of this.legsByReservation.get(`${accountSid}/${reservationSid}`) ?? []) {
      const leg = this.workerLegs.get(key);
      if (leg) return { callSid: key.slice(accountSid.length + 1), conferenceSid: leg.conferenceSid };
    }
    return null;
  }

  /** Flex's reset for every worker leg of the conference whose UI is loaded (see the file comment). */
  enforceEndConferenceOnExit(accountSid: string, conferenceSid: string): void {
    const live = this.voice.participants(accountSid, conferenceSid);
    const value = live.length <= 2;
    for (const participant of live) {
      const leg = this.workerLegs.get(`${accountSid}/${participant.callSid}`);
      if (!leg || !this.isClientOnline(accountSid, leg.workerSid)) continue;
      const page = `${accountSid}/${leg.workerSid}`;
      const written = this.lastWritten.get(page) ?? new Map<string, boolean>();
      this.lastWritten.set(page, written);
      if (written.get(leg.taskSid) === value) continue;
      written.set(leg.taskSid, value);
      this.voice.updateParticipant(accountSid, conferenceSid, participant.callSid, { endConferenceOnExit: value });
    }
  }

  /** The UI's reset after a join/leave, at once or after its reaction time. */
  private scheduleReset(accountSid: string, conferenceSid: string): void {
    if (this.resetDelayMs <= 0) return this.enforceEndConferenceOnExit(accountSid, conferenceSid);
    const timer = this.clock.setTimer(this.resetDelayMs, () => {
      this.timers.delete(timer);
      this.enforceEndConferenceOnExit(accountSid, conferenceSid);
    });
    this.timers.add(timer);
  }

  private taskrouter(accountSid: string): TaskRouterBackend {
    return found(this.accounts(accountSid), `/Accounts/${accountSid}`).taskrouter;
  }

  private onVoiceEvent(event: VoiceEvent): void {
    if (event.kind === "participant-join" || event.kind === "participant-modify") {
      this.scheduleReset(event.accountSid, event.conferenceSid);
    } else if (event.kind === "participant-leave") {
      const key = `${event.accountSid}/${event.participant.callSid}`;
      const leg = this.workerLegs.get(key);
      if (leg) {
        this.workerLegs.delete(key);
        const byReservation = `${leg.accountSid}/${leg.reservationSid}`;
        const keys = (this.legsByReservation.get(byReservation) ?? []).filter((k) => k !== key);
        if (keys.length > 0) this.legsByReservation.set(byReservation, keys);
        else this.legsByReservation.delete(byReservation);
        // Flex wraps the task up when the agent's leg is gone, however it went.
        const tr = this.accounts(leg.accountSid)?.taskrouter;
        const reservation = tr?.findReservation(leg.workspaceSid, leg.reservationSid);
        if (reservation?.reservationStatus === "accepted")
          tr?.updateReservation(reservation, { reservationStatus: "wrapping" });
      }
      if (!event.conferenceEnding) this.scheduleReset(event.accountSid, event.conferenceSid);
    }
  }
}

function conferenceOf(attributes: Record<string, unknown>): string | null {
  const conference = attributes[TaskAttribute.conference];
  if (conference && typeof conference === "object" && typeof (conference as { sid?: unknown }).sid === "string") {
    return (conference as { sid: string }).sid;
  }
  return null;
}
