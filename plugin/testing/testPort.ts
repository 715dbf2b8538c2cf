// The test adapter: an in-memory RecoveryPort plus a driver that plays Flex around the controller.
// Unit tests use it with the fake functions and fake clock; the end-to-end scenarios can plug in real
// function calls (against the twin), a real state watcher and real timers.
import {
  DEFAULT_PLUGIN_SETTINGS,
  FunctionRoute,
  TaskChannel,
  type ConferenceState,
  type MoveParticipantsResponse,
  type PluginSettings,
  type SyncTokenResponse,
} from "@flex-call-recovery/vocabulary";
import { RecoveryController } from "../src/recovery/controller";
import { DEFAULT_STRINGS, renderTemplate } from "../src/recovery/strings";
import type {
  Clock,
  ConferenceView,
  DialogState,
  Logger,
  Notice,
  ParticipantView,
  RecoveryFunctions,
  RecoveryPort,
  ReservationView,
  StateListener,
  Unsubscribe,
} from "../src/recovery/types";

/** A clock whose time only moves when `advance` is called. */
export class FakeClock implements Clock {
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;
  constructor(private nowMs = Date.parse("2026-01-01T12:00:00Z")) {}
  now(): number {
    return this.nowMs;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.nowMs + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Moves time forward, running due timers in order. */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = due.at;
      due.callback();
    }
    this.nowMs = until;
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
}

export interface FunctionCall {
  route: FunctionRoute;
  body: unknown;
}

/** Answers every function call with success and records it; can be made to fail. */
export class FakeFunctions implements RecoveryFunctions {
  readonly calls: FunctionCall[] = [];
  /** When set, every call rejects like an unreachable network. */
  unreachable = false;
  /** Third parties `moveParticipants` reports as moved. */
  moved: MoveParticipantsResponse["moved"] = [];
  /** Routes that answer an HTTP error, as the functions service rejects it. */
  readonly refusals = new Map<FunctionRoute, number>();

  private async call<T>(route: FunctionRoute, body: unknown, answer: T): Promise<T> {
    this.calls.push({ route, body });
    if (this.unreachable) throw { status: 0, success: false, message: `POST ${route} failed: network unreachable` };
    const refusal = this.refusals.get(route);
    if (refusal !== undefined)
      throw { status: refusal, success: false, message: `POST ${route} failed with HTTP ${refusal}` };
    return answer;
  }
  registerWorker(body: unknown) {
    return this.call(FunctionRoute.registerWorker, body, { success: true });
  }
  unregisterWorker(body: unknown) {
    return this.call(FunctionRoute.unregisterWorker, body, { success: true });
  }
  endConference(body: unknown) {
    return this.call(FunctionRoute.endConference, body, { success: true });
  }
  moveParticipants(body: unknown): Promise<MoveParticipantsResponse> {
    return this.call(FunctionRoute.moveParticipants, body, { success: true, moved: this.moved });
  }
  syncToken(): Promise<SyncTokenResponse> {
    return this.call(
      FunctionRoute.syncToken,
      {},
      { success: true, token: "test-sync-token", identity: "test", ttl: 3600 },
    );
  }
  recoveryStep(body: unknown) {
    return this.call(FunctionRoute.recoveryStep, body, { success: true, note: "reconnecting the customer" });
  }
  /** Calls made to one route. */
  callsTo(route: FunctionRoute): unknown[] {
    return this.calls.filter((c) => c.route === route).map((c) => c.body);
  }
}

export interface TestAgentOptions {
  workerSid: string;
  workerName?: string;
  settings?: Partial<PluginSettings>;
  /** Default: a FakeFunctions. The e2e driver passes a RecoveryFunctionsService pointed at twilio-run. */
  functions?: RecoveryFunctions;
  /** Default: in-memory documents fed by `pushState`. */
  watchState?: RecoveryPort["watchState"];
  /** Default: a FakeClock. */
  clock?: Clock;
  /** Called when the controller accepts/completes a reservation (e.g. to tell the twin); then the status changes. */
  onAccept?: (reservationSid: string) => Promise<void> | void;
  onComplete?: (reservationSid: string) => Promise<void> | void;
}

/** The in-memory port; everything the controller did is recorded on it. */
export class TestRecoveryPort implements RecoveryPort {
  readonly workerSid: string;
  readonly workerName: string;
  readonly settings: PluginSettings;
  readonly clock: Clock;
  readonly functions: RecoveryFunctions;
  readonly reservations = new Map<string, ReservationView>();
  readonly accepted: string[] = [];
  readonly completed: string[] = [];
  readonly selected: string[] = [];
  readonly notices: Notice[] = [];
  /** Every dialog state set, in order (null = closed). */
  readonly dialogHistory: (DialogState | null)[] = [];
  readonly logs: { level: keyof Logger; message: string; detail?: unknown }[] = [];
  /** Makes the default state watcher fail to subscribe (as when flex/sync-token is down). */
  stateUnavailable = false;
  readonly states = new Map<string, ConferenceState | null>();
  private readonly stateListeners = new Map<string, Set<StateListener>>();
  /** Set by createTestAgent: reservation changes made here are reported to it. */
  controller: RecoveryController | null = null;
  private readonly customWatch?: RecoveryPort["watchState"];

  constructor(private readonly options: TestAgentOptions) {
    this.workerSid = options.workerSid;
    this.workerName = options.workerName ?? "Test Agent";
    this.settings = { serverlessDomain: "functions.test", ...DEFAULT_PLUGIN_SETTINGS, ...options.settings };
    this.clock = options.clock ?? new FakeClock();
    this.functions = options.functions ?? new FakeFunctions();
    this.customWatch = options.watchState;
  }

  readonly log: Logger = {
    info: (message, detail) => this.logs.push({ level: "info", message, detail }),
    warn: (message, detail) => this.logs.push({ level: "warn", message, detail }),
    error: (message, detail) => this.logs.push({ level: "error", message, detail }),
  };

  listReservations(): ReservationView[] {
    return [...this.reservations.values()];
  }
  async acceptReservation(reservationSid: string): Promise<void> {
    this.accepted.push(reservationSid);
    await this.options.onAccept?.(reservationSid);
    this.setStatus(reservationSid, "accepted");
  }
  async completeReservation(reservationSid: string): Promise<void> {
    this.completed.push(reservationSid);
    await this.options.onComplete?.(reservationSid);
    this.setStatus(reservationSid, "completed");
  }
  selectTask(reservationSid: string): void {
    this.selected.push(reservationSid);
  }
  setDialog(state: DialogState | null): void {
    this.dialogHistory.push(state);
  }
  notify(notice: Notice): void {
    this.notices.push(notice);
  }
  watchState(conferenceSid: string, listener: StateListener): Promise<Unsubscribe> {
    if (this.customWatch) return this.customWatch(conferenceSid, listener);
    if (this.stateUnavailable) return Promise.reject(new Error("watch state: sync token unavailable"));
    const listeners = this.stateListeners.get(conferenceSid) ?? new Set<StateListener>();
    this.stateListeners.set(conferenceSid, listeners);
    listeners.add(listener);
    // Like Sync: the subscriber first gets the document as it is.
    if (this.states.has(conferenceSid)) listener(this.states.get(conferenceSid) ?? null);
    return Promise.resolve(() => listeners.delete(listener));
  }

  /** The dialog as last set (null = closed). */
  get dialog(): DialogState | null {
    return this.dialogHistory.length ? this.dialogHistory[this.dialogHistory.length - 1] : null;
  }
  /** Notices rendered with the default English strings. */
  get noticeTexts(): string[] {
    return this.notices.map((n) => renderTemplate(DEFAULT_STRINGS[n.template], n.params));
  }
  /** How many live subscriptions the controller holds on a conference's state. */
  stateSubscribers(conferenceSid: string): number {
    return this.stateListeners.get(conferenceSid)?.size ?? 0;
  }
  pushState(conferenceSid: string, state: ConferenceState | null): void {
    this.states.set(conferenceSid, state);
    for (const listener of this.stateListeners.get(conferenceSid) ?? []) listener(state);
  }
  setStatus(reservationSid: string, status: ReservationView["status"]): void {
    const reservation = this.reservations.get(reservationSid);
    if (!reservation) return;
    const updated = { ...reservation, status };
    this.reservations.set(reservationSid, updated);
    this.controller?.reservationChanged(updated);
  }
}

/** A reservation with defaults for what a test does not care about. */
export function testReservation(fields: Partial<ReservationView> & Pick<ReservationView, "sid">): ReservationView {
  return {
    taskSid: `WT${fields.sid.slice(2)}`,
    status: "pending",
    taskChannelUniqueName: TaskChannel.voice,
    workflowSid: "WW00000000000000000000000000000001",
    attributes: {},
    incomingTransfer: null,
    ...fields,
  };
}

/** A controller for one agent plus the driver that plays Flex around it. */
export interface TestAgent {
  readonly controller: RecoveryController;
  readonly port: TestRecoveryPort;
  /** `pluginsLoaded`: the controller scans the reservations already there. */
  start(): void;
  /** Adds a reservation; `emit: false` adds it silently (it existed before a reload; found by `start`). */
  pushReservation(reservation: ReservationView, options?: { emit?: boolean }): void;
  updateReservation(reservationSid: string, patch: Partial<ReservationView>): void;
  /** Flex's view of the conference of an accepted call. */
  setConference(reservationSid: string, conferenceSid: string, participants: ParticipantView[]): void;
  hangup(reservationSid: string): Promise<void>;
  transfer(reservationSid: string, mode: "COLD" | "WARM"): Promise<void>;
  /** The agent clicks "Continue" in the dialog. */
  clickContinue(): void;
  /** Lets pending promise callbacks run (function answers, accept chains). */
  settle(): Promise<void>;
}

export function createTestAgent(options: TestAgentOptions): TestAgent {
  const port = new TestRecoveryPort(options);
  const controller = new RecoveryController(port);
  port.controller = controller;
  return {
    controller,
    port,
    start: () => controller.start(),
    pushReservation(reservation, { emit = true } = {}) {
      port.reservations.set(reservation.sid, reservation);
      if (emit) controller.reservationChanged(reservation);
    },
    updateReservation(reservationSid, patch) {
      const current = port.reservations.get(reservationSid);
      if (!current) throw new Error(`updateReservation: no reservation ${reservationSid}`);
      const updated = { ...current, ...patch };
      port.reservations.set(reservationSid, updated);
      controller.reservationChanged(updated);
    },
    setConference(reservationSid, conferenceSid, participants) {
      const view: ConferenceView = { reservationSid, conferenceSid, participants };
      controller.conferenceChanged(view);
    },
    hangup: (reservationSid) => controller.beforeHangup(reservationSid),
    transfer: (reservationSid, mode) => controller.beforeTransfer(reservationSid, mode),
    clickContinue: () => controller.continueWithoutRecovery(),
    async settle() {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
  };
}

/**
 * A `watchState` for drivers without twilio-sync (e.g. against the twin): polls `readState` and
 * reports each change. Uses the given clock's timers, so it also runs under a FakeClock.
 */
export function pollingWatchState(
  readState: (conferenceSid: string) => Promise<ConferenceState | null>,
  clock: Clock,
  intervalMs = 200,
): RecoveryPort["watchState"] {
  return async (conferenceSid, listener) => {
    let last: string | undefined;
    let timer: unknown = null;
    let stopped = false;
    const poll = async () => {
      const state = await readState(conferenceSid);
      if (stopped) return;
      const key = JSON.stringify(state);
      if (key !== last) {
        last = key;
        listener(state);
      }
      timer = clock.setTimeout(() => void poll().catch(() => undefined), intervalMs);
    };
    // The first read must work: a watcher that cannot read at all is "functions unreachable".
    await poll();
    return () => {
      stopped = true;
      clock.clearTimeout(timer);
    };
  };
}
