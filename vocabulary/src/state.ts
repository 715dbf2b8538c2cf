// The per-conference state document (one Sync document per conference; see docs/state.md).
// Kept small: Sync caps a document at 16 KiB.

/** Recovery progress, in order: active → pinging → reconnecting | requeued → reconnected | abandoned. */
export const RecoveryStatus = {
  /** Call in progress, nothing dropped. */
  active: "active",
  /** Worker leg dropped with the customer present; the recovery ping is out. */
  pinging: "pinging",
  /** Ping accepted: the customer is re-enqueued straight to the same worker. */
  reconnecting: "reconnecting",
  /** Ping failed (TTL): the customer is re-enqueued to the original workflow at high priority. */
  requeued: "requeued",
  /** The reconnect task reached a worker. */
  reconnected: "reconnected",
  /** The customer left before the recovery finished; everything was cleaned up. */
  abandoned: "abandoned",
} as const;
export type RecoveryStatus = (typeof RecoveryStatus)[keyof typeof RecoveryStatus];

/** A worker leg registered by the plugin (`flex/register-worker`). */
export interface RegisteredWorker {
  workerSid: string;
  workerName: string;
  /** The worker's participant call SID in this conference. */
  callSid: string;
  taskSid: string;
  reservationSid: string;
}

/** What the recovery knows about the leg that dropped and where the recovery is. */
export interface RecoveryState {
  status: RecoveryStatus;
  droppedWorkerSid: string;
  droppedWorkerName: string;
  droppedCallSid: string;
  droppedTaskSid: string;
  droppedReservationSid: string;
  /** ISO-8601. */
  disconnectedTime: string;
  pingTaskSid: string | null;
  reconnectTaskSid: string | null;
  /** Worker who got the customer back (set when reconnected). */
  reconnectedWorkerSid: string | null;
  /** ISO-8601 of the last status change, so the plugin can tell a stalled recovery. */
  updatedTime: string;
}

export interface ConferenceState {
  /** Schema version of this document. */
  v: 1;
  conferenceSid: string;
  /** The customer's task and the workflow it came through (re-enqueue target). */
  taskSid: string;
  workflowSid: string;
  customerCallSid: string;
  customerGone: boolean;
  conferenceEnded: boolean;
  /**
   * The customer task's attributes, copied at registration so the recovery ping can be created
   * without another round trip. Null when they would not fit the document (the functions then
   * fetch them when needed); absent in documents written before the field existed.
   */
  taskAttributes?: Record<string, unknown> | null;
  /** Registered worker legs, keyed by the worker's participant call SID. */
  workers: Record<string, RegisteredWorker>;
  recovery: RecoveryState | null;
  /**
   * Worker SID of the agent who asked (`flex/end-conference`) to end the conference, until it has
   * ended: their leg is unregistered by that request, yet they may repeat it when Twilio failed the
   * first time, and their leg's later leave ends the conference rather than leave the customer alone.
   * Absent in documents written before the field existed.
   */
  endRequestedBy?: string | null;
  /** Last event ids handled (bounded), so a redelivered webhook has no second effect. */
  seenEventIds: string[];
}

/** Prefix of every state document's unique name. */
export const STATE_DOCUMENT_PREFIX = "recovery-";
/** Sync unique name of a conference's state document. */
export function stateDocumentName(conferenceSid: string): string {
  return `${STATE_DOCUMENT_PREFIX}${conferenceSid}`;
}
/** Documents expire after a day so nothing leaks when `conference-end` is missed. */
export const STATE_DOCUMENT_TTL_SECONDS = 86_400;
/** How many handled event ids a document remembers. */
export const SEEN_EVENT_IDS_LIMIT = 50;
/** Sync's limit on a document's data (error 54006 above it). */
export const SYNC_DOCUMENT_MAX_BYTES = 16 * 1024;
