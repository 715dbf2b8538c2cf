// One agent: a TaskRouter worker in the twin plus the plugin's recovery controller driven through
// its test adapter, bound to the twin the way Flex binds it to Twilio: reservations come from the
// twin's TaskRouter for this worker, accepting and completing go to the twin as Flex's UI would
// send them, the functions are called over HTTP with a Flex token the twin issued, and the state
// document is followed by reading the twin's Sync. A page refresh disposes the controller (the
// page is gone) and builds a new one when the page is back, which then scans its reservations.
import {
  RecoveryFunctionsService,
  type Clock as PluginClock,
  type ParticipantView,
  type ReservationView,
} from "@flex-call-recovery/plugin";
import { createTestAgent, pollingWatchState, type TestAgent } from "@flex-call-recovery/plugin/testing";
import {
  ParticipantLabel,
  stateDocumentName,
  TaskAttribute,
  TaskChannel,
  type ConferenceState,
  type RegisterWorkerRequest,
} from "@flex-call-recovery/vocabulary";
import type { World } from "./world";

/** Reservation statuses Flex lists. */
const LIVE: ReadonlySet<string> = new Set(["pending", "accepted", "wrapping"]);

export class Agent {
  /** The running plugin, or null while the page is not loaded. */
  plugin: TestAgent | null = null;
  /** Every plugin instance this agent's browser ran (one per page load). */
  readonly plugins: TestAgent[] = [];
  /** Reservation views the current plugin was last given, by SID (JSON, to detect changes). */
  private fed = new Map<string, string>();
  /** The views behind `fed`: an unchanged view (same fields, same parsed attributes object) needs no JSON. */
  private fedViews = new Map<string, ReservationView>();
  private conferencesFed = new Map<string, string>();
  /** Tasks that reached this agent by a transfer (Flex marks them), by task SID. */
  readonly incomingTransfers = new Map<string, "WARM" | "COLD">();
  readonly registrations: RegisterWorkerRequest[] = [];
  /** Counts page unloads, so only the last reload's timer brings the page back. */
  private pageGeneration = 0;

  constructor(
    private readonly world: World,
    readonly workerSid: string,
    readonly name: string,
    readonly token: string,
  ) {}

  get accountSid(): string {
    return this.world.stack.twin.accountSid;
  }

  /** The page loads: a fresh plugin scans the reservations already there (`pluginsLoaded`). */
  loadPage(): void {
    const world = this.world;
    const clock = world.pluginClock;
    const functions = new RecoveryFunctionsService({
      baseUrl: world.stack.functionsUrl,
      getToken: () => this.token,
      fetch: (input, init) => world.track(fetch(input, init)),
      retries: 3,
      backoffMs: 50,
      sleep: (ms) => world.track(new Promise((resolve) => setTimeout(resolve, ms))),
    });
    const plugin = createTestAgent({
      workerSid: this.workerSid,
      workerName: this.name,
      settings: { serverlessDomain: world.stack.domain },
      functions: {
        registerWorker: (request) => {
          this.registrations.push(request);
          world.note(this.name, "Functions", `flex/register-worker ${request.conferenceSid.slice(0, 8)}…`, "api");
          return functions.registerWorker(request);
        },
        unregisterWorker: (request) => this.call("flex/unregister-worker", functions.unregisterWorker(request)),
        endConference: (request) => this.call("flex/end-conference", functions.endConference(request)),
        moveParticipants: (request) => this.call("flex/move-participants", functions.moveParticipants(request)),
        syncToken: () => functions.syncToken(),
        recoveryStep: (request) => this.call("flex/recovery-step", functions.recoveryStep(request)),
      },
      watchState: pollingWatchState((conferenceSid) => Promise.resolve(this.readState(conferenceSid)), clock, 250),
      clock,
      onAccept: (reservationSid) => this.acceptInTwin(reservationSid),
      onComplete: (reservationSid) => this.completeInTwin(reservationSid),
    });
    this.fed = new Map();
    this.fedViews = new Map();
    this.conferencesFed = new Map();
    // A (re)loaded Flex lists only live reservations; ended ones are history.
    for (const view of this.reservationViews().filter((r) => LIVE.has(r.status))) {
      plugin.pushReservation(view, { emit: false });
      this.fed.set(view.sid, JSON.stringify(view));
      this.fedViews.set(view.sid, view);
    }
    this.plugin = plugin;
    this.plugins.push(plugin);
    plugin.start();
    this.feedConferences();
  }

  /** Notes a function call and its outcome on the timeline. */
  private call<T>(what: string, answer: Promise<T>): Promise<T> {
    this.world.note(this.name, "Functions", what, "api");
    answer.then(
      (body) => this.world.note("Functions", this.name, `${what} → ${JSON.stringify(body).slice(0, 120)}`, "api"),
      (error: unknown) =>
        this.world.note("Functions", this.name, `${what} failed: ${JSON.stringify(error).slice(0, 160)}`, "api"),
    );
    return answer;
  }

  /** The page goes away (refresh, crash): nothing of this plugin runs any more. */
  unloadPage(): void {
    this.pageGeneration++;
    this.plugin?.controller.dispose();
    this.plugin = null;
  }

  /** Gives the plugin what Flex would: reservation changes and conference changes. Returns whether anything changed. */
  sync(): boolean {
    const plugin = this.plugin;
    if (!plugin) return false;
    let changed = false;
    for (const view of this.reservationViews()) {
      const before = this.fedViews.get(view.sid);
      if (before && sameView(before, view)) continue;
      const key = JSON.stringify(view);
      if (this.fed.get(view.sid) === key) {
        this.fedViews.set(view.sid, view);
        continue;
      }
      const known = this.fed.has(view.sid);
      // Flex learns of a reservation when it is created; one that ended unseen never shows up.
      if (!known && !LIVE.has(view.status)) continue;
      this.fed.set(view.sid, key);
      this.fedViews.set(view.sid, view);
      if (known) plugin.updateReservation(view.sid, view);
      else plugin.pushReservation(view);
      changed = true;
    }
    return this.feedConferences() || changed;
  }

  private feedConferences(): boolean {
    const plugin = this.plugin;
    if (!plugin) return false;
    let changed = false;
    for (const view of this.reservationViews()) {
      if (view.status !== "accepted" || view.taskChannelUniqueName !== TaskChannel.voice) continue;
      const conference = view.attributes.conference as { sid?: string } | undefined;
      if (!conference?.sid) continue;
      const participants = this.participantsOf(view.sid, conference.sid);
      const key = JSON.stringify([conference.sid, participants]);
      if (this.conferencesFed.get(view.sid) === key) continue;
      this.conferencesFed.set(view.sid, key);
      plugin.setConference(view.sid, conference.sid, participants);
      changed = true;
    }
    return changed;
  }

  private participantsOf(reservationSid: string, conferenceSid: string): ParticipantView[] {
    const engine = this.world.stack.engine;
    const myLeg = engine.flex.workerLegOf(this.accountSid, reservationSid)?.callSid;
    return engine.voice.participants(this.accountSid, conferenceSid).map((p) => ({
      callSid: p.callSid,
      participantType: p.label ?? "unknown",
      status: "joined",
      isMyself: p.callSid === myLeg,
    }));
  }

  /** This worker's live reservations as the plugin sees them. */
  reservationViews(): ReservationView[] {
    const port = this.world.stack.engine.taskrouter;
    const ref = this.world.ref;
    return this.world.reservationsOf(this.workerSid).flatMap((r) => {
      const task = port.task(ref, r.taskSid);
      if (!task) return [];
      return [
        {
          sid: r.sid,
          taskSid: r.taskSid,
          status: r.status,
          taskChannelUniqueName: task.taskChannelUniqueName,
          workflowSid: task.workflowSid,
          attributes: task.attributes,
          incomingTransfer: this.incomingTransfers.get(r.taskSid) ?? null,
        } satisfies ReservationView,
      ];
    });
  }

  reservation(status: ReservationView["status"], channel: string = TaskChannel.voice): ReservationView | undefined {
    return this.reservationViews().find((r) => r.status === status && r.taskChannelUniqueName === channel);
  }

  /** What the plugin reads through Sync: the conference's state document in the twin. */
  readState(conferenceSid: string): ConferenceState | null {
    const sync = this.world.stack.twin.store.sync;
    try {
      return sync.fetchDocument(String(this.world.stack.outputs.syncServiceSid), stateDocumentName(conferenceSid))
        .data as unknown as ConferenceState;
    } catch {
      return null;
    }
  }

  /** Accepts as Flex does: a voice reservation with `beforeAcceptTask`'s conference options. */
  async acceptInTwin(reservationSid: string): Promise<void> {
    const view = this.reservationViews().find((r) => r.sid === reservationSid);
    const options = view && this.plugin ? this.plugin.controller.conferenceOptions(view) : null;
    this.world.note(
      this.name,
      "Twilio",
      `accepts ${view?.taskChannelUniqueName ?? ""} reservation ${reservationSid.slice(0, 8)}…`,
      "person",
    );
    // Flex's accept payload, then the plugin's beforeAcceptTask options over it (the twin applies
    // Flex's endConferenceOnExit defaults for keys the plugin leaves out).
    const flags = (options ?? {}) as { endConferenceOnExit?: boolean; endConferenceOnCustomerExit?: boolean };
    this.world.stack.engine.agents.accept(this.accountSid, this.workerSid, reservationSid, {
      conferenceStatusCallback: options?.conferenceStatusCallback ?? null,
      conferenceStatusCallbackMethod: options?.conferenceStatusCallbackMethod,
      conferenceStatusCallbackEvent: options?.conferenceStatusCallbackEvent.split(","),
      endConferenceOnExit: flags.endConferenceOnExit,
      endConferenceOnCustomerExit: flags.endConferenceOnCustomerExit,
    });
  }

  async completeInTwin(reservationSid: string): Promise<void> {
    this.world.note(this.name, "Twilio", `completes reservation ${reservationSid.slice(0, 8)}…`, "person");
    this.world.stack.engine.agents.complete(this.accountSid, this.workerSid, reservationSid);
  }

  /** The agent accepts the pending call offered to them (the normal click on Accept). */
  async acceptCall(): Promise<ReservationView> {
    const pending = this.reservation("pending");
    if (!pending) throw new Error(`${this.name}: no pending voice reservation to accept`);
    await this.acceptInTwin(pending.sid);
    return pending;
  }

  /** Clicks Hangup: the plugin's beforeHangupCall runs first, then Flex hangs up. */
  async hangup(): Promise<void> {
    const accepted = this.reservation("accepted");
    if (!accepted) throw new Error(`${this.name}: not on a call`);
    this.world.note(this.name, "Twilio", "clicks Hangup", "person");
    await this.world.track(this.plugin!.hangup(accepted.sid));
    await this.world.settle();
    // The plugin may have ended the conference already; Flex's own hangup then has nothing left to do.
    if (this.leg()) this.world.stack.engine.agents.hangup(this.accountSid, this.workerSid);
  }

  /** Transfers the call (the plugin's beforeTransferTask first). */
  async transfer(mode: "COLD" | "WARM", to: Agent): Promise<string> {
    const accepted = this.reservation("accepted");
    if (!accepted) throw new Error(`${this.name}: not on a call`);
    this.world.note(this.name, "Twilio", `${mode.toLowerCase()} transfer to ${to.name}`, "person");
    await this.world.track(this.plugin!.transfer(accepted.sid, mode));
    // Flex's transfer to a named agent: a new task in the voice workflow aimed at that worker.
    const { taskSid } = this.world.stack.engine.agents.transfer(this.accountSid, this.workerSid, {
      workflowSid: this.world.stack.seeded.voiceWorkflowSid,
      mode,
      attributes: { [TaskAttribute.targetWorkerSid]: to.workerSid },
    });
    to.incomingTransfers.set(taskSid, mode);
    return taskSid;
  }

  /** Adds a third party (an external number) to the agent's conference. */
  addThirdParty(to: string): string {
    this.world.note(this.name, "Twilio", `adds third party ${to}`, "person");
    return this.world.stack.engine.agents.addThirdParty(this.accountSid, this.workerSid, to, "external").callSid;
  }

  /** The agent's live leg (call SID and conference). */
  leg(): { callSid: string; conferenceSid: string } | null {
    return this.world.stack.engine.agents.view(this.accountSid, this.workerSid).leg;
  }

  /** Reloads the page: the leg drops without a hangup; the page is back after `downSeconds`. */
  refreshPage(downSeconds: number): void {
    this.world.note(this.name, "Twilio", `refreshes the page (back in ${downSeconds} s)`, "person");
    this.unloadPage();
    this.world.stack.engine.agents.refreshPage(this.accountSid, this.workerSid, downSeconds);
    const generation = this.pageGeneration;
    this.world.clockTimer(downSeconds * 1000, () => {
      if (generation !== this.pageGeneration) return; // refreshed again meanwhile
      this.world.note(this.name, this.name, "page loaded again", "ui");
      this.loadPage();
    });
  }

  /** The browser is gone for good. */
  disconnectForever(): void {
    this.world.note(this.name, "Twilio", "browser closes for good", "person");
    this.unloadPage();
    this.world.stack.engine.agents.disconnectForever(this.accountSid, this.workerSid);
  }

  logout(): void {
    this.unloadPage();
    this.world.stack.engine.agents.logout(this.accountSid, this.workerSid);
  }
}

/**
 * Whether two views of a reservation are the same without serialising them: the engine hands out
 * one parsed attributes object per distinct attributes text and never mutates it, so the same
 * object means the same attributes (a different object with the same content falls back to JSON).
 */
function sameView(a: ReservationView, b: ReservationView): boolean {
  return (
    a.attributes === b.attributes &&
    a.status === b.status &&
    a.taskSid === b.taskSid &&
    a.taskChannelUniqueName === b.taskChannelUniqueName &&
    a.workflowSid === b.workflowSid &&
    a.incomingTransfer === b.incomingTransfer
  );
}

/** The plugin's Clock on the twin's clock, so the whole simulated world shares one time. */
export function pluginClockOn(clock: {
  now(): Date;
  setTimer(ms: number, fn: () => void): { id: number };
  clearTimer(handle: { id: number }): void;
}): PluginClock {
  return {
    now: () => clock.now().getTime(),
    setTimeout: (callback, ms) => clock.setTimer(ms, callback),
    clearTimeout: (handle) => {
      if (handle && typeof handle === "object") clock.clearTimer(handle as { id: number });
    },
  };
}

export const CUSTOMER_LABEL = ParticipantLabel.customer;
