// TaskRouter: parse each request, call the backend, serialise Twilio's JSON.
import { iso } from "../http/dates";
import { InvalidParameterError } from "../http/errors";
import { pageV1 } from "../http/paging";
import { optionalBool, optionalInt, optionalList, optionalString, Params, requiredString } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { bool, str, words } from "../util";
import type { FlexConferenceOptions } from "../people/flex";
import { DEFAULT_WORKER_CHANNEL_CAPACITY } from "./backend";
import type {
  Activity,
  Reservation,
  ReservationStatus,
  Task,
  TaskChannel,
  TaskQueue,
  TaskRouterBackend,
  TaskStatus,
  Worker,
  WorkerChannel,
  Workflow,
  Workspace,
} from "./backend";

const BASE = "https://taskrouter.twilio.com/v1";
const wsUrl = (ws: string): string => `${BASE}/Workspaces/${ws}`;

/** A parameter limited to Twilio's enum values; anything else is a 400 before the backend sees it. */
function enumParam<T extends string>(params: Params, name: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(params, name);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new InvalidParameterError(`${name} must be one of ${allowed.join(", ")}, got '${value}'`);
  }
  return value as T;
}

/** ISO 8601 dates (VirtualStartTime); an unparsable one is a 400, not NaN in the store. */
function dateParam(params: Params, name: string): Date | undefined {
  const value = optionalString(params, name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidParameterError(`${name} is not a valid date`);
  return date;
}

// ---- serialisers (every property of Twilio's schema; null where Twilio sends null) ----

/** Activity names are looked up at answer time: renaming an activity shows in its workspace at once. */
function serializeWorkspace(tr: TaskRouterBackend, accountSid: string, w: Workspace): Record<string, unknown> {
  const url = wsUrl(w.sid);
  return {
    account_sid: accountSid,
    date_created: iso(w.dateCreated),
    date_updated: iso(w.dateUpdated),
    default_activity_name: tr.activityName(w.sid, w.defaultActivitySid),
    default_activity_sid: w.defaultActivitySid,
    event_callback_url: w.eventCallbackUrl,
    events_filter: w.eventsFilter,
    friendly_name: w.friendlyName,
    multi_task_enabled: w.multiTaskEnabled,
    sid: w.sid,
    timeout_activity_name: tr.activityName(w.sid, w.timeoutActivitySid),
    timeout_activity_sid: w.timeoutActivitySid,
    prioritize_queue_order: w.prioritizeQueueOrder,
    url,
    links: {
      activities: `${url}/Activities`,
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
      task_channels: `${url}/TaskChannels`,
      task_queues: `${url}/TaskQueues`,
      tasks: `${url}/Tasks`,
      workers: `${url}/Workers`,
      workflows: `${url}/Workflows`,
      events: `${url}/Events`,
    },
  };
}

// Activities link only to their workspace; `available` decides whether workers in it get tasks.
function serializeActivity(accountSid: string, a: Activity): Record<string, unknown> {
  return {
    account_sid: accountSid,
    available: a.available,
    date_created: iso(a.dateCreated),
    date_updated: iso(a.dateUpdated),
    friendly_name: a.friendlyName,
    sid: a.sid,
    workspace_sid: a.workspaceSid,
    url: `${wsUrl(a.workspaceSid)}/Activities/${a.sid}`,
    links: { workspace: wsUrl(a.workspaceSid) },
  };
}

// channel_optimized_routing is null until a client sets it, as on Twilio.
function serializeTaskChannel(accountSid: string, c: TaskChannel): Record<string, unknown> {
  return {
    account_sid: accountSid,
    date_created: iso(c.dateCreated),
    date_updated: iso(c.dateUpdated),
    friendly_name: c.friendlyName,
    sid: c.sid,
    unique_name: c.uniqueName,
    workspace_sid: c.workspaceSid,
    channel_optimized_routing: c.channelOptimizedRouting,
    url: `${wsUrl(c.workspaceSid)}/TaskChannels/${c.sid}`,
    links: { workspace: wsUrl(c.workspaceSid) },
  };
}

/** `available` is derived from the current activity, never stored, so it cannot drift. */
function serializeWorker(tr: TaskRouterBackend, accountSid: string, w: Worker): Record<string, unknown> {
  const url = `${wsUrl(w.workspaceSid)}/Workers/${w.sid}`;
  return {
    account_sid: accountSid,
    activity_name: tr.activityName(w.workspaceSid, w.activitySid),
    activity_sid: w.activitySid,
    attributes: w.attributes,
    available: tr.isWorkerAvailable(w),
    date_created: iso(w.dateCreated),
    date_status_changed: iso(w.dateStatusChanged),
    date_updated: iso(w.dateUpdated),
    friendly_name: w.friendlyName,
    sid: w.sid,
    workspace_sid: w.workspaceSid,
    url,
    links: {
      channels: `${url}/Channels`,
      reservations: `${url}/Reservations`,
      activity: `${wsUrl(w.workspaceSid)}/Activities/${w.activitySid}`,
      workspace: wsUrl(w.workspaceSid),
    },
  };
}

// The activity links are null when the queue has no reservation/assignment activity.
function serializeTaskQueue(tr: TaskRouterBackend, accountSid: string, q: TaskQueue): Record<string, unknown> {
  const url = `${wsUrl(q.workspaceSid)}/TaskQueues/${q.sid}`;
  return {
    account_sid: accountSid,
    assignment_activity_sid: q.assignmentActivitySid,
    assignment_activity_name: tr.activityName(q.workspaceSid, q.assignmentActivitySid),
    date_created: iso(q.dateCreated),
    date_updated: iso(q.dateUpdated),
    friendly_name: q.friendlyName,
    max_reserved_workers: q.maxReservedWorkers,
    reservation_activity_sid: q.reservationActivitySid,
    reservation_activity_name: tr.activityName(q.workspaceSid, q.reservationActivitySid),
    sid: q.sid,
    target_workers: q.targetWorkers,
    task_order: q.taskOrder,
    url,
    workspace_sid: q.workspaceSid,
    links: {
      assignment_activity: q.assignmentActivitySid
        ? `${wsUrl(q.workspaceSid)}/Activities/${q.assignmentActivitySid}`
        : null,
      reservation_activity: q.reservationActivitySid
        ? `${wsUrl(q.workspaceSid)}/Activities/${q.reservationActivitySid}`
        : null,
      workspace: wsUrl(q.workspaceSid),
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
    },
  };
}

/** `configuration` is the JSON text exactly as the client sent it (the infra compares it semantically). */
function serializeWorkflow(accountSid: string, wf: Workflow): Record<string, unknown> {
  const url = `${wsUrl(wf.workspaceSid)}/Workflows/${wf.sid}`;
  return {
    account_sid: accountSid,
    assignment_callback_url: wf.assignmentCallbackUrl,
    configuration: wf.configuration,
    date_created: iso(wf.dateCreated),
    date_updated: iso(wf.dateUpdated),
    document_content_type: "application/json",
    fallback_assignment_callback_url: wf.fallbackAssignmentCallbackUrl,
    friendly_name: wf.friendlyName,
    sid: wf.sid,
    task_reservation_timeout: wf.taskReservationTimeout,
    workspace_sid: wf.workspaceSid,
    url,
    links: {
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
      workspace: wsUrl(wf.workspaceSid),
    },
  };
}

/** `age` is seconds since creation on the twin's clock; `attributes` stays the client's JSON text. */
function serializeTask(tr: TaskRouterBackend, accountSid: string, now: Date, t: Task): Record<string, unknown> {
  const url = `${wsUrl(t.workspaceSid)}/Tasks/${t.sid}`;
  const queue = tr.taskQueueOf(t);
  const workflow = tr.workflowOf(t);
  return {
    account_sid: accountSid,
    age: Math.max(0, Math.floor((now.getTime() - t.dateCreated.getTime()) / 1000)),
    assignment_status: t.assignmentStatus,
    attributes: t.attributes,
    addons: "{}",
    date_created: iso(t.dateCreated),
    date_updated: iso(t.dateUpdated),
    task_queue_entered_date: iso(t.taskQueueEnteredDate),
    priority: t.priority,
    reason: t.reason,
    sid: t.sid,
    task_queue_sid: t.taskQueueSid,
    task_queue_friendly_name: queue?.friendlyName ?? null,
    task_channel_sid: t.taskChannelSid,
    task_channel_unique_name: tr.taskChannelOf(t)?.uniqueName ?? null,
    timeout: t.timeout,
    workflow_sid: t.workflowSid,
    workflow_friendly_name: workflow?.friendlyName ?? null,
    workspace_sid: t.workspaceSid,
    url,
    links: {
      task_queue: t.taskQueueSid ? `${wsUrl(t.workspaceSid)}/TaskQueues/${t.taskQueueSid}` : null,
      workflow: t.workflowSid ? `${wsUrl(t.workspaceSid)}/Workflows/${t.workflowSid}` : null,
      workspace: wsUrl(t.workspaceSid),
      reservations: `${url}/Reservations`,
    },
    virtual_start_time: iso(t.virtualStartTime),
    ignore_capacity: t.ignoreCapacity,
    routing_target: t.routingTarget,
  };
}

/** Same fields on both reservation paths; only `url` differs (task's or worker's sub-resource). */
function serializeReservation(
  tr: TaskRouterBackend,
  accountSid: string,
  r: Reservation,
  via: "task" | "worker",
): Record<string, unknown> {
  const base = wsUrl(r.workspaceSid);
  const url =
    via === "task"
      ? `${base}/Tasks/${r.taskSid}/Reservations/${r.sid}`
      : `${base}/Workers/${r.workerSid}/Reservations/${r.sid}`;
  return {
    account_sid: accountSid,
    date_created: iso(r.dateCreated),
    date_updated: iso(r.dateUpdated),
    reservation_status: r.reservationStatus,
    sid: r.sid,
    task_sid: r.taskSid,
    worker_name: tr.workerOf(r)?.friendlyName ?? null,
    worker_sid: r.workerSid,
    workspace_sid: r.workspaceSid,
    url,
    links: {
      task: `${base}/Tasks/${r.taskSid}`,
      worker: `${base}/Workers/${r.workerSid}`,
      workspace: base,
    },
  };
}

// ---- handlers ----

const tr = (req: TwinRequest): TaskRouterBackend => req.account.taskrouter;
const acct = (req: TwinRequest): string => req.account.accountSid;
const WS = (req: TwinRequest): string => req.params.WorkspaceSid;

// ---- workspaces: new ones get Offline/Available/Unavailable and Twilio's default channels (backend) ----
export function createWorkspace(req: TwinRequest): TwinResponse {
  const w = tr(req).createWorkspace({
    friendlyName: requiredString(req.form, "FriendlyName"),
    eventCallbackUrl: optionalString(req.form, "EventCallbackUrl"),
    eventsFilter: optionalString(req.form, "EventsFilter"),
    multiTaskEnabled: optionalBool(req.form, "MultiTaskEnabled"),
    prioritizeQueueOrder: enumParam(req.form, "PrioritizeQueueOrder", ["FIFO", "LIFO"] as const),
  });
  return created(serializeWorkspace(tr(req), acct(req), w));
}

export function fetchWorkspace(req: TwinRequest): TwinResponse {
  return ok(serializeWorkspace(tr(req), acct(req), tr(req).fetchWorkspace(req.params.Sid)));
}

export function listWorkspace(req: TwinRequest): TwinResponse {
  const items = tr(req).listWorkspace({ friendlyName: optionalString(req.query, "FriendlyName") });
  return ok(
    pageV1(items, {
      listUrl: `${BASE}/Workspaces`,
      key: "workspaces",
      query: req.query,
      serialize: (w) => serializeWorkspace(tr(req), acct(req), w),
    }),
  );
}

export function updateWorkspace(req: TwinRequest): TwinResponse {
  const w = tr(req).updateWorkspace(req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    eventCallbackUrl: optionalString(req.form, "EventCallbackUrl"),
    eventsFilter: optionalString(req.form, "EventsFilter"),
    defaultActivitySid: optionalString(req.form, "DefaultActivitySid"),
    timeoutActivitySid: optionalString(req.form, "TimeoutActivitySid"),
    multiTaskEnabled: optionalBool(req.form, "MultiTaskEnabled"),
    prioritizeQueueOrder: enumParam(req.form, "PrioritizeQueueOrder", ["FIFO", "LIFO"] as const),
  });
  return ok(serializeWorkspace(tr(req), acct(req), w));
}

export function deleteWorkspace(req: TwinRequest): TwinResponse {
  tr(req).deleteWorkspace(req.params.Sid);
  return noContent();
}

// ---- activities ----
export function createActivity(req: TwinRequest): TwinResponse {
  const a = tr(req).createActivity(WS(req), {
    friendlyName: requiredString(req.form, "FriendlyName"),
    available: optionalBool(req.form, "Available"),
  });
  return created(serializeActivity(acct(req), a));
}

export function fetchActivity(req: TwinRequest): TwinResponse {
  return ok(serializeActivity(acct(req), tr(req).fetchActivity(WS(req), req.params.Sid)));
}

export function listActivity(req: TwinRequest): TwinResponse {
  const items = tr(req).listActivity(WS(req), {
    friendlyName: optionalString(req.query, "FriendlyName"),
    available: optionalBool(req.query, "Available"),
  });
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/Activities`,
      key: "activities",
      query: req.query,
      serialize: (a) => serializeActivity(acct(req), a),
    }),
  );
}

export function updateActivity(req: TwinRequest): TwinResponse {
  const a = tr(req).updateActivity(WS(req), req.params.Sid, { friendlyName: optionalString(req.form, "FriendlyName") });
  return ok(serializeActivity(acct(req), a));
}

export function deleteActivity(req: TwinRequest): TwinResponse {
  tr(req).deleteActivity(WS(req), req.params.Sid);
  return noContent();
}

// ---- task channels: fetch/update/delete accept the SID or the unique name ----
export function createTaskChannel(req: TwinRequest): TwinResponse {
  const c = tr(req).createTaskChannel(WS(req), {
    friendlyName: requiredString(req.form, "FriendlyName"),
    uniqueName: requiredString(req.form, "UniqueName"),
    channelOptimizedRouting: optionalBool(req.form, "ChannelOptimizedRouting"),
  });
  return created(serializeTaskChannel(acct(req), c));
}

export function fetchTaskChannel(req: TwinRequest): TwinResponse {
  return ok(serializeTaskChannel(acct(req), tr(req).fetchTaskChannel(WS(req), req.params.Sid)));
}

export function listTaskChannel(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(tr(req).listTaskChannel(WS(req)), {
      listUrl: `${wsUrl(WS(req))}/TaskChannels`,
      key: "channels",
      query: req.query,
      serialize: (c) => serializeTaskChannel(acct(req), c),
    }),
  );
}

export function updateTaskChannel(req: TwinRequest): TwinResponse {
  const c = tr(req).updateTaskChannel(WS(req), req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    channelOptimizedRouting: optionalBool(req.form, "ChannelOptimizedRouting"),
  });
  return ok(serializeTaskChannel(acct(req), c));
}

export function deleteTaskChannel(req: TwinRequest): TwinResponse {
  tr(req).deleteTaskChannel(WS(req), req.params.Sid);
  return noContent();
}

// ---- workers: an activity change reaches the routing through the backend ----
export function createWorker(req: TwinRequest): TwinResponse {
  const w = tr(req).createWorker(WS(req), {
    friendlyName: requiredString(req.form, "FriendlyName"),
    attributes: optionalString(req.form, "Attributes"),
    activitySid: optionalString(req.form, "ActivitySid"),
  });
  return created(serializeWorker(tr(req), acct(req), w));
}

export function fetchWorker(req: TwinRequest): TwinResponse {
  return ok(serializeWorker(tr(req), acct(req), tr(req).fetchWorker(WS(req), req.params.Sid)));
}

export function listWorker(req: TwinRequest): TwinResponse {
  const items = tr(req).listWorker(WS(req), {
    activitySid: optionalString(req.query, "ActivitySid"),
    activityName: optionalString(req.query, "ActivityName"),
    available: optionalBool(req.query, "Available"),
    friendlyName: optionalString(req.query, "FriendlyName"),
  });
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/Workers`,
      key: "workers",
      query: req.query,
      serialize: (w) => serializeWorker(tr(req), acct(req), w),
    }),
  );
}

export function updateWorker(req: TwinRequest): TwinResponse {
  const w = tr(req).updateWorker(WS(req), req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    attributes: optionalString(req.form, "Attributes"),
    activitySid: optionalString(req.form, "ActivitySid"),
  });
  return ok(serializeWorker(tr(req), acct(req), w));
}

export function deleteWorker(req: TwinRequest): TwinResponse {
  tr(req).deleteWorker(WS(req), req.params.Sid);
  return noContent();
}

/** Fields create and update share; FriendlyName is required only on create. */
function taskQueueInput(params: Params) {
  return {
    targetWorkers: optionalString(params, "TargetWorkers"),
    maxReservedWorkers: optionalInt(params, "MaxReservedWorkers"),
    taskOrder: enumParam(params, "TaskOrder", ["FIFO", "LIFO"] as const),
    reservationActivitySid: optionalString(params, "ReservationActivitySid"),
    assignmentActivitySid: optionalString(params, "AssignmentActivitySid"),
  };
}

export function createTaskQueue(req: TwinRequest): TwinResponse {
  const q = tr(req).createTaskQueue(WS(req), {
    friendlyName: requiredString(req.form, "FriendlyName"),
    ...taskQueueInput(req.form),
  });
  return created(serializeTaskQueue(tr(req), acct(req), q));
}

export function fetchTaskQueue(req: TwinRequest): TwinResponse {
  return ok(serializeTaskQueue(tr(req), acct(req), tr(req).fetchTaskQueue(WS(req), req.params.Sid)));
}

export function listTaskQueue(req: TwinRequest): TwinResponse {
  const items = tr(req).listTaskQueue(WS(req), { friendlyName: optionalString(req.query, "FriendlyName") });
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/TaskQueues`,
      key: "task_queues",
      query: req.query,
      serialize: (q) => serializeTaskQueue(tr(req), acct(req), q),
    }),
  );
}

export function updateTaskQueue(req: TwinRequest): TwinResponse {
  const q = tr(req).updateTaskQueue(WS(req), req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    ...taskQueueInput(req.form),
  });
  return ok(serializeTaskQueue(tr(req), acct(req), q));
}

export function deleteTaskQueue(req: TwinRequest): TwinResponse {
  tr(req).deleteTaskQueue(WS(req), req.params.Sid);
  return noContent();
}

// ---- workflows: the backend checks the configuration names known queues ----
export function createWorkflow(req: TwinRequest): TwinResponse {
  const wf = tr(req).createWorkflow(WS(req), {
    friendlyName: requiredString(req.form, "FriendlyName"),
    configuration: requiredString(req.form, "Configuration"),
    assignmentCallbackUrl: optionalString(req.form, "AssignmentCallbackUrl"),
    fallbackAssignmentCallbackUrl: optionalString(req.form, "FallbackAssignmentCallbackUrl"),
    taskReservationTimeout: optionalInt(req.form, "TaskReservationTimeout"),
  });
  return created(serializeWorkflow(acct(req), wf));
}

export function fetchWorkflow(req: TwinRequest): TwinResponse {
  return ok(serializeWorkflow(acct(req), tr(req).fetchWorkflow(WS(req), req.params.Sid)));
}

export function listWorkflow(req: TwinRequest): TwinResponse {
  const items = tr(req).listWorkflow(WS(req), { friendlyName: optionalString(req.query, "FriendlyName") });
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/Workflows`,
      key: "workflows",
      query: req.query,
      serialize: (wf) => serializeWorkflow(acct(req), wf),
    }),
  );
}

export function updateWorkflow(req: TwinRequest): TwinResponse {
  const wf = tr(req).updateWorkflow(WS(req), req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    configuration: optionalString(req.form, "Configuration"),
    assignmentCallbackUrl: optionalString(req.form, "AssignmentCallbackUrl"),
    fallbackAssignmentCallbackUrl: optionalString(req.form, "FallbackAssignmentCallbackUrl"),
    taskReservationTimeout: optionalInt(req.form, "TaskReservationTimeout"),
  });
  return ok(serializeWorkflow(acct(req), wf));
}

export function deleteWorkflow(req: TwinRequest): TwinResponse {
  tr(req).deleteWorkflow(WS(req), req.params.Sid);
  return noContent();
}

/** Task answers carry the version as ETag, for If-Match on the next update. */
function taskAnswer(status: number, req: TwinRequest, t: Task): TwinResponse {
  return {
    status,
    body: serializeTask(tr(req), acct(req), req.account.clock.now(), t),
    headers: { ETag: String(t.revision) },
  };
}

function ifMatch(req: TwinRequest): string | undefined {
  const value = req.headers["if-match"];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

const TASK_STATUSES = ["pending", "reserved", "assigned", "canceled", "completed", "wrapping"] as const;

/** CreateTask: the routing takes the task from the backend; the answer is the pending task, as Twilio's is. */
export function createTask(req: TwinRequest): TwinResponse {
  const t = tr(req).createTask(WS(req), {
    workflowSid: optionalString(req.form, "WorkflowSid"),
    attributes: optionalString(req.form, "Attributes"),
    priority: optionalInt(req.form, "Priority"),
    timeout: optionalInt(req.form, "Timeout"),
    taskChannel: optionalString(req.form, "TaskChannel"),
    routingTarget: optionalString(req.form, "RoutingTarget"),
    ignoreCapacity: optionalBool(req.form, "IgnoreCapacity"),
    virtualStartTime: dateParam(req.form, "VirtualStartTime"),
  });
  return taskAnswer(201, req, t);
}

export function fetchTask(req: TwinRequest): TwinResponse {
  return taskAnswer(200, req, tr(req).fetchTask(WS(req), req.params.Sid));
}

export function listTask(req: TwinRequest): TwinResponse {
  // AssignmentStatus may be repeated or comma-separated.
  const statuses = optionalList(req.query, "AssignmentStatus")?.flatMap((s) => s.split(","));
  const items = tr(req).listTask(WS(req), {
    assignmentStatus: statuses,
    workflowSid: optionalString(req.query, "WorkflowSid"),
    workflowName: optionalString(req.query, "WorkflowName"),
    taskQueueSid: optionalString(req.query, "TaskQueueSid"),
    taskQueueName: optionalString(req.query, "TaskQueueName"),
    priority: optionalInt(req.query, "Priority"),
    ordering: optionalString(req.query, "Ordering"),
    evaluateTaskAttributes: optionalString(req.query, "EvaluateTaskAttributes"),
  });
  const now = req.account.clock.now();
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/Tasks`,
      key: "tasks",
      query: req.query,
      serialize: (t) => serializeTask(tr(req), acct(req), now, t),
    }),
  );
}

/** UpdateTask: only canceled/wrapping/completed may be set by a client; the rest is the routing's. */
export function updateTask(req: TwinRequest): TwinResponse {
  const t = tr(req).updateTask(
    WS(req),
    req.params.Sid,
    {
      attributes: optionalString(req.form, "Attributes"),
      priority: optionalInt(req.form, "Priority"),
      assignmentStatus: enumParam<TaskStatus>(req.form, "AssignmentStatus", TASK_STATUSES),
      reason: optionalString(req.form, "Reason"),
      taskChannel: optionalString(req.form, "TaskChannel"),
      virtualStartTime: dateParam(req.form, "VirtualStartTime"),
    },
    ifMatch(req),
  );
  return taskAnswer(200, req, t);
}

export function deleteTask(req: TwinRequest): TwinResponse {
  tr(req).deleteTask(WS(req), req.params.Sid, ifMatch(req));
  return noContent();
}

const RESERVATION_STATUSES = [
  "pending",
  "accepted",
  "rejected",
  "timeout",
  "canceled",
  "rescinded",
  "wrapping",
  "completed",
] as const;

/**
 * The conference instruction's options, from a reservation update's form (Twilio's parameter names,
 * https://www.twilio.com/docs/taskrouter/api/reservations#conference-instruction) or an agent's
 * accept on the control API (camelCase).
 */
export function conferenceOptions(body: Record<string, unknown>): FlexConferenceOptions {
  const pick = (name: string) => body[name] ?? body[name.charAt(0).toLowerCase() + name.slice(1)];
  return {
    conferenceStatusCallback: str(pick("ConferenceStatusCallback")) ?? null,
    conferenceStatusCallbackMethod: str(pick("ConferenceStatusCallbackMethod")),
    conferenceStatusCallbackEvent: words(pick("ConferenceStatusCallbackEvent")),
    endConferenceOnExit: bool(pick("EndConferenceOnExit")),
    endConferenceOnCustomerExit: bool(pick("EndConferenceOnCustomerExit")),
    from: str(pick("From")),
  };
}

/** A reservation update's form: status, the activity a rejecting worker moves to, the conference instruction. */
function reservationUpdate(form: Params) {
  return {
    reservationStatus: enumParam<ReservationStatus>(form, "ReservationStatus", RESERVATION_STATUSES),
    workerActivitySid: optionalString(form, "WorkerActivitySid"),
    conference: optionalString(form, "Instruction") === "conference" ? conferenceOptions(form) : undefined,
  };
}

// ---- reservations: the same resource under the task and under the worker; only `url` differs ----
export function listTaskReservation(req: TwinRequest): TwinResponse {
  const items = tr(req).listTaskReservation(WS(req), req.params.TaskSid, {
    reservationStatus: optionalString(req.query, "ReservationStatus"),
    workerSid: optionalString(req.query, "WorkerSid"),
  });
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/Tasks/${req.params.TaskSid}/Reservations`,
      key: "reservations",
      query: req.query,
      serialize: (r) => serializeReservation(tr(req), acct(req), r, "task"),
    }),
  );
}

export function fetchTaskReservation(req: TwinRequest): TwinResponse {
  const r = tr(req).fetchTaskReservation(WS(req), req.params.TaskSid, req.params.Sid);
  return ok(serializeReservation(tr(req), acct(req), r, "task"));
}

/** Instruction=conference and its options decide what accepting does (the attached Flex behaviour carries it out). */
export function updateTaskReservation(req: TwinRequest): TwinResponse {
  const r = tr(req).fetchTaskReservation(WS(req), req.params.TaskSid, req.params.Sid);
  tr(req).updateReservation(r, reservationUpdate(req.form));
  return ok(serializeReservation(tr(req), acct(req), r, "task"));
}

export function listWorkerReservation(req: TwinRequest): TwinResponse {
  const items = tr(req).listWorkerReservation(WS(req), req.params.WorkerSid, {
    reservationStatus: optionalString(req.query, "ReservationStatus"),
  });
  return ok(
    pageV1(items, {
      listUrl: `${wsUrl(WS(req))}/Workers/${req.params.WorkerSid}/Reservations`,
      key: "reservations",
      query: req.query,
      serialize: (r) => serializeReservation(tr(req), acct(req), r, "worker"),
    }),
  );
}

export function fetchWorkerReservation(req: TwinRequest): TwinResponse {
  const r = tr(req).fetchWorkerReservation(WS(req), req.params.WorkerSid, req.params.Sid);
  return ok(serializeReservation(tr(req), acct(req), r, "worker"));
}

export function updateWorkerReservation(req: TwinRequest): TwinResponse {
  const r = tr(req).fetchWorkerReservation(WS(req), req.params.WorkerSid, req.params.Sid);
  tr(req).updateReservation(r, reservationUpdate(req.form));
  return ok(serializeReservation(tr(req), acct(req), r, "worker"));
}

function serializeWorkerChannel(tr: TaskRouterBackend, accountSid: string, wc: WorkerChannel): Record<string, unknown> {
  const capacity = wc.capacity ?? DEFAULT_WORKER_CHANNEL_CAPACITY;
  const assigned = tr.assignedTasks(wc);
  return {
    account_sid: accountSid,
    assigned_tasks: assigned,
    available: wc.available,
    available_capacity_percentage: capacity > 0 ? Math.max(0, Math.floor((100 * (capacity - assigned)) / capacity)) : 0,
    configured_capacity: capacity,
    date_created: iso(wc.dateCreated),
    date_updated: iso(wc.dateUpdated),
    sid: wc.sid,
    task_channel_sid: wc.taskChannelSid,
    task_channel_unique_name: tr.fetchTaskChannel(wc.workspaceSid, wc.taskChannelSid).uniqueName,
    worker_sid: wc.workerSid,
    workspace_sid: wc.workspaceSid,
    url: `${wsUrl(wc.workspaceSid)}/Workers/${wc.workerSid}/Channels/${wc.sid}`,
  };
}

export function listWorkerChannel(req: TwinRequest): TwinResponse {
  const { WorkerSid } = req.params;
  return ok(
    pageV1(tr(req).listWorkerChannel(WS(req), WorkerSid), {
      listUrl: `${wsUrl(WS(req))}/Workers/${WorkerSid}/Channels`,
      key: "channels",
      query: req.query,
      serialize: (wc) => serializeWorkerChannel(tr(req), acct(req), wc),
    }),
  );
}

export function fetchWorkerChannel(req: TwinRequest): TwinResponse {
  const wc = tr(req).fetchWorkerChannel(WS(req), req.params.WorkerSid, req.params.Sid);
  return ok(serializeWorkerChannel(tr(req), acct(req), wc));
}

export function updateWorkerChannel(req: TwinRequest): TwinResponse {
  const wc = tr(req).updateWorkerChannel(WS(req), req.params.WorkerSid, req.params.Sid, {
    capacity: optionalInt(req.form, "Capacity"),
    available: optionalBool(req.form, "Available"),
  });
  return ok(serializeWorkerChannel(tr(req), acct(req), wc));
}
