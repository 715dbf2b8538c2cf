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
  workerName: string;
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

/** The one error body of every function (STYLE §17). */
export interface ErrorResponse {
  success: false;
  message: string;
}
