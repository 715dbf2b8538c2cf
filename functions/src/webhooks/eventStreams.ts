// Parses an Event Streams delivery: a JSON array of CloudEvents. Twilio Functions spread a JSON
// array body over `event` as "0", "1", ...; other hosts (and tests) may hand over a real array,
// and a single CloudEvent object is accepted too (reference/twilio-facts.md §5).
import {
  TaskAttribute,
  TaskRouterEventType,
  isReconnectTask,
  isRecoveryPingTask,
  parseTaskAttributes,
} from "@flex-call-recovery/vocabulary";
import { BadRequest } from "../http/response";

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

/** What a TaskRouter event means to the recovery. */
export type TaskEventMeaning =
  "pingAccepted" | "pingCanceled" | "reconnectAccepted" | "reconnectCanceled" | "reconnectEnteredQueue" | null;

/** The CloudEvents of a delivery, whatever shape the runtime gave it. */
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

/** Reads one CloudEvent, or throws BadRequest naming what is wrong with element `index`. */
export function parseTaskRouterEvent(raw: unknown, index: number): TaskRouterEvent {
  const where = `CloudEvent ${index}`;
  if (typeof raw !== "object" || raw === null) throw new BadRequest(`${where} is not an object`);
  const cloudEvent = raw as Record<string, unknown>;
  const id = text(cloudEvent.id);
  const type = text(cloudEvent.type);
  if (!id) throw new BadRequest(`${where} has no id`);
  if (!type) throw new BadRequest(`${where} has no type`);
  const data = cloudEvent.data as Record<string, unknown> | undefined;
  const payload = (typeof data === "object" && data !== null ? data.payload : undefined) as
    Record<string, unknown> | undefined;
  if (typeof payload !== "object" || payload === null) throw new BadRequest(`${where} has no data.payload`);
  const taskSid = text(payload.task_sid);
  if (!taskSid) throw new BadRequest(`${where} has no data.payload.task_sid`);
  const attributes = parseTaskAttributes(text(payload.task_attributes));
  if (!attributes) throw new BadRequest(`${where}: task_attributes of ${taskSid} is not a JSON object`);
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

/** Every element parsed (all or nothing: one bad element rejects the batch), oldest first. */
export function parseEventStreamsBatch(event: unknown): TaskRouterEvent[] {
  const events = cloudEventsOf(event).map(parseTaskRouterEvent);
  return events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
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
