// Requests and answers of the Flex-facing functions. The plugin sends these as JSON bodies with
// the agent's Flex token in `Token` (what twilio-flex-token-validator reads); the functions
// validate them. One definition for both sides.

/** Every Flex-facing request carries the agent's Flex token. */
export interface FlexAuthenticated {
  Token: string;
}

/** `flex/register-worker`: the plugin saw its own worker leg and the customer joined. */
export interface RegisterWorkerRequest {
  conferenceSid: string;
  taskSid: string;
  reservationSid: string;
  workflowSid: string;
  workerSid: string;
  /**
   * Not trusted: the functions record the name TaskRouter holds for the worker (the reservation's
   * `worker_name`), which the next agent is shown. Older plugins send it; it is ignored.
   */
  workerName?: string;
  /** This agent's own participant call SID in the conference. */
  workerCallSid: string;
  customerCallSid: string;
}

/** `flex/unregister-worker`: graceful hangup or cold transfer. */
export interface UnregisterWorkerRequest {
  conferenceSid: string;
  workerCallSid: string;
}

/** `flex/end-conference`: hangup with two or fewer live participants. */
export interface EndConferenceRequest {
  conferenceSid: string;
}

/** `flex/move-participants`: bring third parties of the old conference into the new one. */
export interface MoveParticipantsRequest {
  fromConferenceSid: string;
  toConferenceSid: string;
}
export interface MoveParticipantsResponse {
  success: true;
  /** Call SIDs moved, with the label each kept. */
  moved: { callSid: string; label: string | null }[];
}

/**
 * `flex/recovery-step`: the agent's browser accepted its recovery ping; the functions drive the
 * same step an Event Streams `reservation.accepted` drives (whichever comes first does it, once).
 */
export interface RecoveryStepRequest {
  pingTaskSid: string;
  /** The agent's reservation of the ping. */
  pingReservationSid: string;
  /**
   * Seconds since this browser accepted the ping (its clock): past RECOVERY_STEP_DEADLINE_SECONDS
   * with the customer not back, the functions drive the recovery on. A timing hint only, never
   * authorization: at worst it closes the caller's own dropped reservation early.
   */
  waitedSeconds?: number;
}
export interface RecoveryStepResponse {
  success: true;
  /** What the functions decided (e.g. "reconnecting the customer to the same worker", "ping already handled"). */
  note: string;
}

/**
 * Seconds the plugin leaves Event Streams after accepting the ping before it asks
 * `flex/recovery-step` itself (only if the document still says `pinging`): in the common case
 * Event Streams has done the step by then, and the browser sends nothing.
 */
export const RECOVERY_STEP_GRACE_SECONDS = 2;

/**
 * Seconds after which a recovery whose customer was redirected but whose reconnect task was never
 * seen entering the queue counts as stuck (the functions then close the dropped reservation); also
 * the interval of the plugin's later checks.
 */
export const RECOVERY_STEP_DEADLINE_SECONDS = 8;

/** `flex/sync-token`: a Sync token for the agent's own identity. */
export interface SyncTokenResponse {
  success: true;
  token: string;
  identity: string;
  /** Seconds the token is valid. */
  ttl: number;
}

/** Success answer of the endpoints that return nothing else. */
export interface OkResponse {
  success: true;
}

/** The one error body of every function: one shape, so every caller reads failures the same way. */
export interface ErrorResponse {
  success: false;
  message: string;
}
