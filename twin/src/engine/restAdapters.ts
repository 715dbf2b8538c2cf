// Adapters from the engine's ports to the twin's REST store (one AccountStore per account, looked
// up on every call so a reset twin's new stores are used). Every write the engine makes runs inside
// `guard.apply`, so the domain events the backends emit for those writes are not mistaken for API
// calls by the listeners in integration.ts.
import { VOICE_CHANNEL } from "../flexFacts";
import type { AccountStore } from "../store";
import type { Task, TaskRouterBackend } from "../taskrouter/backend";
import type { Twin } from "../twin";
import type { VoiceBackend } from "../voice/backend";
import type { AgentsBridge } from "./agents";
import type { FlexTaskRouterBridge } from "./flex";
import type {
  ReservationStatus,
  RouterActivity,
  RouterQueue,
  RouterReservation,
  RouterTask,
  RouterWorker,
  RouterWorkflow,
  RouterWorkspace,
  TaskRouterPort,
  WorkspaceRef,
} from "./taskRouterPort";
import type {
  CallStatus,
  ConferenceStatus,
  ParticipantPatch,
  VoiceCall,
  VoiceConference,
  VoiceParticipant,
  VoicePort,
  VoiceTaskBridge,
} from "./voicePort";
import { parseWorkflowConfiguration, type WorkflowConfiguration } from "./workflow";

/** Marks the engine's own writes (depth counter: writes may nest). */
export class WriteGuard {
  private depth = 0;
  get active(): boolean {
    return this.depth > 0;
  }
  apply<T>(write: () => T): T {
    this.depth++;
    try {
      return write();
    } finally {
      this.depth--;
    }
  }
}

/** undefined instead of the backend's 404 errors (lookups of things that went away). */
function maybe<T>(lookup: () => T): T | undefined {
  try {
    return lookup();
  } catch {
    return undefined;
  }
}

const EMPTY_WORKFLOW: WorkflowConfiguration = { task_routing: { filters: [] } };

// Parsed attribute and configuration JSON by its text: every assignment pass reads every task, so
// parsing once per distinct text keeps large workspaces cheap. Bounded; values are never mutated.
const parsedJson = new Map<string, Record<string, unknown>>();
const parsedWorkflows = new Map<string, WorkflowConfiguration>();
const PARSE_CACHE_LIMIT = 10_000;

function parseObject(json: string): Record<string, unknown> {
  const cached = parsedJson.get(json);
  if (cached) return cached;
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === "object" && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Not an object: routes as {} (the backend refuses such attributes anyway).
  }
  if (parsedJson.size >= PARSE_CACHE_LIMIT) parsedJson.clear();
  parsedJson.set(json, parsed);
  return parsed;
}

function parseWorkflow(configuration: string): WorkflowConfiguration {
  let config = parsedWorkflows.get(configuration);
  if (!config) {
    // A configuration the backend accepted but the engine cannot read routes nothing (never throws here).
    config = maybe(() => parseWorkflowConfiguration(configuration)) ?? EMPTY_WORKFLOW;
    if (parsedWorkflows.size >= PARSE_CACHE_LIMIT) parsedWorkflows.clear();
    parsedWorkflows.set(configuration, config);
  }
  return config;
}

export class RestTaskRouterPort implements TaskRouterPort {
  constructor(
    private readonly twin: Twin,
    private readonly guard: WriteGuard,
  ) {}

  backend(accountSid: string): TaskRouterBackend | undefined {
    return this.twin.account(accountSid)?.taskrouter;
  }

  workspace(ref: WorkspaceRef): RouterWorkspace | undefined {
    const ws = maybe(() => this.backend(ref.accountSid)?.fetchWorkspace(ref.workspaceSid));
    if (!ws) return undefined;
    return {
      sid: ws.sid,
      friendlyName: ws.friendlyName,
      timeoutActivitySid: ws.timeoutActivitySid,
      eventCallbackUrl: ws.eventCallbackUrl,
      eventsFilter: ws.eventsFilter ? ws.eventsFilter.split(",").map((s) => s.trim()) : null,
    };
  }
  activities(ref: WorkspaceRef): RouterActivity[] {
    return (maybe(() => this.backend(ref.accountSid)?.listActivity(ref.workspaceSid)) ?? []).map((a) => ({
      sid: a.sid,
      friendlyName: a.friendlyName,
      available: a.available,
    }));
  }
  workers(ref: WorkspaceRef): RouterWorker[] {
    const backend = this.backend(ref.accountSid);
    if (!backend) return [];
    const channels = (maybe(() => backend.listTaskChannel(ref.workspaceSid)) ?? []).map((c) => c.uniqueName);
    return (maybe(() => backend.listWorker(ref.workspaceSid)) ?? []).map((w) => {
      // Capacity set over the Worker Channels API (0 when the channel is unavailable); else the engine's default.
      const channelCapacity: Record<string, number> = {};
      for (const channel of channels) {
        const configured = backend.configuredCapacity(ref.workspaceSid, w.sid, channel);
        if (configured !== undefined) channelCapacity[channel] = configured;
      }
      return {
        sid: w.sid,
        friendlyName: w.friendlyName,
        attributes: parseObject(w.attributes),
        activitySid: w.activitySid,
        channelCapacity,
      };
    });
  }
  queues(ref: WorkspaceRef): RouterQueue[] {
    return (maybe(() => this.backend(ref.accountSid)?.listTaskQueue(ref.workspaceSid)) ?? []).map((q) => ({
      sid: q.sid,
      friendlyName: q.friendlyName,
      targetWorkers: q.targetWorkers,
    }));
  }
  workflow(ref: WorkspaceRef, workflowSid: string): RouterWorkflow | undefined {
    const wf = maybe(() => this.backend(ref.accountSid)?.fetchWorkflow(ref.workspaceSid, workflowSid));
    if (!wf) return undefined;
    return {
      sid: wf.sid,
      friendlyName: wf.friendlyName,
      configuration: parseWorkflow(wf.configuration),
      taskReservationTimeout: wf.taskReservationTimeout,
    };
  }
  task(ref: WorkspaceRef, taskSid: string): RouterTask | undefined {
    const backend = this.backend(ref.accountSid);
    const task = maybe(() => backend?.fetchTask(ref.workspaceSid, taskSid));
    return task && backend ? toRouterTask(backend, task) : undefined;
  }
  tasks(ref: WorkspaceRef): RouterTask[] {
    const backend = this.backend(ref.accountSid);
    if (!backend) return [];
    return (maybe(() => backend.listTask(ref.workspaceSid)) ?? []).map((t) => toRouterTask(backend, t));
  }
  reservation(ref: WorkspaceRef, reservationSid: string): RouterReservation | undefined {
    const r = this.backend(ref.accountSid)?.findReservation(ref.workspaceSid, reservationSid);
    return r
      ? {
          sid: r.sid,
          taskSid: r.taskSid,
          workerSid: r.workerSid,
          status: r.reservationStatus,
          dateCreated: r.dateCreated,
        }
      : undefined;
  }
  reservations(ref: WorkspaceRef): RouterReservation[] {
    return (maybe(() => this.backend(ref.accountSid)?.reservationsOf(ref.workspaceSid)) ?? []).map((r) => ({
      sid: r.sid,
      taskSid: r.taskSid,
      workerSid: r.workerSid,
      status: r.reservationStatus,
      dateCreated: r.dateCreated,
    }));
  }
  /** One worker's reservations (the agents read theirs often: no scan of the workspace's). */
  reservationsOfWorker(ref: WorkspaceRef, workerSid: string): RouterReservation[] {
    return (maybe(() => this.backend(ref.accountSid)?.reservationsOfWorker(ref.workspaceSid, workerSid)) ?? []).map(
      (r) => ({
        sid: r.sid,
        taskSid: r.taskSid,
        workerSid: r.workerSid,
        status: r.reservationStatus,
        dateCreated: r.dateCreated,
      }),
    );
  }

  updateTask(
    ref: WorkspaceRef,
    taskSid: string,
    patch: Partial<Pick<RouterTask, "assignmentStatus" | "taskQueueSid" | "priority" | "reason">>,
  ): void {
    const backend = this.backend(ref.accountSid);
    const task = maybe(() => backend?.fetchTask(ref.workspaceSid, taskSid));
    if (!backend || !task) return;
    this.guard.apply(() => {
      if (patch.priority !== undefined && patch.priority !== task.priority) {
        backend.updateTask(ref.workspaceSid, taskSid, { priority: patch.priority });
      }
      const statusChanges = patch.assignmentStatus !== undefined && patch.assignmentStatus !== task.assignmentStatus;
      const queueChanges = patch.taskQueueSid !== undefined && patch.taskQueueSid !== task.taskQueueSid;
      if (statusChanges || queueChanges || (patch.reason !== undefined && patch.reason !== task.reason)) {
        backend.setTaskStatus(task, patch.assignmentStatus ?? task.assignmentStatus, {
          ...(patch.reason !== undefined && patch.reason !== null ? { reason: patch.reason } : {}),
          ...(queueChanges ? { taskQueueSid: patch.taskQueueSid } : {}),
        });
      }
    });
  }
  createReservation(ref: WorkspaceRef, taskSid: string, workerSid: string): RouterReservation {
    const backend = this.backend(ref.accountSid);
    if (!backend) throw new Error(`createReservation: 404 account ${ref.accountSid}`);
    const r = this.guard.apply(() => backend.createReservation(ref.workspaceSid, taskSid, workerSid));
    return {
      sid: r.sid,
      taskSid: r.taskSid,
      workerSid: r.workerSid,
      status: r.reservationStatus,
      dateCreated: r.dateCreated,
    };
  }
  updateReservation(ref: WorkspaceRef, reservationSid: string, status: ReservationStatus): void {
    const backend = this.backend(ref.accountSid);
    const r = backend?.findReservation(ref.workspaceSid, reservationSid);
    if (!backend || !r || r.reservationStatus === status) return;
    this.guard.apply(() => backend.setReservationStatus(r, status));
  }
  setWorkerActivity(ref: WorkspaceRef, workerSid: string, activitySid: string): void {
    const backend = this.backend(ref.accountSid);
    if (!backend) return;
    this.guard.apply(() => backend.updateWorker(ref.workspaceSid, workerSid, { activitySid }));
  }

  /** The workspace a workflow belongs to. */
  workspaceOfWorkflow(accountSid: string, workflowSid: string): string | undefined {
    const backend = this.backend(accountSid);
    return backend?.allWorkspaces().find((ws) => maybe(() => backend.fetchWorkflow(ws.sid, workflowSid)))?.sid;
  }
}

function toRouterTask(backend: TaskRouterBackend, task: Task): RouterTask {
  return {
    sid: task.sid,
    workflowSid: task.workflowSid ?? "",
    attributes: parseObject(task.attributes),
    priority: task.priority,
    timeout: task.timeout,
    taskChannelUniqueName: backend.taskChannelOf(task)?.uniqueName ?? "default",
    assignmentStatus: task.assignmentStatus,
    taskQueueSid: task.taskQueueSid,
    reason: task.reason,
    dateCreated: task.dateCreated,
  };
}

export class RestVoicePort implements VoicePort {
  constructor(
    private readonly twin: Twin,
    private readonly guard: WriteGuard,
  ) {}

  private backend(accountSid: string): VoiceBackend {
    const account = this.twin.account(accountSid);
    if (!account) throw new Error(`voice: 404 account ${accountSid}`);
    return account.voice;
  }

  call(accountSid: string, callSid: string): VoiceCall | undefined {
    const c = maybe(() => this.backend(accountSid).fetchCall(callSid));
    return c ? { sid: c.sid, from: c.from, to: c.to, direction: c.direction, status: c.status } : undefined;
  }
  createCall(accountSid: string, call: Omit<VoiceCall, "sid">): VoiceCall {
    const c = this.guard.apply(() => this.backend(accountSid).createCall(call));
    return { sid: c.sid, from: c.from, to: c.to, direction: c.direction, status: c.status };
  }
  setCallStatus(accountSid: string, callSid: string, status: CallStatus): void {
    const call = maybe(() => this.backend(accountSid).fetchCall(callSid));
    if (call && call.status !== status) this.guard.apply(() => this.backend(accountSid).setCallStatus(call, status));
  }
  conference(accountSid: string, conferenceSid: string): VoiceConference | undefined {
    const c = maybe(() => this.backend(accountSid).fetchConference(conferenceSid));
    return c ? { sid: c.sid, friendlyName: c.friendlyName, status: c.status } : undefined;
  }
  liveConferenceNamed(accountSid: string, friendlyName: string): VoiceConference | undefined {
    const c = this.backend(accountSid)
      .listConference({ friendlyName })
      .find((x) => x.status !== "completed");
    return c ? { sid: c.sid, friendlyName: c.friendlyName, status: c.status } : undefined;
  }
  createConference(accountSid: string, friendlyName: string): VoiceConference {
    const c = this.guard.apply(() => this.backend(accountSid).createConference({ friendlyName }));
    return { sid: c.sid, friendlyName: c.friendlyName, status: c.status };
  }
  setConferenceStatus(
    accountSid: string,
    conferenceSid: string,
    status: ConferenceStatus,
    ended?: { reason: string; callSidEndingConference: string | null },
  ): void {
    const c = maybe(() => this.backend(accountSid).fetchConference(conferenceSid));
    if (!c) return;
    this.guard.apply(() =>
      this.backend(accountSid).setConferenceStatus(c, status, {
        ...(ended ? { reason: ended.reason } : {}),
        ...(ended?.callSidEndingConference ? { callSid: ended.callSidEndingConference } : {}),
      }),
    );
  }
  participants(accountSid: string, conferenceSid: string): VoiceParticipant[] {
    return (maybe(() => this.backend(accountSid).listParticipant(conferenceSid)) ?? []).map((p) => ({
      callSid: p.callSid,
      conferenceSid: p.conferenceSid,
      label: p.label,
      endConferenceOnExit: p.endConferenceOnExit,
      startConferenceOnEnter: p.startConferenceOnEnter,
      muted: p.muted,
      hold: p.hold,
      coaching: p.coaching,
    }));
  }
  addParticipant(accountSid: string, participant: VoiceParticipant): void {
    this.guard.apply(() => this.backend(accountSid).addParticipant(participant.conferenceSid, participant));
  }
  updateParticipant(accountSid: string, conferenceSid: string, callSid: string, patch: ParticipantPatch): void {
    this.guard.apply(() => this.backend(accountSid).updateParticipant(conferenceSid, callSid, patch));
  }
  removeParticipant(accountSid: string, conferenceSid: string, callSid: string): void {
    this.guard.apply(() => maybe(() => this.backend(accountSid).deleteParticipant(conferenceSid, callSid)));
  }
}

/** `<Enqueue>` through the REST store: the task is created as CreateTask would (routing follows its event). */
export function restVoiceTaskBridge(twin: Twin, port: RestTaskRouterPort): VoiceTaskBridge {
  return {
    createTask(accountSid, input) {
      const workspaceSid = port.workspaceOfWorkflow(accountSid, input.workflowSid);
      const backend = port.backend(accountSid);
      if (!workspaceSid || !backend) throw new Error(`<Enqueue>: 400 workflow ${input.workflowSid} not found`);
      const task = backend.createTask(workspaceSid, {
        workflowSid: input.workflowSid,
        attributes: JSON.stringify(input.attributes),
        ...(input.priority !== null ? { priority: input.priority } : {}),
        ...(input.timeout !== null ? { timeout: input.timeout } : {}),
        taskChannel: VOICE_CHANNEL,
      });
      return { workspaceSid, taskSid: task.sid };
    },
    cancelTask(accountSid, workspaceSid, taskSid, reason) {
      const backend = port.backend(accountSid);
      const task = maybe(() => backend?.fetchTask(workspaceSid, taskSid));
      if (!backend || !task || (task.assignmentStatus !== "pending" && task.assignmentStatus !== "reserved")) return;
      backend.updateTask(
        workspaceSid,
        taskSid,
        { assignmentStatus: "canceled", reason },
        { AssignmentStatus: "canceled", Reason: reason },
      );
    },
  };
}

/** Reservation and task updates made as a client's REST call would make them (events included). */
function updateReservationAsApi(
  port: RestTaskRouterPort,
  accountSid: string,
  workspaceSid: string,
  reservationSid: string,
  status: "accepted" | "rejected" | "wrapping" | "completed",
): void {
  const backend = port.backend(accountSid);
  const reservation = backend?.findReservation(workspaceSid, reservationSid);
  if (!backend || !reservation) throw new Error(`reservation ${reservationSid}: 404 not found`);
  backend.updateReservation(reservation, { reservationStatus: status }, { ReservationStatus: status });
}

export function restFlexBridge(port: RestTaskRouterPort): FlexTaskRouterBridge {
  return {
    reservation: (accountSid, workspaceSid, sid) => port.reservation({ accountSid, workspaceSid }, sid),
    task: (accountSid, workspaceSid, sid) => port.task({ accountSid, workspaceSid }, sid),
    worker: (accountSid, workspaceSid, sid) => port.workers({ accountSid, workspaceSid }).find((w) => w.sid === sid),
    updateReservation: (accountSid, workspaceSid, sid, status) =>
      updateReservationAsApi(port, accountSid, workspaceSid, sid, status),
    updateTaskAttributes: (accountSid, workspaceSid, sid, attributes) => {
      const json = JSON.stringify(attributes);
      port.backend(accountSid)?.updateTask(workspaceSid, sid, { attributes: json }, { Attributes: json });
    },
  };
}

export function restAgentsBridge(twin: Twin, port: RestTaskRouterPort): AgentsBridge {
  const account = (accountSid: string): AccountStore => {
    const found = twin.account(accountSid);
    if (!found) throw new Error(`agents: 404 account ${accountSid}`);
    return found;
  };
  return {
    createWorker: (accountSid, workspaceSid, input) => ({
      workerSid: account(accountSid).taskrouter.createWorker(workspaceSid, {
        friendlyName: input.friendlyName,
        attributes: JSON.stringify(input.attributes),
      }).sid,
    }),
    setAvailable: (accountSid, workspaceSid, workerSid, available) => {
      const backend = account(accountSid).taskrouter;
      const candidates = backend.listActivity(workspaceSid, { available });
      const preferred =
        candidates.find((a) => a.friendlyName === (available ? "Available" : "Offline")) ?? candidates[0];
      if (!preferred)
        throw new Error(
          `agents: 409 workspace ${workspaceSid} has no ${available ? "available" : "unavailable"} activity`,
        );
      backend.updateWorker(workspaceSid, workerSid, { activitySid: preferred.sid }, { ActivitySid: preferred.sid });
    },
    reservations: (accountSid, workspaceSid, workerSid) =>
      port.reservationsOfWorker({ accountSid, workspaceSid }, workerSid),
    updateReservation: (accountSid, workspaceSid, sid, status) =>
      updateReservationAsApi(port, accountSid, workspaceSid, sid, status),
    isVoiceReservation: (accountSid, workspaceSid, sid) => {
      const r = port.reservation({ accountSid, workspaceSid }, sid);
      return port.task({ accountSid, workspaceSid }, r?.taskSid ?? "")?.taskChannelUniqueName === VOICE_CHANNEL;
    },
    issueFlexToken: (accountSid, workerSid, identity) =>
      account(accountSid).iam.issueFlexToken({ workerSid, identity }).token,
    createTask: (accountSid, workspaceSid, input) => ({
      taskSid: account(accountSid).taskrouter.createTask(workspaceSid, {
        workflowSid: input.workflowSid,
        attributes: JSON.stringify(input.attributes),
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
        taskChannel: input.taskChannel,
      }).sid,
    }),
    taskAttributes: (accountSid, workspaceSid, sid) => port.task({ accountSid, workspaceSid }, sid)?.attributes,
    workerExists: (accountSid, workspaceSid, workerSid) =>
      maybe(() => twin.account(accountSid)?.taskrouter.fetchWorker(workspaceSid, workerSid)) !== undefined,
  };
}
