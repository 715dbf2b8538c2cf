// What the TaskRouter engine reads and writes, as a narrow port: the twin's REST store implements
// it through an adapter, and a memory store (tests/engine/helpers) implements it for pure tests. Records carry
// only the fields routing needs; names follow Twilio's resource fields in camelCase.
import type { WorkflowConfiguration } from "./workflow";

/** Identifies a workspace inside an account (the twin keeps one store per account). */
export interface WorkspaceRef {
  accountSid: string;
  workspaceSid: string;
}

export type TaskAssignmentStatus = "pending" | "reserved" | "assigned" | "wrapping" | "completed" | "canceled";
export type ReservationStatus =
  "pending" | "accepted" | "rejected" | "timeout" | "canceled" | "rescinded" | "wrapping" | "completed";

export interface RouterWorkspace {
  sid: string;
  friendlyName: string;
  /** Activity a worker is moved to when a reservation times out. */
  timeoutActivitySid: string | null;
  /** Workspace `EventCallbackUrl` (form-encoded event callbacks), if set. */
  eventCallbackUrl: string | null;
  /** Event types sent to `eventCallbackUrl`; null = all. */
  eventsFilter: string[] | null;
}

export interface RouterActivity {
  sid: string;
  friendlyName: string;
  available: boolean;
}

export interface RouterWorker {
  sid: string;
  friendlyName: string;
  attributes: Record<string, unknown>;
  activitySid: string;
  /** Capacity per task channel unique name; channels not listed use {@link defaultChannelCapacity}. */
  channelCapacity?: Record<string, number>;
}

export interface RouterQueue {
  sid: string;
  friendlyName: string;
  targetWorkers: string;
}

export interface RouterWorkflow {
  sid: string;
  friendlyName: string;
  configuration: WorkflowConfiguration;
  /** Seconds a worker has to answer a reservation (Twilio's default 120). */
  taskReservationTimeout: number;
}

export interface RouterTask {
  sid: string;
  workflowSid: string;
  attributes: Record<string, unknown>;
  priority: number;
  /** TTL in seconds before assignment (Twilio's default 86,400). */
  timeout: number;
  taskChannelUniqueName: string;
  assignmentStatus: TaskAssignmentStatus;
  taskQueueSid: string | null;
  reason: string | null;
  dateCreated: Date;
}

export interface RouterReservation {
  sid: string;
  taskSid: string;
  workerSid: string;
  status: ReservationStatus;
  dateCreated: Date;
}

/**
 * Capacity of a channel a worker has no explicit capacity for: 1, as the WorkerChannel resource
 * reports (`configured_capacity` 1 in Twilio's OpenAPI examples; Flex handles one voice call at a
 * time). More only through the Worker Channels API.
 */
export function defaultChannelCapacity(): number {
  return 1;
}

export interface TaskRouterPort {
  workspace(ref: WorkspaceRef): RouterWorkspace | undefined;
  activities(ref: WorkspaceRef): RouterActivity[];
  workers(ref: WorkspaceRef): RouterWorker[];
  queues(ref: WorkspaceRef): RouterQueue[];
  workflow(ref: WorkspaceRef, workflowSid: string): RouterWorkflow | undefined;
  task(ref: WorkspaceRef, taskSid: string): RouterTask | undefined;
  tasks(ref: WorkspaceRef): RouterTask[];
  reservation(ref: WorkspaceRef, reservationSid: string): RouterReservation | undefined;
  reservations(ref: WorkspaceRef): RouterReservation[];

  updateTask(
    ref: WorkspaceRef,
    taskSid: string,
    patch: Partial<Pick<RouterTask, "assignmentStatus" | "taskQueueSid" | "priority" | "reason">>,
  ): void;
  createReservation(ref: WorkspaceRef, taskSid: string, workerSid: string): RouterReservation;
  updateReservation(ref: WorkspaceRef, reservationSid: string, status: ReservationStatus): void;
  setWorkerActivity(ref: WorkspaceRef, workerSid: string, activitySid: string): void;
}
