// TaskRouter events as the engine emits them. One record feeds both deliveries: Event Streams
// (CloudEvents whose `data.payload` carries the snake_case fields below, per
// https://www.twilio.com/docs/events/event-types/taskrouter/task) and the workspace
// EventCallbackUrl (the same fields, form-encoded in PascalCase).
import type { Activity, Reservation, Task, TaskQueue, Worker, Workflow, Workspace } from "../backend";

/** Event types the engine emits (the suffix after `com.twilio.taskrouter.`). */
export const TaskRouterEventName = {
  taskCreated: "task.created",
  taskUpdated: "task.updated",
  taskCanceled: "task.canceled",
  taskWrapup: "task.wrapup",
  taskCompleted: "task.completed",
  taskDeleted: "task.deleted",
  taskQueueEntered: "task-queue.entered",
  taskQueueTimeout: "task-queue.timeout",
  taskQueueMoved: "task-queue.moved",
  workflowTargetMatched: "workflow.target-matched",
  workflowTimeout: "workflow.timeout",
  reservationCreated: "reservation.created",
  reservationAccepted: "reservation.accepted",
  reservationRejected: "reservation.rejected",
  reservationTimeout: "reservation.timeout",
  reservationCanceled: "reservation.canceled",
  reservationRescinded: "reservation.rescinded",
  reservationWrapup: "reservation.wrapup",
  reservationCompleted: "reservation.completed",
  workerActivityUpdate: "worker.activity.update",
} as const;
export type TaskRouterEventName = (typeof TaskRouterEventName)[keyof typeof TaskRouterEventName];

/** Event Streams type of a TaskRouter event (`com.twilio.taskrouter.<name>`). */
export function cloudEventType(name: TaskRouterEventName): string {
  return `com.twilio.taskrouter.${name}`;
}

export interface TaskRouterEvent {
  /** Unique per event (Event Streams' CloudEvent `id`; redeliveries keep it). */
  id: string;
  name: TaskRouterEventName;
  accountSid: string;
  workspaceSid: string;
  /** SID of the resource the event is about (task, reservation or worker). */
  resourceSid: string;
  timestamp: Date;
  /** The `data.payload` fields (snake_case). */
  payload: Record<string, unknown>;
}

/** What a payload is built from; any part may be missing (a worker event has no task). */
export interface EventSubjects {
  workspace?: Workspace;
  task?: Task;
  /** The task's channel unique name. */
  channel?: string;
  workflow?: Workflow;
  queue?: TaskQueue | null;
  queueEnteredAt?: Date | null;
  worker?: Worker;
  activity?: Activity;
  previousActivity?: Activity;
  reservation?: Reservation;
}

const DESCRIPTIONS: Partial<Record<TaskRouterEventName, string>> = {
  "task.created": "Task created",
  "task.canceled": "Task canceled",
  "task.completed": "Task completed",
  "task-queue.entered": "Task entered TaskQueue",
  "reservation.created": "Reservation created",
  "reservation.accepted": "Reservation accepted",
  "reservation.timeout": "Reservation timed out",
  "reservation.completed": "Reservation completed",
};

/** Builds the `data.payload` of an event, with the fields Twilio documents for its resource type. */
export function buildPayload(
  name: TaskRouterEventName,
  accountSid: string,
  now: Date,
  subjects: EventSubjects,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    eventtype: name,
    account_sid: accountSid,
    // ISO-8601, as in Twilio's Event Streams examples for TaskRouter.
    timestamp: now.toISOString(),
    description: DESCRIPTIONS[name] ?? name,
  };
  const { workspace, task, workflow, queue, worker, activity, reservation } = subjects;
  if (workspace) {
    payload.workspace_sid = workspace.sid;
    payload.workspace_name = workspace.friendlyName;
  }
  if (task) {
    payload.resource_type = "task";
    payload.resource_sid = task.sid;
    payload.task_sid = task.sid;
    payload.task_attributes = task.attributes;
    payload.task_priority = task.priority;
    payload.task_assignment_status = task.assignmentStatus;
    payload.task_channel_unique_name = subjects.channel ?? "default";
    payload.task_age = Math.max(0, Math.floor((now.getTime() - task.dateCreated.getTime()) / 1000));
    payload.task_date_created = task.dateCreated.toISOString();
    payload.task_timeout = task.timeout;
    payload.workflow_sid = task.workflowSid;
    if (task.assignmentStatus === "canceled" && task.reason !== null) payload.task_canceled_reason = task.reason;
    if (task.assignmentStatus === "completed") {
      payload.task_completed_reason = task.reason ?? "All reservations were completed";
    }
  }
  if (workflow) payload.workflow_name = workflow.friendlyName;
  if (queue) {
    payload.task_queue_sid = queue.sid;
    payload.task_queue_name = queue.friendlyName;
    payload.task_queue_target_expression = queue.targetWorkers;
    if (subjects.queueEnteredAt) payload.task_queue_entered_date = subjects.queueEnteredAt.toISOString();
  }
  if (worker) {
    payload.worker_sid = worker.sid;
    payload.worker_name = worker.friendlyName;
    payload.worker_attributes = worker.attributes;
    if (!task) {
      payload.resource_type = "worker";
      payload.resource_sid = worker.sid;
    }
  }
  if (activity) {
    payload.worker_activity_sid = activity.sid;
    payload.worker_activity_name = activity.friendlyName;
  }
  if (subjects.previousActivity) {
    payload.worker_previous_activity_sid = subjects.previousActivity.sid;
    payload.worker_previous_activity_name = subjects.previousActivity.friendlyName;
  }
  if (reservation) {
    payload.resource_type = "reservation";
    payload.resource_sid = reservation.sid;
    payload.reservation_sid = reservation.sid;
    payload.reservation_status = reservation.reservationStatus;
  }
  return { ...payload, ...extra };
}

/** PascalCase form fields of the workspace EventCallbackUrl (`task_queue_sid` → `TaskQueueSid`). */
export function eventCallbackParams(event: TaskRouterEvent): Record<string, string> {
  const params: Record<string, string> = {
    EventType: event.name,
    AccountSid: event.accountSid,
    WorkspaceSid: event.workspaceSid,
    ResourceSid: event.resourceSid,
    Timestamp: String(Math.floor(event.timestamp.getTime() / 1000)),
    Sid: event.id,
  };
  for (const [key, value] of Object.entries(event.payload)) {
    if (value === undefined || value === null || key === "eventtype" || key === "timestamp") continue;
    const pascal = key.replace(/(^|_)([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());
    if (pascal === "Description") params.EventDescription = String(value);
    else params[pascal] ??= typeof value === "string" ? value : JSON.stringify(value);
  }
  return params;
}
