// Parses an Event Streams delivery: a JSON array of CloudEvents. Twilio Functions spread a JSON
// array body over `event` as "0", "1", ...; other hosts (and tests) may hand over a real array,
// and a single CloudEvent object is accepted too.
//
// Each element is read on its own: one the recovery cannot use (a type it does not subscribe to,
// which appears as soon as an operator adds one to the subscription; a payload without the fields
// it reads; a malformed SID) is skipped with its reason, and the rest of the batch is handled.
// Event Streams redelivers a batch it did not get a 2xx for
// (https://www.twilio.com/docs/events/event-delivery-and-duplication), so refusing a whole batch
// for one foreign element would refuse it for ever, and the ping acceptance inside with it.
import {
  TASK_EVENT_SUBSCRIPTION_TYPES,
  TaskAttribute,
  TaskRouterEventType,
  isReconnectTask,
  isRecoveryPingTask,
  parseTaskAttributes,
} from "@flex-call-recovery/vocabulary";
import { BadRequest, SID_PATTERN } from "../http/response";

/** The parts of a TaskRouter CloudEvent the recovery reads (`data.payload`, schema version 1). */
export interface TaskRouterEvent {
  id: string;
  type: string;
  /** ISO-8601; deliveries may be out of order, so a batch is handled in time order. */
  time: string;
  taskSid: string;
  attributes: Record<string, unknown>;
  workflowSid: string | null;
  workerSid: string | null;
  reservationSid: string | null;
}

/** An element of a batch the recovery cannot use: skipped and logged, never a reason to refuse the batch. */
export interface SkippedEvent {
  index: number;
  id: string | null;
  reason: string;
}

/** What a TaskRouter event means to the recovery. */
export type TaskEventMeaning =
  "pingAccepted" | "pingCanceled" | "reconnectAccepted" | "reconnectCanceled" | "reconnectEnteredQueue" | null;

/** The CloudEvents of a delivery, whatever shape the runtime gave it; BadRequest when it holds none. */
export function cloudEventsOf(event: unknown): unknown[] {
  if (Array.isArray(event)) return event;
  if (typeof event !== "object" || event === null) throw new BadRequest("body is not a CloudEvents batch");
  const record = event as Record<string, unknown>;
  if (typeof record.type === "string" || typeof record.specversion === "string") return [record];
  const items: unknown[] = [];
  for (let i = 0; Object.prototype.hasOwnProperty.call(record, String(i)); i++) items.push(record[String(i)]);
  if (items.length === 0) throw new BadRequest("body holds no CloudEvents");
  return items;
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/**
 * SIDs the recovery reads from task attributes, by the prefix they must have. Attributes are
 * written by Flex, by the functions and by agents (Flex lets a worker update its own task), so
 * every one is checked before it can reach a Twilio URL or a TwiML document.
 */
const ATTRIBUTE_SID_PREFIXES: readonly [string, string][] = [
  [TaskAttribute.disconnectedTaskSid, "WT"],
  [TaskAttribute.disconnectedReservationSid, "WR"],
  [TaskAttribute.disconnectedWorkerSid, "WK"],
  [TaskAttribute.disconnectedCallSid, "CA"],
  [TaskAttribute.disconnectedConferenceSid, "CF"],
  [TaskAttribute.disconnectedTaskWorkflowSid, "WW"],
  [TaskAttribute.targetWorkerSid, "WK"],
  [TaskAttribute.callSid, "CA"],
];

export const isSid = (value: unknown, prefix: string): value is string =>
  typeof value === "string" && SID_PATTERN.test(value) && value.startsWith(prefix);

/** Why an attribute SID the recovery reads is unusable, or null when they all are fine (or absent). */
export function attributeSidProblem(attributes: Record<string, unknown>): string | null {
  for (const [name, prefix] of ATTRIBUTE_SID_PREFIXES) {
    const value = attributes[name];
    if (value !== undefined && value !== null && !isSid(value, prefix))
      return `attribute ${name} is not a ${prefix} SID`;
  }
  const conference = attributes[TaskAttribute.conference];
  const conferenceSid =
    conference && typeof conference === "object" ? (conference as { sid?: unknown }).sid : undefined;
  if (conferenceSid !== undefined && !isSid(conferenceSid, "CF")) return "attribute conference.sid is not a CF SID";
  return null;
}

const SUBSCRIBED: readonly string[] = TASK_EVENT_SUBSCRIPTION_TYPES;

/** Reads one CloudEvent, or says why the recovery cannot use element `index`. */
export function parseTaskRouterEvent(raw: unknown, index: number): TaskRouterEvent | SkippedEvent {
  const skip = (reason: string, id: string | null = null): SkippedEvent => ({ index, id, reason });
  if (typeof raw !== "object" || raw === null) return skip("not an object");
  const cloudEvent = raw as Record<string, unknown>;
  const id = text(cloudEvent.id);
  const type = text(cloudEvent.type);
  if (!id) return skip("no id");
  if (!type) return skip("no type", id);
  if (!SUBSCRIBED.includes(type)) return skip(`type ${type} is not one the recovery uses`, id);
  const data = cloudEvent.data as Record<string, unknown> | undefined;
  const payload = (typeof data === "object" && data !== null ? data.payload : undefined) as
    Record<string, unknown> | undefined;
  if (typeof payload !== "object" || payload === null) return skip("no data.payload", id);
  const taskSid = text(payload.task_sid);
  if (!taskSid) return skip("no data.payload.task_sid", id);
  if (!isSid(taskSid, "WT")) return skip("data.payload.task_sid is not a WT SID", id);
  const optionalSids: [string, string][] = [
    ["workflow_sid", "WW"],
    ["worker_sid", "WK"],
    ["reservation_sid", "WR"],
  ];
  for (const [field, prefix] of optionalSids) {
    const value = text(payload[field]);
    if (value !== null && !isSid(value, prefix)) return skip(`data.payload.${field} is not a ${prefix} SID`, id);
  }
  const attributes = parseTaskAttributes(text(payload.task_attributes));
  if (!attributes) return skip(`task_attributes of ${taskSid} is not a JSON object`, id);
  const sidProblem = attributeSidProblem(attributes);
  if (sidProblem) return skip(`task ${taskSid}: ${sidProblem}`, id);
  // CloudEvents carry `time` (ISO-8601); the payload's `timestamp` is epoch milliseconds.
  const time =
    text(cloudEvent.time) ?? (typeof payload.timestamp === "number" ? new Date(payload.timestamp).toISOString() : "");
  return {
    id,
    type,
    time,
    taskSid,
    attributes,
    workflowSid: text(payload.workflow_sid),
    workerSid: text(payload.worker_sid),
    reservationSid: text(payload.reservation_sid),
  };
}

const isSkipped = (parsed: TaskRouterEvent | SkippedEvent): parsed is SkippedEvent => "reason" in parsed;

/**
 * The usable events of a delivery, oldest first, and the elements skipped (with why). Throws
 * BadRequest only when the body is not a batch at all.
 */
export function parseEventStreamsBatch(event: unknown): { events: TaskRouterEvent[]; skipped: SkippedEvent[] } {
  const parsed = cloudEventsOf(event).map(parseTaskRouterEvent);
  const events = parsed.filter((p): p is TaskRouterEvent => !isSkipped(p));
  events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return { events, skipped: parsed.filter(isSkipped) };
}

/**
 * Pings are recognised by their workflow (the Recovery Ping workflow) or, when the payload
 * carries no workflow, by their attributes; reconnect tasks by `isReconnect`.
 */
export function meaningOf(event: TaskRouterEvent, recoveryPingWorkflowSid: string): TaskEventMeaning {
  const isPing =
    event.workflowSid !== null
      ? event.workflowSid === recoveryPingWorkflowSid
      : isRecoveryPingTask(event.attributes) &&
        typeof event.attributes[TaskAttribute.disconnectedConferenceSid] === "string";
  const isReconnect = !isPing && isReconnectTask(event.attributes);
  switch (event.type) {
    case TaskRouterEventType.reservationAccepted:
      return isPing ? "pingAccepted" : isReconnect ? "reconnectAccepted" : null;
    case TaskRouterEventType.taskCanceled:
      return isPing ? "pingCanceled" : isReconnect ? "reconnectCanceled" : null;
    case TaskRouterEventType.taskQueueEntered:
      return isReconnect ? "reconnectEnteredQueue" : null;
    default:
      return null;
  }
}
