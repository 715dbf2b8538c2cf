// The controller's view of the world and the port it drives. Nothing here imports Flex, React or
// the DOM: the Flex adapter maps Flex objects onto these shapes, the test adapter builds them by hand.
import type {
  ConferenceState,
  MoveParticipantsRequest,
  MoveParticipantsResponse,
  PluginSettings,
  RecoveryStatus,
  RecoveryStepRequest,
  RegisterWorkerRequest,
  SyncTokenResponse,
  UnregisterWorkerRequest,
  EndConferenceRequest,
} from "@flex-call-recovery/vocabulary";
import type { StringTemplates } from "./strings";

/** TaskRouter reservation statuses (twilio-taskrouter's `Reservation.status`). */
export type ReservationStatus =
  "pending" | "accepted" | "rejected" | "timeout" | "canceled" | "rescinded" | "wrapping" | "completed";

/** One of this agent's reservations, as the controller needs it. */
export interface ReservationView {
  /** Reservation SID (what Flex calls the task's `sid`). */
  sid: string;
  taskSid: string;
  status: ReservationStatus;
  taskChannelUniqueName: string;
  workflowSid: string;
  /** Parsed task attributes. */
  attributes: Record<string, unknown>;
  /** Set when the task reached this agent by a transfer (warm or cold); such tasks never trigger recovery logic. */
  incomingTransfer: "WARM" | "COLD" | null;
}

/** A conference leg as Flex reports it. */
export interface ParticipantView {
  callSid: string;
  /** Flex's participant type: `worker`, `customer`, `external`, `transfer`, ... */
  participantType: string;
  status: "joined" | "left" | "recently_left";
  /** True for a leg of the worker running this browser. */
  isMyself: boolean;
}

/** The conference of an accepted voice reservation. */
export interface ConferenceView {
  reservationSid: string;
  conferenceSid: string;
  participants: ParticipantView[];
}

/** What the dialog shows. `null` when it is closed. */
export interface DialogState {
  /** Dropped reservation the dialog is about. */
  reservationSid: string;
  phase: "reconnecting" | "reconnected";
  /** Live recovery status from the state document (null until it is known). */
  status: RecoveryStatus | null;
  /** Why the recovery looks stuck; the agent may then continue. */
  problem: "functionsUnreachable" | "stateStalled" | null;
  /** True when the agent may close the dialog and wrap up. */
  canContinue: boolean;
}

/** A short, non-blocking message (Flex notification). */
export interface Notice {
  template: StringTemplates;
  kind: "info" | "success" | "warning" | "error";
  /** Values the string template interpolates. */
  params: Record<string, string | number>;
}

/** The Flex-facing functions (bodies without the token; the service adds it). */
export interface RecoveryFunctions {
  registerWorker(request: RegisterWorkerRequest): Promise<unknown>;
  unregisterWorker(request: UnregisterWorkerRequest): Promise<unknown>;
  endConference(request: EndConferenceRequest): Promise<unknown>;
  moveParticipants(request: MoveParticipantsRequest): Promise<MoveParticipantsResponse>;
  syncToken(): Promise<SyncTokenResponse>;
  /** The ping was accepted here: the functions drive the step too (when Event Streams does not). */
  recoveryStep(request: RecoveryStepRequest): Promise<unknown>;
}

/** Callback of a state subscription: the document's data, or null when it does not exist (any more). */
export type StateListener = (state: ConferenceState | null) => void;
export type Unsubscribe = () => void;

/** Timers behind an interface so tests (and the e2e driver) can run a fake clock. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

/** Everything the controller asks of its environment. */
export interface RecoveryPort {
  readonly workerSid: string;
  readonly workerName: string;
  readonly settings: PluginSettings;
  readonly clock: Clock;
  readonly log: Logger;
  readonly functions: RecoveryFunctions;
  /** The agent's current reservations (scanned on load: reservations created during a reload are not re-emitted). */
  listReservations(): ReservationView[];
  acceptReservation(reservationSid: string): Promise<void>;
  completeReservation(reservationSid: string): Promise<void>;
  selectTask(reservationSid: string): void;
  /** Shows, updates (non-null) or closes (null) the blocking dialog. */
  setDialog(state: DialogState | null): void;
  notify(notice: Notice): void;
  /** Follows a conference's state document; rejects when it cannot subscribe. */
  watchState(conferenceSid: string, listener: StateListener): Promise<Unsubscribe>;
}
