// TaskRouter's answers: the serialisers (every record field in Twilio's case and ISO dates, plus
// what is computed) and the few handlers that do more than a standard operation (routes.ts).
import { iso } from "../http/dates";
import { listAnswer } from "../http/paging";
import { optionalList } from "../http/params";
import { noContent, ok } from "../http/reply";
import { links, wire } from "../http/wire";
import { specInput } from "../http/operations";
import type { TwinRequest, TwinResponse } from "../http/router";
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
  Worker,
  WorkerChannel,
  Workflow,
  Workspace,
} from "./backend";

const BASE = "https://taskrouter.twilio.com/v1";
const wsUrl = (ws: string): string => `${BASE}/Workspaces/${ws}`;
const tr = (req: TwinRequest): TaskRouterBackend => req.account.taskrouter;
const acct = (req: TwinRequest): string => req.account.accountSid;
const WS = (req: TwinRequest): string => req.params.WorkspaceSid;

// ---- serialisers: every record field in Twilio's case and ISO dates (`wire`), plus what is computed ----

/** Activity names are looked up at answer time: renaming an activity shows in its workspace at once. */
export function serializeWorkspace(w: Workspace, req: TwinRequest): Record<string, unknown> {
  const url = wsUrl(w.sid);
  return wire(w, iso, {
    account_sid: acct(req),
    default_activity_name: tr(req).activityName(w.sid, w.defaultActivitySid),
    timeout_activity_name: tr(req).activityName(w.sid, w.timeoutActivitySid),
    url,
    links: links(
      url,
      "Activities Statistics RealTimeStatistics CumulativeStatistics TaskChannels TaskQueues Tasks Workers Workflows Events",
    ),
  });
}

// Activities link only to their workspace; `available` decides whether workers in it get tasks.
// channel_optimized_routing is null until a client sets it, as on Twilio.
function inWorkspace(kind: string) {
  return (a: Activity | TaskChannel, req: TwinRequest): Record<string, unknown> => {
    const url = `${wsUrl(a.workspaceSid)}/${kind}/${a.sid}`;
    return wire(a, iso, { account_sid: acct(req), url, links: { workspace: wsUrl(a.workspaceSid) } });
  };
}
export const serializeActivity = inWorkspace("Activities");
export const serializeTaskChannel = inWorkspace("TaskChannels");

/** `available` is derived from the current activity, never stored, so it cannot drift. */
export function serializeWorker(w: Worker, req: TwinRequest): Record<string, unknown> {
  const url = `${wsUrl(w.workspaceSid)}/Workers/${w.sid}`;
  return wire(w, iso, {
    account_sid: acct(req),
    activity_name: tr(req).activityName(w.workspaceSid, w.activitySid),
    available: tr(req).isWorkerAvailable(w),
    url,
    links: {
      ...links(url, "Channels Reservations"),
      activity: `${wsUrl(w.workspaceSid)}/Activities/${w.activitySid}`,
      workspace: wsUrl(w.workspaceSid),
    },
  });
}

const statistics = (url: string) => links(url, "Statistics RealTimeStatistics CumulativeStatistics");

// The activity links are null when the queue has no reservation/assignment activity.
export function serializeTaskQueue(q: TaskQueue, req: TwinRequest): Record<string, unknown> {
  const url = `${wsUrl(q.workspaceSid)}/TaskQueues/${q.sid}`;
  const activity = (sid: string | null) => (sid ? `${wsUrl(q.workspaceSid)}/Activities/${sid}` : null);
  return wire(q, iso, {
    account_sid: acct(req),
    assignment_activity_name: tr(req).activityName(q.workspaceSid, q.assignmentActivitySid),
    reservation_activity_name: tr(req).activityName(q.workspaceSid, q.reservationActivitySid),
    url,
    links: {
      assignment_activity: activity(q.assignmentActivitySid),
      reservation_activity: activity(q.reservationActivitySid),
      workspace: wsUrl(q.workspaceSid),
      ...statistics(url),
    },
  });
}

/** `configuration` is the JSON text exactly as the client sent it (the infra compares it semantically). */
export function serializeWorkflow(wf: Workflow, req: TwinRequest): Record<string, unknown> {
  const url = `${wsUrl(wf.workspaceSid)}/Workflows/${wf.sid}`;
  return wire(wf, iso, {
    account_sid: acct(req),
    document_content_type: "application/json",
    url,
    links: { ...statistics(url), workspace: wsUrl(wf.workspaceSid) },
  });
}

/** `age` is seconds since creation on the twin's clock; `attributes` stays the client's JSON text. */
export function serializeTask(t: Task, req: TwinRequest): Record<string, unknown> {
  const url = `${wsUrl(t.workspaceSid)}/Tasks/${t.sid}`;
  const now = req.account.clock.now();
  return wire(
    t,
    iso,
    {
      account_sid: acct(req),
      age: Math.max(0, Math.floor((now.getTime() - t.dateCreated.getTime()) / 1000)),
      addons: "{}",
      task_queue_friendly_name: tr(req).taskQueueOf(t)?.friendlyName ?? null,
      task_channel_unique_name: tr(req).taskChannelOf(t)?.uniqueName ?? null,
      workflow_friendly_name: tr(req).workflowOf(t)?.friendlyName ?? null,
      url,
      links: {
        task_queue: t.taskQueueSid ? `${wsUrl(t.workspaceSid)}/TaskQueues/${t.taskQueueSid}` : null,
        workflow: t.workflowSid ? `${wsUrl(t.workspaceSid)}/Workflows/${t.workflowSid}` : null,
        workspace: wsUrl(t.workspaceSid),
        reservations: `${url}/Reservations`,
      },
    },
    ["revision"],
  );
}

/** Same fields on both reservation paths; only `url` differs (the task's or the worker's sub-resource). */
export function serializeReservation(r: Reservation, req: TwinRequest): Record<string, unknown> {
  const base = wsUrl(r.workspaceSid);
  const path = req.params.TaskSid ? `Tasks/${r.taskSid}` : `Workers/${r.workerSid}`;
  return wire(r, iso, {
    account_sid: acct(req),
    worker_name: tr(req).workerOf(r)?.friendlyName ?? null,
    url: `${base}/${path}/Reservations/${r.sid}`,
    links: { task: `${base}/Tasks/${r.taskSid}`, worker: `${base}/Workers/${r.workerSid}`, workspace: base },
  });
}

export function serializeWorkerChannel(wc: WorkerChannel, req: TwinRequest): Record<string, unknown> {
  const capacity = wc.capacity ?? DEFAULT_WORKER_CHANNEL_CAPACITY;
  const assigned = tr(req).assignedTasks(wc);
  const percentage = capacity > 0 ? Math.max(0, Math.floor((100 * (capacity - assigned)) / capacity)) : 0;
  const extra = {
    account_sid: acct(req),
    assigned_tasks: assigned,
    available_capacity_percentage: percentage,
    configured_capacity: capacity,
    task_channel_unique_name: tr(req).fetchTaskChannel(wc.workspaceSid, wc.taskChannelSid).uniqueName,
    url: `${wsUrl(wc.workspaceSid)}/Workers/${wc.workerSid}/Channels/${wc.sid}`,
  };
  // `capacity` is null until a client sets it; the answer shows the configured (or default) capacity.
  return wire(wc, iso, extra, ["capacity"]);
}

// ---- tasks: answers carry the version as ETag, for If-Match on the next update ----
function taskAnswer(status: number, req: TwinRequest, t: Task): TwinResponse {
  return { status, body: serializeTask(t, req), headers: { ETag: String(t.revision) } };
}

function ifMatch(req: TwinRequest): string | undefined {
  const value = req.headers["if-match"];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

/** CreateTask: the routing takes the task from the backend; the answer is the pending task, as Twilio's is. */
export function createTask(req: TwinRequest): TwinResponse {
  return taskAnswer(201, req, tr(req).createTask(WS(req), specInput(req)));
}

export function fetchTask(req: TwinRequest): TwinResponse {
  return taskAnswer(200, req, tr(req).fetchTask(WS(req), req.params.Sid));
}

/** AssignmentStatus may be repeated or comma-separated. */
export function listTask(req: TwinRequest): TwinResponse {
  const statuses = optionalList(req.query, "AssignmentStatus")?.flatMap((s) => s.split(","));
  const items = tr(req).listTask(WS(req), { ...specInput(req), assignmentStatus: statuses });
  return listAnswer(req, "tasks", items, (t) => serializeTask(t, req));
}

/** UpdateTask: only canceled/wrapping/completed may be set by a client; the rest is the routing's. */
export function updateTask(req: TwinRequest): TwinResponse {
  return taskAnswer(200, req, tr(req).updateTask(WS(req), req.params.Sid, specInput(req), ifMatch(req)));
}

export function deleteTask(req: TwinRequest): TwinResponse {
  tr(req).deleteTask(WS(req), req.params.Sid, ifMatch(req));
  return noContent();
}

// ---- reservations: the same resource under the task and under the worker; only `url` differs ----

/**
 * Instruction=conference and its options (https://www.twilio.com/docs/taskrouter/api/reservations#conference-instruction,
 * read by specInput under the names FlexConferenceOptions uses) decide what accepting does; the attached Flex
 * behaviour carries it out.
 */
function updateReservation(req: TwinRequest, r: Reservation): TwinResponse {
  type Input = FlexConferenceOptions & { reservationStatus?: ReservationStatus; workerActivitySid?: string };
  const input = specInput<Input & { instruction?: string }>(req);
  tr(req).updateReservation(r, { ...input, conference: input.instruction === "conference" ? input : undefined });
  return ok(serializeReservation(r, req));
}

export function updateTaskReservation(req: TwinRequest): TwinResponse {
  return updateReservation(req, tr(req).fetchTaskReservation(WS(req), req.params.TaskSid, req.params.Sid));
}

export function updateWorkerReservation(req: TwinRequest): TwinResponse {
  return updateReservation(req, tr(req).fetchWorkerReservation(WS(req), req.params.WorkerSid, req.params.Sid));
}
