// The Flex adapter: implements RecoveryPort on Flex's Actions, Manager and TaskRouter worker, and
// feeds Flex's reservation and conference changes into the controller.
import { Actions, Notifications } from "@twilio/flex-ui";
import { type PluginSettings, TaskChannel } from "@flex-call-recovery/vocabulary";
import type { RecoveryController } from "../recovery/controller";
import { DEFAULT_STRINGS, renderTemplate, type StringTemplates } from "../recovery/strings";
import { systemClock } from "../recovery/clock";
import type {
  Clock,
  DialogState,
  Logger,
  Notice,
  RecoveryFunctions,
  RecoveryPort,
  ReservationView,
  StateListener,
  Unsubscribe,
} from "../recovery/types";
import type { ServiceConfiguration } from "../types/ServiceConfiguration";
import { viewOfConference, viewOfReservation, type FlexTaskLike, type TrReservation } from "./views";

/** The parts of Flex's Manager the adapter touches (the real Manager satisfies it). */
export interface FlexManagerLike {
  workerClient?: {
    sid: string;
    name?: string;
    attributes?: Record<string, unknown>;
    reservations: Map<string, TrReservation>;
    on(event: "reservationCreated", listener: (reservation: TrReservation) => void): unknown;
  };
  store: { getState(): unknown; subscribe(listener: () => void): () => void };
  serviceConfiguration?: ServiceConfiguration;
  /** Flex's app configuration; its SDK options carry the account's region. */
  configuration?: { sdkOptions?: { flex?: { environmentConfig?: { region?: unknown } } } };
  strings: object;
  user: { token: string };
  events: { addListener(event: "pluginsLoaded", listener: () => void): unknown };
}

/** Reservation events after which the controller re-reads a reservation. */
const RESERVATION_EVENTS = ["accepted", "wrapup", "completed", "canceled", "rejected", "timeout", "rescinded"];

export interface FlexRecoveryPortOptions {
  manager: FlexManagerLike;
  settings: PluginSettings;
  functions: RecoveryFunctions;
  setDialog: (state: DialogState | null) => void;
  /** Opens the state watcher (the lazily loaded Sync chunk). */
  loadStateWatcher: () => Promise<{ watch(conferenceSid: string, listener: StateListener): Promise<Unsubscribe> }>;
  clock?: Clock;
}

export class FlexRecoveryPort implements RecoveryPort {
  readonly workerSid: string;
  readonly workerName: string;
  readonly settings: PluginSettings;
  readonly clock: Clock;
  readonly functions: RecoveryFunctions;
  readonly log: Logger = {
    info: (message, detail) => console.info(`[flex-call-recovery] ${message}`, detail ?? ""),
    warn: (message, detail) => console.warn(`[flex-call-recovery] ${message}`, detail ?? ""),
    error: (message, detail) => console.error(`[flex-call-recovery] ${message}`, detail ?? ""),
  };
  private readonly manager: FlexManagerLike;
  private readonly tracked = new WeakSet<TrReservation>();
  /** Last conference signature sent per reservation, so store churn does not flood the controller. */
  private readonly conferenceSignatures = new Map<string, string>();

  constructor(private readonly options: FlexRecoveryPortOptions) {
    const worker = options.manager.workerClient;
    if (!worker) throw new Error("call recovery: Flex has no TaskRouter worker client");
    this.manager = options.manager;
    this.workerSid = worker.sid;
    const fullName = worker.attributes?.full_name;
    this.workerName = typeof fullName === "string" && fullName ? fullName : (worker.name ?? worker.sid);
    this.settings = options.settings;
    this.functions = options.functions;
    this.clock = options.clock ?? systemClock;
  }

  /** Text of a Flex string template (the centre's own text when it defined one). */
  translate = (template: StringTemplates, params: Record<string, string | number> = {}): string => {
    const strings = this.manager.strings as Record<string, string | undefined>;
    return renderTemplate(strings[template] ?? DEFAULT_STRINGS[template], params);
  };

  listReservations(): ReservationView[] {
    return [...(this.manager.workerClient?.reservations.values() ?? [])].map((r) => {
      this.track(r);
      return viewOfReservation(r);
    });
  }

  async acceptReservation(reservationSid: string): Promise<void> {
    try {
      // Through Flex, so a call gets its WebRTC leg and our beforeAcceptTask conference options.
      await Actions.invokeAction("AcceptTask", { sid: reservationSid });
    } catch (error) {
      const reservation = this.manager.workerClient?.reservations.get(reservationSid);
      // A ping carries no media: if Flex has not picked it up yet, TaskRouter can accept it directly.
      if (!reservation || reservation.task.taskChannelUniqueName === TaskChannel.voice) throw error;
      await reservation.accept();
    }
  }

  async completeReservation(reservationSid: string): Promise<void> {
    try {
      await Actions.invokeAction("CompleteTask", { sid: reservationSid });
    } catch (error) {
      const reservation = this.manager.workerClient?.reservations.get(reservationSid);
      if (!reservation) throw error;
      await reservation.complete();
    }
  }

  selectTask(reservationSid: string): void {
    Actions.invokeAction("SelectTask", { sid: reservationSid }).catch((error: unknown) =>
      this.log.warn(`select task ${reservationSid} failed`, error),
    );
  }

  setDialog(state: DialogState | null): void {
    this.options.setDialog(state);
  }

  notify(notice: Notice): void {
    // Registered under the template's name (flex-hooks/notifications); Flex renders the template with the params.
    Notifications.showNotification(notice.template, notice.params);
  }

  async watchState(conferenceSid: string, listener: StateListener): Promise<Unsubscribe> {
    const watcher = await this.options.loadStateWatcher();
    return watcher.watch(conferenceSid, listener);
  }

  /** Wires TaskRouter and Flex store changes into the controller. */
  connect(controller: RecoveryController): void {
    this.controllerRef = controller;
    this.manager.workerClient?.on("reservationCreated", (reservation) => {
      this.track(reservation, controller);
      controller.reservationChanged(viewOfReservation(reservation));
    });
    for (const reservation of this.manager.workerClient?.reservations.values() ?? [])
      this.track(reservation, controller);
    this.manager.store.subscribe(() => this.conferencesChanged(controller));
  }

  private controllerRef: RecoveryController | null = null;

  private track(reservation: TrReservation, controller = this.controllerRef): void {
    if (!controller || this.tracked.has(reservation)) return;
    this.tracked.add(reservation);
    const changed = () => controller.reservationChanged(viewOfReservation(reservation));
    for (const event of RESERVATION_EVENTS) reservation.on?.(event, changed);
    // Attribute changes (e.g. "Reconnect Agent" set while this page was open) come as task updates.
    reservation.task.on?.("updated", changed);
  }

  private conferencesChanged(controller: RecoveryController): void {
    const tasks = flexTasks(this.manager.store.getState());
    for (const task of tasks) {
      const view = viewOfConference(task);
      if (!view) continue;
      const signature = `${view.conferenceSid}|${view.participants.map((p) => `${p.callSid}:${p.participantType}:${p.status}:${p.isMyself}`).join(",")}`;
      if (this.conferenceSignatures.get(task.sid) === signature) continue;
      this.conferenceSignatures.set(task.sid, signature);
      controller.conferenceChanged(view);
    }
  }
}

/** Flex keeps the agent's tasks (keyed by reservation SID) in `flex.worker.tasks`. */
export function flexTasks(state: unknown): FlexTaskLike[] {
  const tasks = (state as { flex?: { worker?: { tasks?: Map<string, FlexTaskLike> } } })?.flex?.worker?.tasks;
  return tasks instanceof Map ? [...tasks.values()] : [];
}
