// TaskRouter state and rules for one account: workspaces and everything in them. No HTTP here;
// methods are named after Twilio's operations (createTask, updateTaskReservation...). Routing
// (which worker gets a task, ./routing/) is called directly after each API change when the twin
// has a behaviour engine; it writes back through the methods at the bottom (createReservation,
// setTaskStatus...), which do not call it again.
import type { BackendContext } from "../store";
import type { TwinEvents } from "../domainEvents";
import { newSid } from "../http/sids";
import type { FlexConferenceOptions } from "../people/flex";
import { parseExpression, evaluateNode, ExpressionSyntaxError, type ExpressionNode } from "./routing/expressions";
import { bySidOrName, type Dated, type Editable, insert, patch, stamped, where } from "../util";
import { found } from "../http/errors";
import {
  DuplicateNameError,
  InUseError,
  InvalidParameterError,
  InvalidTransitionError,
  InvalidWorkflowConfigurationError,
  TaskVersionMismatchError,
} from "./errors";

export type TaskStatus = "pending" | "reserved" | "assigned" | "canceled" | "completed" | "wrapping";
export type ReservationStatus =
  "pending" | "accepted" | "rejected" | "timeout" | "canceled" | "rescinded" | "wrapping" | "completed";

export interface Workspace extends Dated {
  sid: string;
  friendlyName: string;
  eventCallbackUrl: string | null;
  /** Comma-separated event types sent to eventCallbackUrl (null = all). */
  eventsFilter: string | null;
  defaultActivitySid: string;
  timeoutActivitySid: string;
  multiTaskEnabled: boolean;
  prioritizeQueueOrder: "FIFO" | "LIFO";
}

export interface Activity extends Dated {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  available: boolean;
}

export interface TaskChannel extends Dated {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  uniqueName: string;
  channelOptimizedRouting: boolean | null;
}

export interface Worker extends Dated {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  /** JSON text as the client sent it. */
  attributes: string;
  activitySid: string;
  dateStatusChanged: Date;
}

export interface TaskQueue extends Dated {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  /** TaskRouter expression selecting the queue's workers. */
  targetWorkers: string;
  maxReservedWorkers: number;
  taskOrder: "FIFO" | "LIFO";
  reservationActivitySid: string | null;
  assignmentActivitySid: string | null;
}

export interface Workflow extends Dated {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  /** The configuration JSON text, stored and returned as given (Twilio echoes the client's JSON). */
  configuration: string;
  assignmentCallbackUrl: string | null;
  fallbackAssignmentCallbackUrl: string | null;
  taskReservationTimeout: number;
}

export interface Task extends Dated {
  sid: string;
  workspaceSid: string;
  workflowSid: string | null;
  /** Queue the task currently waits in (set by the routing engine), null before routing. */
  taskQueueSid: string | null;
  taskChannelSid: string;
  /** JSON text. */
  attributes: string;
  assignmentStatus: TaskStatus;
  priority: number;
  reason: string | null;
  /** TTL in seconds before assignment. */
  timeout: number;
  taskQueueEnteredDate: Date | null;
  virtualStartTime: Date;
  routingTarget: string | null;
  /** Version for ETag / If-Match (Twilio's optimistic concurrency on tasks); bumps on every change. */
  revision: number;
  ignoreCapacity: boolean | null;
}

export interface Reservation extends Dated {
  sid: string;
  workspaceSid: string;
  taskSid: string;
  workerSid: string;
  reservationStatus: ReservationStatus;
}

/** A worker's settings for one task channel (Twilio keeps one per worker and channel). */
export interface WorkerChannel extends Dated {
  sid: string;
  workspaceSid: string;
  workerSid: string;
  taskChannelSid: string;
  /** Set through the REST update; null = never set (Twilio's default, 1, is what is shown). */
  capacity: number | null;
  available: boolean;
}

/** Twilio's default configured capacity of a worker channel. */
export const DEFAULT_WORKER_CHANNEL_CAPACITY = 1;

/** What a workspace holds; maps are keyed by SID and keep insertion (creation) order. */
interface WorkspaceState {
  workspace: Workspace;
  activities: Map<string, Activity>;
  taskChannels: Map<string, TaskChannel>;
  workers: Map<string, Worker>;
  taskQueues: Map<string, TaskQueue>;
  workflows: Map<string, Workflow>;
  tasks: Map<string, Task>;
  /** Reservations by reservation SID (WR...). */
  reservations: Map<string, Reservation>;
  /** Reservation SIDs by worker SID, in creation order: a worker's list without a scan of all. */
  reservationsByWorker: Map<string, Set<string>>;
  /** Worker channels by worker SID, then task channel SID; made on first use. */
  workerChannels: Map<string, Map<string, WorkerChannel>>;
}

/** Activities Twilio creates in every new workspace. */
const DEFAULT_ACTIVITIES: [string, boolean][] = [
  ["Offline", false],
  ["Available", true],
  ["Unavailable", false],
];
/** Task channels Twilio creates in every new workspace (unique name, friendly name). */
const DEFAULT_CHANNELS: [string, string][] = [
  ["default", "Default"],
  ["voice", "Voice"],
  ["chat", "Chat"],
  ["sms", "SMS"],
  ["video", "Video"],
  ["email", "Email"],
];

// "At any point until the Task has been assigned, the Task can be canceled"
// (https://www.twilio.com/docs/taskrouter/lifecycle-task-state); an assigned one wraps up or completes.
const TASK_TRANSITIONS: Record<TaskStatus, TaskStatus[]> = {
  pending: ["canceled", "reserved"],
  reserved: ["canceled", "pending", "assigned"],
  assigned: ["wrapping", "completed"],
  wrapping: ["completed"],
  canceled: [],
  completed: [],
};

function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidParameterError(`${what} is not valid JSON`);
  }
}

/** Twilio's numeric bounds (400 / 20001 outside them); undefined is "not given". */
function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (value < min || value > max)) {
    throw new InvalidParameterError(`${name} must be between ${min} and ${max}`);
  }
}

function checkAttributes(text: string, what = "Attributes"): void {
  const value = parseJsonText(text, what);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidParameterError(`${what} must be a JSON object`);
  }
}

/**
 * The `EvaluateTaskAttributes` filter of the task list: the same expression language as workflow
 * filters, evaluated against each task's attributes. An expression that does not parse is the
 * caller's error (400), not an empty list.
 */
function attributeMatcher(expression: string | undefined): (attributes: string) => boolean {
  if (expression === undefined) return () => true;
  let node: ExpressionNode;
  try {
    node = parseExpression(expression);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) {
      throw new InvalidParameterError(`Invalid EvaluateTaskAttributes expression: ${error.message}`);
    }
    throw error;
  }
  return (attributes) => evaluateNode(node, { document: JSON.parse(attributes) as unknown });
}

/** The parts of a stored workflow configuration the backend checks (./routing/workflow.ts reads the rest). */
interface StoredConfiguration {
  task_routing: {
    filters?: { filter_friendly_name?: string; expression?: string; targets?: { queue?: string }[] }[];
    default_filter?: { queue?: string };
  };
}

export class TaskRouterBackend {
  // Workspaces by SID (WS...), each with its own resources.
  private readonly workspaces = new Map<string, WorkspaceState>();

  constructor(private readonly ctx: BackendContext) {}

  private now(): Date {
    return this.ctx.clock.now();
  }

  /** Every resource lives in a workspace; an unknown workspace is a 20404 for all of them. */
  private ws(workspaceSid: string): WorkspaceState {
    return found(this.workspaces.get(workspaceSid), `/Workspaces/${workspaceSid}`);
  }

  private emit: TwinEvents["emit"] = (name, event) => this.ctx.events.emit(name, event);

  /** The routing, when a behaviour engine is attached. */
  private get routing() {
    return this.ctx.engine()?.assignment;
  }

  /** Names are unique per workspace; a taken one is Twilio's 400 (errors.ts). */
  private unique<T>(items: Map<string, T>, key: keyof T, name: string, kind: string, workspaceSid: string): void {
    for (const item of items.values()) {
      if (item[key] === name) throw new DuplicateNameError(kind, name, workspaceSid, this.ctx.accountSid);
    }
  }

  private ref(workspaceSid: string) {
    return { accountSid: this.ctx.accountSid, workspaceSid };
  }

  // ---- Workspaces ----

  /** Friendly names are unique per account; a new workspace gets Twilio's default activities and channels. */
  createWorkspace(input: {
    friendlyName: string;
    eventCallbackUrl?: string;
    eventsFilter?: string;
    multiTaskEnabled?: boolean;
    prioritizeQueueOrder?: "FIFO" | "LIFO";
  }): Workspace {
    for (const { workspace } of this.workspaces.values()) {
      if (workspace.friendlyName === input.friendlyName)
        throw new DuplicateNameError("Workspace", input.friendlyName, workspace.sid, this.ctx.accountSid);
    }
    const workspace: Workspace = {
      sid: newSid("WS"),
      friendlyName: input.friendlyName,
      eventCallbackUrl: input.eventCallbackUrl ?? null,
      eventsFilter: input.eventsFilter ?? null,
      defaultActivitySid: "",
      timeoutActivitySid: "",
      // Twilio turned multitasking on by default for new workspaces.
      multiTaskEnabled: input.multiTaskEnabled ?? true,
      prioritizeQueueOrder: input.prioritizeQueueOrder ?? "FIFO",
      ...stamped(this.now()),
    };
    this.workspaces.set(workspace.sid, {
      workspace,
      activities: new Map(),
      taskChannels: new Map(),
      workers: new Map(),
      taskQueues: new Map(),
      workflows: new Map(),
      tasks: new Map(),
      reservations: new Map(),
      reservationsByWorker: new Map(),
      workerChannels: new Map(),
    });
    const [offline] = DEFAULT_ACTIVITIES.map(([friendlyName, available]) =>
      this.createActivity(workspace.sid, { friendlyName, available }),
    );
    workspace.defaultActivitySid = workspace.timeoutActivitySid = offline.sid;
    for (const [uniqueName, friendlyName] of DEFAULT_CHANNELS) {
      this.createTaskChannel(workspace.sid, { uniqueName, friendlyName });
    }
    return workspace;
  }

  /** By SID only (Twilio has no unique name for workspaces). */
  fetchWorkspace(sid: string): Workspace {
    return this.ws(sid).workspace;
  }

  /** Filterable by friendly name, how the infra finds "Flex Task Assignment". */
  listWorkspace(filter: { friendlyName?: string } = {}): Workspace[] {
    return where(this.allWorkspaces(), filter);
  }

  /** Default and timeout activities must exist in the workspace. */
  updateWorkspace(sid: string, input: Editable<Workspace>): Workspace {
    const state = this.ws(sid);
    if (input.defaultActivitySid) this.fetchActivity(sid, input.defaultActivitySid);
    if (input.timeoutActivitySid) this.fetchActivity(sid, input.timeoutActivitySid);
    return patch(state.workspace, input, this.now());
  }

  /** Everything in it goes too. */
  deleteWorkspace(sid: string): void {
    this.ws(sid);
    this.workspaces.delete(sid);
  }

  // ---- Activities ----

  /** Friendly names are unique per workspace; new activities are unavailable unless said. */
  createActivity(workspaceSid: string, input: { friendlyName: string; available?: boolean }): Activity {
    const state = this.ws(workspaceSid);
    this.unique(state.activities, "friendlyName", input.friendlyName, "Activity", workspaceSid);
    return insert(state.activities, {
      sid: newSid("WA"),
      workspaceSid,
      friendlyName: input.friendlyName,
      available: input.available ?? false,
      ...stamped(this.now()),
    });
  }

  fetchActivity(workspaceSid: string, sid: string): Activity {
    return found(this.ws(workspaceSid).activities.get(sid), `/Workspaces/${workspaceSid}/Activities/${sid}`);
  }

  /** Filterable by name and availability. */
  listActivity(workspaceSid: string, filter: { friendlyName?: string; available?: boolean } = {}): Activity[] {
    return where(this.ws(workspaceSid).activities.values(), filter);
  }

  /** Only the friendly name can change (availability is fixed on Twilio). */
  updateActivity(workspaceSid: string, sid: string, input: { friendlyName?: string }): Activity {
    const activity = this.fetchActivity(workspaceSid, sid);
    return patch(activity, input, this.now());
  }

  /** Twilio refuses to delete an activity that is a default, a timeout activity, or has workers in it. */
  deleteActivity(workspaceSid: string, sid: string): void {
    const state = this.ws(workspaceSid);
    this.fetchActivity(workspaceSid, sid);
    if (state.workspace.defaultActivitySid === sid || state.workspace.timeoutActivitySid === sid) {
      throw new InUseError("Cannot delete the workspace's default or timeout activity");
    }
    if ([...state.workers.values()].some((w) => w.activitySid === sid)) {
      throw new InUseError("Cannot delete an activity that workers are in");
    }
    state.activities.delete(sid);
  }

  // ---- Task channels ----

  /** Unique names are unique per workspace. */
  createTaskChannel(
    workspaceSid: string,
    input: { friendlyName: string; uniqueName: string; channelOptimizedRouting?: boolean },
  ): TaskChannel {
    const state = this.ws(workspaceSid);
    this.unique(state.taskChannels, "uniqueName", input.uniqueName, "TaskChannel", workspaceSid);
    return insert(state.taskChannels, {
      sid: newSid("TC"),
      workspaceSid,
      friendlyName: input.friendlyName,
      uniqueName: input.uniqueName,
      channelOptimizedRouting: input.channelOptimizedRouting ?? null,
      ...stamped(this.now()),
    });
  }

  /** By SID or unique name, as Twilio accepts both. */
  fetchTaskChannel(workspaceSid: string, sidOrName: string): TaskChannel {
    const channel = bySidOrName(this.ws(workspaceSid).taskChannels, sidOrName, (c) => c.uniqueName);
    return found(channel, `/Workspaces/${workspaceSid}/TaskChannels/${sidOrName}`);
  }

  /** Twilio's defaults first, in creation order. */
  listTaskChannel(workspaceSid: string): TaskChannel[] {
    return [...this.ws(workspaceSid).taskChannels.values()];
  }

  /** The unique name cannot change. */
  updateTaskChannel(
    workspaceSid: string,
    sid: string,
    input: { friendlyName?: string; channelOptimizedRouting?: boolean },
  ): TaskChannel {
    const channel = this.fetchTaskChannel(workspaceSid, sid);
    return patch(channel, input, this.now());
  }

  /** Refused while live tasks use the channel. */
  deleteTaskChannel(workspaceSid: string, sid: string): void {
    const state = this.ws(workspaceSid);
    const channel = this.fetchTaskChannel(workspaceSid, sid);
    const live = [...state.tasks.values()].some(
      (t) => t.taskChannelSid === channel.sid && !["canceled", "completed"].includes(t.assignmentStatus),
    );
    if (live) throw new InUseError("Cannot delete a task channel with active tasks");
    state.taskChannels.delete(channel.sid);
  }

  // ---- Workers ----

  /** A new worker starts in the workspace's default activity (Offline) unless ActivitySid says otherwise. */
  createWorker(
    workspaceSid: string,
    input: { friendlyName: string; attributes?: string; activitySid?: string },
  ): Worker {
    const state = this.ws(workspaceSid);
    this.unique(state.workers, "friendlyName", input.friendlyName, "Worker", workspaceSid);
    const attributes = input.attributes ?? "{}";
    checkAttributes(attributes);
    const activitySid = input.activitySid ?? state.workspace.defaultActivitySid;
    this.fetchActivity(workspaceSid, activitySid);
    const now = this.now();
    const worker = insert(state.workers, {
      sid: newSid("WK"),
      workspaceSid,
      friendlyName: input.friendlyName,
      attributes,
      activitySid,
      dateStatusChanged: now,
      ...stamped(now),
    });
    this.routing?.workerUpdated(this.ref(workspaceSid));
    return worker;
  }

  /** By SID only. */
  fetchWorker(workspaceSid: string, sid: string): Worker {
    return found(this.ws(workspaceSid).workers.get(sid), `/Workspaces/${workspaceSid}/Workers/${sid}`);
  }

  /** Filters as Twilio's: activity (SID or name), availability, friendly name. */
  listWorker(
    workspaceSid: string,
    filter: { activitySid?: string; activityName?: string; available?: boolean; friendlyName?: string } = {},
  ): Worker[] {
    const state = this.ws(workspaceSid);
    return where(state.workers.values(), filter, ["activitySid", "friendlyName"]).filter((w) => {
      const activity = state.activities.get(w.activitySid);
      return (
        (filter.activityName === undefined || activity?.friendlyName === filter.activityName) &&
        (filter.available === undefined || (activity?.available ?? false) === filter.available)
      );
    });
  }

  /** `dateStatusChanged` moves only when the activity really changes. */
  updateWorker(
    workspaceSid: string,
    sid: string,
    input: { friendlyName?: string; attributes?: string; activitySid?: string },
  ): Worker {
    const worker = this.fetchWorker(workspaceSid, sid);
    if (input.attributes !== undefined) checkAttributes(input.attributes);
    if (input.activitySid !== undefined) this.fetchActivity(workspaceSid, input.activitySid);
    const previousActivitySid = worker.activitySid;
    const now = this.now();
    patch(worker, input, now);
    if (worker.activitySid !== previousActivitySid) worker.dateStatusChanged = now;
    if (worker.activitySid !== previousActivitySid)
      this.routing?.workerActivityChanged(this.ref(workspaceSid), sid, previousActivitySid);
    else this.routing?.workerUpdated(this.ref(workspaceSid));
    return worker;
  }

  /** Its channel settings go with it. */
  deleteWorker(workspaceSid: string, sid: string): void {
    const state = this.ws(workspaceSid);
    this.fetchWorker(workspaceSid, sid);
    state.workers.delete(sid);
    state.workerChannels.delete(sid);
  }

  /** Whether the worker's current activity is an available one. */
  isWorkerAvailable(worker: Worker): boolean {
    return this.ws(worker.workspaceSid).activities.get(worker.activitySid)?.available ?? false;
  }

  /** Null for a missing or unset activity (serialisers show null). */
  activityName(workspaceSid: string, activitySid: string | null): string | null {
    if (!activitySid) return null;
    return this.workspaces.get(workspaceSid)?.activities.get(activitySid)?.friendlyName ?? null;
  }

  // ---- Worker channels ----

  /** The worker's channel records, one per task channel of the workspace (made on first use). */
  listWorkerChannel(workspaceSid: string, workerSid: string): WorkerChannel[] {
    const state = this.ws(workspaceSid);
    this.fetchWorker(workspaceSid, workerSid);
    let byChannel = state.workerChannels.get(workerSid);
    if (!byChannel) state.workerChannels.set(workerSid, (byChannel = new Map()));
    for (const channel of state.taskChannels.values()) {
      if (!byChannel.has(channel.sid)) {
        byChannel.set(channel.sid, {
          sid: newSid("WC"),
          workspaceSid,
          workerSid,
          taskChannelSid: channel.sid,
          capacity: null,
          available: true,
          dateCreated: channel.dateCreated,
          dateUpdated: channel.dateCreated,
        });
      }
    }
    return [...byChannel.values()].filter((wc) => state.taskChannels.has(wc.taskChannelSid));
  }

  /** By WC SID, or by the task channel's SID or unique name (Twilio accepts both). */
  fetchWorkerChannel(workspaceSid: string, workerSid: string, sid: string): WorkerChannel {
    const channels = this.listWorkerChannel(workspaceSid, workerSid);
    const taskChannel = bySidOrName(this.ws(workspaceSid).taskChannels, sid, (c) => c.uniqueName);
    const channel = channels.find((wc) => wc.sid === sid || wc.taskChannelSid === taskChannel?.sid);
    return found(channel, `/Workspaces/${workspaceSid}/Workers/${workerSid}/Channels/${sid}`);
  }

  /** Capacity 0..50; an unavailable channel takes no new tasks. */
  updateWorkerChannel(
    workspaceSid: string,
    workerSid: string,
    sid: string,
    input: { capacity?: number; available?: boolean },
  ): WorkerChannel {
    const channel = this.fetchWorkerChannel(workspaceSid, workerSid, sid);
    checkRange("Capacity", input.capacity, 0, 50);
    patch(channel, input, this.now());
    this.routing?.workerUpdated(this.ref(workspaceSid));
    return channel;
  }

  /** Tasks of the channel the worker holds (accepted or wrapping reservations), for `assigned_tasks`. */
  assignedTasks(channel: WorkerChannel): number {
    const state = this.ws(channel.workspaceSid);
    return [...state.reservations.values()].filter(
      (r) =>
        r.workerSid === channel.workerSid &&
        (r.reservationStatus === "accepted" || r.reservationStatus === "wrapping") &&
        state.tasks.get(r.taskSid)?.taskChannelSid === channel.taskChannelSid,
    ).length;
  }

  /** The capacity set over REST for a worker and channel (unique name), or undefined when never set. */
  configuredCapacity(workspaceSid: string, workerSid: string, channelUniqueName: string): number | undefined {
    const channel = [...this.ws(workspaceSid).taskChannels.values()].find((c) => c.uniqueName === channelUniqueName);
    const record = channel ? this.ws(workspaceSid).workerChannels.get(workerSid)?.get(channel.sid) : undefined;
    if (!record) return undefined;
    return record.available ? (record.capacity ?? undefined) : 0;
  }

  // ---- Task queues ----

  /** Reservation/assignment activities must exist; MaxReservedWorkers is 1..50 as on Twilio. */
  createTaskQueue(
    workspaceSid: string,
    input: {
      friendlyName: string;
      targetWorkers?: string;
      maxReservedWorkers?: number;
      taskOrder?: "FIFO" | "LIFO";
      reservationActivitySid?: string;
      assignmentActivitySid?: string;
    },
  ): TaskQueue {
    const state = this.ws(workspaceSid);
    this.unique(state.taskQueues, "friendlyName", input.friendlyName, "Queue", workspaceSid);
    if (input.reservationActivitySid) this.fetchActivity(workspaceSid, input.reservationActivitySid);
    if (input.assignmentActivitySid) this.fetchActivity(workspaceSid, input.assignmentActivitySid);
    checkRange("MaxReservedWorkers", input.maxReservedWorkers, 1, 50);
    const now = this.now();
    const queue = insert(state.taskQueues, {
      sid: newSid("WQ"),
      workspaceSid,
      friendlyName: input.friendlyName,
      // Twilio's default target expression matches every worker.
      targetWorkers: input.targetWorkers ?? "1==1",
      maxReservedWorkers: input.maxReservedWorkers ?? 1,
      taskOrder: input.taskOrder ?? "FIFO",
      reservationActivitySid: input.reservationActivitySid ?? null,
      assignmentActivitySid: input.assignmentActivitySid ?? null,
      ...stamped(now),
    });
    this.routing?.workerUpdated(this.ref(workspaceSid));
    return queue;
  }

  /** By SID only. */
  fetchTaskQueue(workspaceSid: string, sid: string): TaskQueue {
    return found(this.ws(workspaceSid).taskQueues.get(sid), `/Workspaces/${workspaceSid}/TaskQueues/${sid}`);
  }

  /** Filterable by friendly name, how the infra finds "Recovery Ping". */
  listTaskQueue(workspaceSid: string, filter: { friendlyName?: string } = {}): TaskQueue[] {
    return where(this.ws(workspaceSid).taskQueues.values(), filter);
  }

  /** Target workers may change at any time; the routing looks again at once. */
  updateTaskQueue(workspaceSid: string, sid: string, input: Editable<TaskQueue, "workspaceSid">): TaskQueue {
    const queue = this.fetchTaskQueue(workspaceSid, sid);
    checkRange("MaxReservedWorkers", input.maxReservedWorkers, 1, 50);
    patch(queue, input, this.now());
    this.routing?.workerUpdated(this.ref(workspaceSid));
    return queue;
  }

  /** A queue a workflow still routes to cannot be deleted (Twilio answers 400 too). */
  deleteTaskQueue(workspaceSid: string, sid: string): void {
    const state = this.ws(workspaceSid);
    this.fetchTaskQueue(workspaceSid, sid);
    for (const wf of state.workflows.values()) {
      if (workflowQueueSids(wf.configuration).includes(sid)) {
        throw new InUseError(`Cannot delete TaskQueue ${sid}: workflow ${wf.sid} routes to it`);
      }
    }
    state.taskQueues.delete(sid);
  }

  // ---- Workflows ----

  /** Parses the configuration and checks every queue it names exists; deeper checks are the engine's (workflow.ts). */
  private checkConfiguration(state: WorkspaceState, configuration: string): void {
    const parsed = parseJsonText(configuration, "Configuration") as Partial<StoredConfiguration> | null;
    if (!parsed || typeof parsed !== "object" || !parsed.task_routing || typeof parsed.task_routing !== "object") {
      throw new InvalidWorkflowConfigurationError("task_routing is required");
    }
    for (const queueSid of workflowQueueSids(configuration)) {
      if (!state.taskQueues.has(queueSid)) throw new InvalidWorkflowConfigurationError(`unknown queue ${queueSid}`);
    }
  }

  /** Names are unique per workspace; the reservation timeout defaults to 120 s as on Twilio. */
  createWorkflow(
    workspaceSid: string,
    input: {
      friendlyName: string;
      configuration: string;
      assignmentCallbackUrl?: string;
      fallbackAssignmentCallbackUrl?: string;
      taskReservationTimeout?: number;
    },
  ): Workflow {
    const state = this.ws(workspaceSid);
    this.unique(state.workflows, "friendlyName", input.friendlyName, "Workflow", workspaceSid);
    this.checkConfiguration(state, input.configuration);
    checkRange("TaskReservationTimeout", input.taskReservationTimeout, 1, 86400);
    return insert(state.workflows, {
      sid: newSid("WW"),
      workspaceSid,
      friendlyName: input.friendlyName,
      configuration: input.configuration,
      assignmentCallbackUrl: input.assignmentCallbackUrl ?? null,
      fallbackAssignmentCallbackUrl: input.fallbackAssignmentCallbackUrl ?? null,
      taskReservationTimeout: input.taskReservationTimeout ?? 120,
      ...stamped(this.now()),
    });
  }

  /** By SID only. */
  fetchWorkflow(workspaceSid: string, sid: string): Workflow {
    return found(this.ws(workspaceSid).workflows.get(sid), `/Workspaces/${workspaceSid}/Workflows/${sid}`);
  }

  /** Filterable by friendly name. */
  listWorkflow(workspaceSid: string, filter: { friendlyName?: string } = {}): Workflow[] {
    return where(this.ws(workspaceSid).workflows.values(), filter);
  }

  /** A new configuration is checked like a new workflow's; the routing looks again at once. */
  updateWorkflow(workspaceSid: string, sid: string, input: Editable<Workflow, "workspaceSid">): Workflow {
    const state = this.ws(workspaceSid);
    const workflow = this.fetchWorkflow(workspaceSid, sid);
    if (input.configuration !== undefined) this.checkConfiguration(state, input.configuration);
    checkRange("TaskReservationTimeout", input.taskReservationTimeout, 1, 86400);
    patch(workflow, input, this.now());
    // Waiting tasks keep their step (as on Twilio); a new configuration applies to new tasks.
    this.routing?.workerUpdated(this.ref(workspaceSid));
    return workflow;
  }

  /** Refused while it has live tasks. */
  deleteWorkflow(workspaceSid: string, sid: string): void {
    const state = this.ws(workspaceSid);
    this.fetchWorkflow(workspaceSid, sid);
    const live = [...state.tasks.values()].some(
      (t) => t.workflowSid === sid && !["canceled", "completed"].includes(t.assignmentStatus),
    );
    if (live) throw new InUseError(`Cannot delete Workflow ${sid}: it has active tasks`);
    state.workflows.delete(sid);
  }

  // ---- Tasks ----

  /** The task is pending and unqueued; the routing takes it from here (`routing.taskCreated`). */
  createTask(
    workspaceSid: string,
    input: {
      workflowSid?: string;
      attributes?: string;
      priority?: number;
      timeout?: number;
      taskChannel?: string;
      routingTarget?: string;
      ignoreCapacity?: boolean;
      virtualStartTime?: Date;
    },
  ): Task {
    const state = this.ws(workspaceSid);
    const attributes = input.attributes ?? "{}";
    checkAttributes(attributes);
    let workflowSid = input.workflowSid ?? null;
    if (workflowSid) this.fetchWorkflow(workspaceSid, workflowSid);
    // With a single workflow the WorkflowSid may be omitted.
    else if (state.workflows.size === 1) workflowSid = [...state.workflows.keys()][0];
    else if (!input.routingTarget)
      throw new InvalidParameterError("Missing required parameter WorkflowSid in the post body");
    checkRange("Timeout", input.timeout, 1, 1209600);
    checkRange("Priority", input.priority, 0, 2147483647);
    const channel = this.fetchTaskChannel(workspaceSid, input.taskChannel ?? "default");
    const now = this.now();
    const task = insert(state.tasks, {
      sid: newSid("WT"),
      workspaceSid,
      workflowSid,
      taskQueueSid: null,
      taskChannelSid: channel.sid,
      attributes,
      assignmentStatus: "pending",
      priority: input.priority ?? 0,
      reason: null,
      timeout: input.timeout ?? 86400,
      taskQueueEnteredDate: null,
      virtualStartTime: input.virtualStartTime ?? now,
      routingTarget: input.routingTarget ?? null,
      ignoreCapacity: input.ignoreCapacity ?? null,
      revision: 0,
      ...stamped(now),
    });
    this.emit("taskCreated", { accountSid: this.ctx.accountSid, task });
    this.routing?.taskCreated(this.ref(workspaceSid), task.sid);
    return task;
  }

  /** By SID only. */
  fetchTask(workspaceSid: string, sid: string): Task {
    return found(this.ws(workspaceSid).tasks.get(sid), `/Workspaces/${workspaceSid}/Tasks/${sid}`);
  }

  /** Filters as Twilio's list does; AssignmentStatus may name several statuses. */
  listTask(
    workspaceSid: string,
    filter: {
      assignmentStatus?: string[];
      workflowSid?: string;
      workflowName?: string;
      taskQueueSid?: string;
      taskQueueName?: string;
      priority?: number;
      ordering?: string;
      /** A TaskRouter expression over the task's attributes (`EvaluateTaskAttributes`). */
      evaluateTaskAttributes?: string;
    } = {},
  ): Task[] {
    const state = this.ws(workspaceSid);
    const matchesAttributes = attributeMatcher(filter.evaluateTaskAttributes);
    const tasks = where(state.tasks.values(), filter, ["workflowSid", "taskQueueSid", "priority"]).filter(
      (t) =>
        (filter.assignmentStatus === undefined || filter.assignmentStatus.includes(t.assignmentStatus)) &&
        (filter.workflowName === undefined || this.workflowOf(t)?.friendlyName === filter.workflowName) &&
        (filter.taskQueueName === undefined || this.taskQueueOf(t)?.friendlyName === filter.taskQueueName) &&
        matchesAttributes(t.attributes),
    );
    return sortTasks(tasks, filter.ordering);
  }

  /** The REST update: attributes, priority, channel, and the client-driven status changes. */
  updateTask(
    workspaceSid: string,
    sid: string,
    input: {
      attributes?: string;
      priority?: number;
      assignmentStatus?: TaskStatus;
      reason?: string;
      taskChannel?: string;
      virtualStartTime?: Date;
    },
    ifMatch?: string,
  ): Task {
    const task = this.fetchTask(workspaceSid, sid);
    checkTaskVersion(task, ifMatch);
    if (input.attributes !== undefined) checkAttributes(input.attributes);
    const status = input.assignmentStatus;
    if (status !== undefined && status !== task.assignmentStatus) {
      if (!["canceled", "wrapping", "completed"].includes(status)) {
        throw new InvalidParameterError(`AssignmentStatus ${status} cannot be set through the API`);
      }
      if (!TASK_TRANSITIONS[task.assignmentStatus].includes(status)) {
        throw new InvalidTransitionError(`Task ${sid}`, task.assignmentStatus, status);
      }
    }
    const channelSid =
      input.taskChannel !== undefined ? this.fetchTaskChannel(workspaceSid, input.taskChannel).sid : undefined;
    const previousStatus = task.assignmentStatus;
    patch(task, { ...input, taskChannelSid: channelSid, revision: task.revision + 1 }, this.now());
    this.routing?.taskUpdated(this.ref(workspaceSid), sid, previousStatus, {
      attributes: input.attributes !== undefined,
      priority: input.priority !== undefined,
    });
    return task;
  }

  /** Deleting a task drops its reservations with it. */
  deleteTask(workspaceSid: string, sid: string, ifMatch?: string): void {
    const state = this.ws(workspaceSid);
    const task = this.fetchTask(workspaceSid, sid);
    checkTaskVersion(task, ifMatch);
    state.tasks.delete(sid);
    for (const [rid, r] of state.reservations) {
      if (r.taskSid !== sid) continue;
      state.reservations.delete(rid);
      state.reservationsByWorker.get(r.workerSid)?.delete(rid);
    }
    this.routing?.taskDeleted(this.ref(workspaceSid), sid);
  }

  // ---- Reservations ----

  /** Filterable by status and worker, as Twilio's. */
  listTaskReservation(
    workspaceSid: string,
    taskSid: string,
    filter: { reservationStatus?: string; workerSid?: string } = {},
  ): Reservation[] {
    this.fetchTask(workspaceSid, taskSid);
    return where(this.ws(workspaceSid).reservations.values(), { ...filter, taskSid });
  }

  /** A reservation of another task is not found under this one. */
  fetchTaskReservation(workspaceSid: string, taskSid: string, sid: string): Reservation {
    const r = this.ws(workspaceSid).reservations.get(sid);
    const path = `/Workspaces/${workspaceSid}/Tasks/${taskSid}/Reservations/${sid}`;
    return found(r?.taskSid === taskSid ? r : undefined, path);
  }

  /** The worker's view of the same reservations. */
  listWorkerReservation(
    workspaceSid: string,
    workerSid: string,
    filter: { reservationStatus?: string } = {},
  ): Reservation[] {
    this.fetchWorker(workspaceSid, workerSid);
    return where(this.reservationsOfWorker(workspaceSid, workerSid), filter);
  }

  /** A reservation of another worker is not found under this one. */
  fetchWorkerReservation(workspaceSid: string, workerSid: string, sid: string): Reservation {
    const r = this.ws(workspaceSid).reservations.get(sid);
    const path = `/Workspaces/${workspaceSid}/Workers/${workerSid}/Reservations/${sid}`;
    return found(r?.workerSid === workerSid ? r : undefined, path);
  }

  /**
   * The REST update of a reservation (task or worker path): the new status, the activity a rejecting
   * worker moves to, and the conference instruction (`Instruction=conference`, as the Flex UI sends
   * it), which the attached engine carries out.
   */
  updateReservation(
    reservation: Reservation,
    input: { reservationStatus?: ReservationStatus; workerActivitySid?: string; conference?: FlexConferenceOptions },
  ): Reservation {
    const previousStatus = reservation.reservationStatus;
    const next = input.reservationStatus;
    if (next !== undefined && next !== previousStatus) {
      const allowed: Record<ReservationStatus, ReservationStatus[]> = {
        pending: ["accepted", "rejected", "timeout", "canceled", "rescinded"],
        accepted: ["wrapping", "completed", "canceled"],
        wrapping: ["completed"],
        rejected: [],
        timeout: [],
        canceled: [],
        rescinded: [],
        completed: [],
      };
      if (!allowed[previousStatus].includes(next)) {
        throw new InvalidTransitionError(`Reservation ${reservation.sid}`, previousStatus, next);
      }
    }
    const engine = this.ctx.engine();
    if (input.conference) engine?.flex.checkConferenceInstruction(this.ctx.accountSid, reservation, next);
    if (next !== undefined) reservation.reservationStatus = next;
    reservation.dateUpdated = this.now();
    this.emit("reservationUpdated", { accountSid: this.ctx.accountSid, reservation, previousStatus });
    const ref = this.ref(reservation.workspaceSid);
    engine?.assignment.reservationUpdated(ref, reservation.sid, previousStatus, input);
    if (input.conference) engine?.flex.acceptVoiceReservation(ref, reservation.sid, input.conference);
    return reservation;
  }

  // ---- Engine-facing methods (no REST route; the routing engine calls these) ----

  /** Every workspace's state, for the engine's scans. */
  allWorkspaces(): Workspace[] {
    return [...this.workspaces.values()].map((s) => s.workspace);
  }

  /** Creates a pending reservation of `taskSid` for `workerSid` (the engine decided the match). */
  createReservation(workspaceSid: string, taskSid: string, workerSid: string): Reservation {
    const state = this.ws(workspaceSid);
    this.fetchTask(workspaceSid, taskSid);
    this.fetchWorker(workspaceSid, workerSid);
    const now = this.now();
    const reservation = insert(state.reservations, {
      sid: newSid("WR"),
      workspaceSid,
      taskSid,
      workerSid,
      reservationStatus: "pending",
      ...stamped(now),
    });
    const ofWorker = state.reservationsByWorker.get(workerSid);
    if (ofWorker) ofWorker.add(reservation.sid);
    else state.reservationsByWorker.set(workerSid, new Set([reservation.sid]));
    this.emit("reservationCreated", { accountSid: this.ctx.accountSid, reservation });
    return reservation;
  }

  /** Sets a reservation's status without the REST transition rules (timeouts, rescinds). */
  setReservationStatus(reservation: Reservation, status: ReservationStatus): Reservation {
    const previousStatus = reservation.reservationStatus;
    reservation.reservationStatus = status;
    reservation.dateUpdated = this.now();
    this.emit("reservationUpdated", { accountSid: this.ctx.accountSid, reservation, previousStatus });
    return reservation;
  }

  /** Sets a task's status (and optionally queue/reason) without the REST transition rules. */
  setTaskStatus(
    task: Task,
    status: TaskStatus,
    extra: { reason?: string; taskQueueSid?: string | null; priority?: number } = {},
  ): Task {
    const now = this.now();
    task.assignmentStatus = status;
    if (extra.reason !== undefined) task.reason = extra.reason;
    if (extra.priority !== undefined) task.priority = extra.priority;
    if (extra.taskQueueSid !== undefined) {
      task.taskQueueSid = extra.taskQueueSid;
      task.taskQueueEnteredDate = extra.taskQueueSid ? now : null;
    }
    task.dateUpdated = now;
    task.revision++;
    return task;
  }

  /** Looks a reservation up by SID alone. */
  findReservation(workspaceSid: string, sid: string): Reservation | undefined {
    return this.workspaces.get(workspaceSid)?.reservations.get(sid);
  }

  /** A worker's reservations (whether or not the worker still exists), in creation order. */
  reservationsOfWorker(workspaceSid: string, workerSid: string): Reservation[] {
    const state = this.ws(workspaceSid);
    const found: Reservation[] = [];
    for (const sid of state.reservationsByWorker.get(workerSid) ?? []) {
      const r = state.reservations.get(sid);
      if (r) found.push(r);
    }
    return found;
  }

  /** All reservations of a workspace, for the engine. */
  reservationsOf(workspaceSid: string): Reservation[] {
    return [...this.ws(workspaceSid).reservations.values()];
  }

  /** Lookups for serialisers and the engine; undefined when gone. */
  taskChannelOf(task: Task): TaskChannel | undefined {
    return this.workspaces.get(task.workspaceSid)?.taskChannels.get(task.taskChannelSid);
  }

  workflowOf(task: Task): Workflow | undefined {
    return task.workflowSid ? this.workspaces.get(task.workspaceSid)?.workflows.get(task.workflowSid) : undefined;
  }

  taskQueueOf(task: Task): TaskQueue | undefined {
    return task.taskQueueSid ? this.workspaces.get(task.workspaceSid)?.taskQueues.get(task.taskQueueSid) : undefined;
  }

  workerOf(reservation: Reservation): Worker | undefined {
    return this.workspaces.get(reservation.workspaceSid)?.workers.get(reservation.workerSid);
  }
}

/** With If-Match, the task must still be at that version (412 otherwise, as Twilio documents). */
function checkTaskVersion(task: Task, ifMatch: string | undefined): void {
  if (ifMatch !== undefined && ifMatch !== String(task.revision)) {
    throw new TaskVersionMismatchError(task.sid, ifMatch, String(task.revision));
  }
}

/** Queue SIDs a workflow configuration routes to (filters' targets and the default filter). */
export function workflowQueueSids(configuration: string): string[] {
  try {
    const config = JSON.parse(configuration) as StoredConfiguration;
    const sids = new Set<string>();
    for (const filter of config.task_routing?.filters ?? []) {
      for (const target of filter.targets ?? []) if (target.queue) sids.add(target.queue);
    }
    if (config.task_routing?.default_filter?.queue) sids.add(config.task_routing.default_filter.queue);
    return [...sids];
  } catch {
    return [];
  }
}

/** Twilio's `Ordering` (e.g. `Priority:desc,DateCreated:asc`); default ascending date created. */
function sortTasks(tasks: Task[], ordering: string | undefined): Task[] {
  const keys = (ordering ?? "DateCreated:asc").split(",").map((part) => {
    const [attr, order] = part.split(":");
    return { attr, desc: order?.toLowerCase() === "desc" };
  });
  const value = (t: Task, attr: string): number =>
    attr === "Priority"
      ? t.priority
      : attr === "VirtualStartTime"
        ? t.virtualStartTime.getTime()
        : t.dateCreated.getTime();
  return [...tasks].sort((a, b) => {
    for (const { attr, desc } of keys) {
      const diff = value(a, attr) - value(b, attr);
      if (diff !== 0) return desc ? -diff : diff;
    }
    return 0;
  });
}
