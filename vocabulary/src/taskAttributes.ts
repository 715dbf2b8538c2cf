// Task attribute names and shapes. Twilio stores task attributes as a JSON string; these are
// the keys this project reads and writes. Nobody else spells them.

/** Attribute names, so code and TaskRouter expressions never retype a key. */
export const TaskAttribute = {
  /** Flex's conference block on a voice task; cleared on a reconnect task so Flex makes a new one. */
  conference: "conference",
  /** Flex's reporting block; `followed_by` marks the dropped task for Flex Insights. */
  conversations: "conversations",
  followedBy: "followed_by",
  /** Copied from the dropped task onto the recovery ping (and the reconnect task). */
  disconnectedTaskSid: "disconnectedTaskSid",
  disconnectedReservationSid: "disconnectedReservationSid",
  disconnectedWorkerSid: "disconnectedWorkerSid",
  disconnectedWorkerName: "disconnectedWorkerName",
  disconnectedCallSid: "disconnectedCallSid",
  disconnectedConferenceSid: "disconnectedConferenceSid",
  disconnectedTaskWorkflowSid: "disconnectedTaskWorkflowSid",
  /** ISO-8601 time the worker leg dropped. */
  disconnectedTime: "disconnectedTime",
  /** false on a ping; true on a reconnect task created after the ping timed out. */
  recoveryAttemptFailed: "recoveryAttemptFailed",
  /** true on the customer's re-enqueued task. */
  isReconnect: "isReconnect",
  /** Worker the "Direct to agent" filter routes to (Known Worker `task.targetWorkerSid`). */
  targetWorkerSid: "targetWorkerSid",
  /** Customer call SID Flex puts on inbound voice tasks. */
  callSid: "call_sid",
} as const;

export type TaskAttributeName = (typeof TaskAttribute)[keyof typeof TaskAttribute];

/** `conversations.followed_by` value that marks a task whose agent dropped. */
export const FOLLOWED_BY_RECONNECT = "Reconnect Agent";

/** What the recovery adds to a task's attributes to identify the dropped leg. */
export interface DisconnectedLeg {
  disconnectedTaskSid: string;
  disconnectedReservationSid: string;
  disconnectedWorkerSid: string;
  disconnectedWorkerName: string;
  disconnectedCallSid: string;
  disconnectedConferenceSid: string;
  disconnectedTaskWorkflowSid: string;
  disconnectedTime: string;
}

/** Attributes of a recovery ping task: the original ones plus the dropped leg. */
export type RecoveryPingAttributes = Record<string, unknown> &
  DisconnectedLeg & {
    recoveryAttemptFailed: boolean;
  };

/** Attributes of the customer's re-enqueued task. */
export type ReconnectTaskAttributes = Record<string, unknown> &
  DisconnectedLeg & {
    isReconnect: true;
    recoveryAttemptFailed: boolean;
    /** Set when the ping was accepted: straight back to that worker. Absent after a failed ping. */
    targetWorkerSid?: string;
  };

/** Parses a task's attributes JSON; returns null when it is not a JSON object. */
export function parseTaskAttributes(json: string | null | undefined): Record<string, unknown> | null {
  if (typeof json !== "string") return null;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** True when the attributes describe a reconnect task (the customer re-enqueued by the recovery). */
export function isReconnectTask(attributes: Record<string, unknown> | null): boolean {
  return attributes?.[TaskAttribute.isReconnect] === true;
}

/** True when the task was marked as followed by a reconnect (the dropped call task). */
export function isMarkedForReconnect(attributes: Record<string, unknown> | null): boolean {
  const conversations = attributes?.[TaskAttribute.conversations];
  return (
    typeof conversations === "object" &&
    conversations !== null &&
    (conversations as Record<string, unknown>)[TaskAttribute.followedBy] === FOLLOWED_BY_RECONNECT
  );
}

/**
 * True when the attributes describe a recovery ping (names a dropped worker, is not the customer's
 * re-enqueued task). The functions also check the ping workflow SID when they know it.
 */
export function isRecoveryPingTask(attributes: Record<string, unknown> | null): boolean {
  return (
    typeof attributes?.[TaskAttribute.disconnectedWorkerSid] === "string" &&
    attributes?.[TaskAttribute.isReconnect] !== true
  );
}
