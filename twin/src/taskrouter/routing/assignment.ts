// TaskRouter's routing and assignment: what Twilio does between a task's creation and its
// completion. It reads and writes the account's TaskRouter backend directly, keeps
// the routing bookkeeping Twilio does not expose (current workflow step, timers, who rejected
// what) in its own per-account maps, and emits TaskRouter events for Event Streams and the
// workspace EventCallbackUrl.
//
// Rules (https://www.twilio.com/docs/taskrouter/lifecycle-task-workflows-and-assignment):
// - a task enters the first matching filter's first (non-skipped) target; a target's timeout moves
//   it to the next target; a target's priority overrides the task's;
// - pending tasks are offered by priority (high first), then age (oldest first);
// - a reservation goes only to an eligible worker whose activity is available and who has free
//   capacity on the task's channel (pending, accepted and wrapping reservations use capacity);
//   among several, the one idle longest wins;
// - a reservation not answered within the workflow's TaskReservationTimeout times out: the task
//   is pending again and the worker moves to the workspace's timeout activity;
// - a task not assigned within its Timeout (TTL) is canceled with reason "Task TTL Exceeded";
// - wrapping and completed reservations follow the task; completing the last live reservation
//   completes the task; freed capacity lets the next task be reserved.
import { randomBytes } from "crypto";
import type { Clock, TimerHandle } from "../../clock";
import type { AccountStore } from "../../store";
import { maybe } from "../../util";
import type {
  Reservation,
  ReservationStatus,
  Task,
  TaskQueue,
  TaskRouterBackend,
  TaskStatus,
  Worker,
} from "../backend";
import { buildPayload, TaskRouterEventName, type EventSubjects, type TaskRouterEvent } from "./events";
import type { RouterWorker } from "./view";
import {
  eligibleWorkers,
  findTargetQueue,
  matchFilter,
  parseWorkflowConfiguration,
  resolveKnownWorker,
  shouldSkipTarget,
  workerInQueue,
  type WorkflowConfiguration,
  type WorkflowTarget,
} from "./workflow";

/** Identifies a workspace inside an account (the twin keeps one store per account). */
export interface WorkspaceRef {
  accountSid: string;
  workspaceSid: string;
}

/** `reason` of a task canceled because its TTL ran out (what Twilio writes). */
export const TASK_TTL_EXCEEDED_REASON = "Task TTL Exceeded";
/** `reason` of a task whose last workflow step timed out. */
export const WORKFLOW_TIMEOUT_REASON = "Workflow Timeout";

/** Reservation statuses that hold a unit of the worker's channel capacity. */
const CAPACITY_HOLDING: ReadonlySet<ReservationStatus> = new Set(["pending", "accepted", "wrapping"]);
const LIVE_TASK: ReadonlySet<string> = new Set(["pending", "reserved"]);

// Parsed attribute and configuration JSON by its text: every assignment pass reads every task, so
// parsing once per distinct text keeps large workspaces cheap. Bounded; values are never mutated.
const parsedJson = new Map<string, Record<string, unknown>>();
const parsedWorkflows = new Map<string, WorkflowConfiguration>();
const PARSE_CACHE_LIMIT = 10_000;

/** A resource's attributes JSON as an object ({} for anything else; the backend refuses such text). */
export function attributesOf(resource: { attributes: string }): Record<string, unknown> {
  const json = resource.attributes;
  let parsed = parsedJson.get(json);
  if (parsed) return parsed;
  try {
    const value: unknown = JSON.parse(json);
    parsed = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  if (parsedJson.size >= PARSE_CACHE_LIMIT) parsedJson.clear();
  parsedJson.set(json, parsed);
  return parsed;
}

/** A worker with parsed attributes, as assignment passes (for the expressions) and the view read it. */
export function routerWorker(w: Worker): RouterWorker {
  return {
    sid: w.sid,
    friendlyName: w.friendlyName,
    attributes: attributesOf(w),
    activitySid: w.activitySid,
  };
}

/** A stored configuration the routing cannot read routes nothing (it never throws here). */
function workflowConfiguration(configuration: string): WorkflowConfiguration {
  let config = parsedWorkflows.get(configuration);
  if (!config) {
    try {
      config = parseWorkflowConfiguration(configuration);
    } catch {
      config = { task_routing: { filters: [] } };
    }
    if (parsedWorkflows.size >= PARSE_CACHE_LIMIT) parsedWorkflows.clear();
    parsedWorkflows.set(configuration, config);
  }
  return config;
}

// Routing bookkeeping of one task (not a Twilio resource, hence not in the REST store).
interface TaskRouting {
  targets: WorkflowTarget[];
  filterFriendlyName: string;
  /** Index into `targets` of the step the task is in; -1 before the first step. */
  step: number;
  queueEnteredAt: Date | null;
  ttlTimer: TimerHandle | null;
  stepTimer: TimerHandle | null;
  /** Workers that rejected the task or let a reservation time out: not offered it again. */
  declinedBy: Set<string>;
}

interface AssignmentSnapshot {
  workers: RouterWorker[];
  queues: TaskQueue[];
  available: Set<string>;
  used: Map<string, number>;
}

export interface RoutingAlert extends WorkspaceRef {
  code: number;
  message: string;
  taskSid: string;
  workerSid: string;
  queueSid: string;
  at: Date;
}

export type TaskRouterEventListener = (event: TaskRouterEvent) => void;

export interface AssignmentEngineOptions {
  accounts: (accountSid: string) => AccountStore | undefined;
  clock: Clock;
  /** Receives every event, in the order they happen. */
  onEvent?: TaskRouterEventListener;
}

export class AssignmentEngine {
  private readonly accounts: (accountSid: string) => AccountStore | undefined;
  private readonly clock: Clock;
  private readonly listeners = new Set<TaskRouterEventListener>();
  // Keyed by `${accountSid}/${taskSid}`: routing state of tasks still in the workflow.
  private readonly routing = new Map<string, TaskRouting>();
  // Keyed by `${accountSid}/${reservationSid}`: timers of pending reservations.
  private readonly reservationTimers = new Map<string, TimerHandle>();
  // Keyed by `${accountSid}/${workerSid}`: when the worker last got a reservation (idle-longest choice).
  private readonly lastReservedAt = new Map<string, number>();
  // Guards against re-entrant assignment passes when a write calls back into the engine.
  private assigning = false;
  /** Debugger alerts the routing raised (error codes Twilio reports asynchronously, e.g. 40152). */
  readonly alerts: RoutingAlert[] = [];
  private assignAgain = new Map<string, WorkspaceRef>();

  constructor(options: AssignmentEngineOptions) {
    this.accounts = options.accounts;
    this.clock = options.clock;
    if (options.onEvent) this.listeners.add(options.onEvent);
  }

  /** Adds an event listener; returns its removal. */
  onEvent(listener: TaskRouterEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- entry points (the TaskRouter backend calls these after a REST change) ----

  /** A task was created (REST CreateTask or `<Enqueue>`): emit task.created, route it, assign. */
  taskCreated(ref: WorkspaceRef, taskSid: string): void {
    const task = this.requireTask(ref, taskSid);
    this.emit(ref, TaskRouterEventName.taskCreated, task.sid, { task });
    const state: TaskRouting = {
      targets: [],
      filterFriendlyName: "",
      step: -1,
      queueEnteredAt: null,
      ttlTimer: null,
      stepTimer: null,
      declinedBy: new Set(),
    };
    this.routing.set(this.key(ref, taskSid), state);
    state.ttlTimer = this.clock.setTimer(task.timeout * 1000, () => this.ttlExpired(ref, taskSid));
    this.route(ref, task, state);
    this.assign(ref);
  }

  /**
   * A task update through the API: a status the API set (its consequences follow), new attributes
   * (a task not yet assigned is routed again from the first filter) or a new priority.
   */
  taskUpdated(
    ref: WorkspaceRef,
    taskSid: string,
    previous: TaskStatus,
    changed: { attributes: boolean; priority: boolean },
  ): void {
    const task = this.requireTask(ref, taskSid);
    if (task.assignmentStatus !== previous && ["canceled", "wrapping", "completed"].includes(task.assignmentStatus)) {
      this.taskStatusChanged(ref, task);
    }
    if (changed.attributes) {
      this.emit(ref, TaskRouterEventName.taskUpdated, task.sid, { task });
      const state = this.routing.get(this.key(ref, taskSid));
      if (!state || task.assignmentStatus !== "pending") return;
      this.clearStepTimer(state);
      state.step = -1;
      this.route(ref, task, state);
      this.assign(ref);
    } else if (changed.priority) this.assign(ref);
  }

  /** The consequences of a task status the API stored: reservations follow, events fire, capacity frees. */
  private taskStatusChanged(ref: WorkspaceRef, task: Task): void {
    const taskSid = task.sid;
    if (task.assignmentStatus === "canceled") {
      this.afterCancel(ref, task);
    } else if (task.assignmentStatus === "wrapping") {
      for (const reservation of this.reservationsOf(ref, taskSid, ["accepted"])) {
        this.setReservation(ref, reservation, "wrapping", TaskRouterEventName.reservationWrapup);
      }
      this.emit(ref, TaskRouterEventName.taskWrapup, taskSid, { task });
    } else {
      for (const reservation of this.reservationsOf(ref, taskSid, ["pending", "accepted", "wrapping"])) {
        if (reservation.reservationStatus === "pending") this.endPendingReservation(ref, reservation, "canceled");
        else this.setReservation(ref, reservation, "completed", TaskRouterEventName.reservationCompleted);
      }
      this.finishRouting(this.key(ref, taskSid));
      this.emit(ref, TaskRouterEventName.taskCompleted, taskSid, { task });
    }
    this.assign(ref);
  }

  /** The consequences of a reservation status the API stored (accepted, rejected, wrapping, completed). */
  reservationUpdated(
    ref: WorkspaceRef,
    reservationSid: string,
    previous: ReservationStatus,
    options: { workerActivitySid?: string } = {},
  ): void {
    const reservation = this.tr(ref)?.findReservation(ref.workspaceSid, reservationSid);
    const status = reservation?.reservationStatus;
    if (!reservation || status === previous) return;
    if (status !== "accepted" && status !== "rejected" && status !== "wrapping" && status !== "completed") return;
    this.clearReservationTimer(ref, reservationSid);
    if (status === "accepted") {
      this.updateTask(ref, reservation.taskSid, { assignmentStatus: "assigned" });
      // Assigned: the task leaves the workflow, so its TTL and step timers stop.
      this.finishRouting(this.key(ref, reservation.taskSid));
      this.emitReservation(ref, TaskRouterEventName.reservationAccepted, reservation);
    } else if (status === "rejected") {
      this.routing.get(this.key(ref, reservation.taskSid))?.declinedBy.add(reservation.workerSid);
      this.returnToPending(ref, reservation.taskSid);
      this.emitReservation(ref, TaskRouterEventName.reservationRejected, reservation);
      if (options.workerActivitySid) this.moveWorker(ref, reservation.workerSid, options.workerActivitySid);
    } else if (status === "wrapping") {
      this.emitReservation(ref, TaskRouterEventName.reservationWrapup, reservation);
      // The task wraps up once no reservation of it is still being handled.
      if (this.reservationsOf(ref, reservation.taskSid, ["accepted"]).length === 0)
        this.advanceTask(ref, reservation.taskSid, "wrapping");
    } else {
      this.emitReservation(ref, TaskRouterEventName.reservationCompleted, reservation);
      if (this.reservationsOf(ref, reservation.taskSid, ["accepted", "wrapping"]).length === 0) {
        this.advanceTask(ref, reservation.taskSid, "completed");
      }
    }
    this.assign(ref);
  }

  /** A worker's activity changed (API or agent): emit worker.activity.update and try to assign. */
  workerActivityChanged(ref: WorkspaceRef, workerSid: string, previousActivitySid?: string): void {
    const worker = maybe(() => this.tr(ref)?.fetchWorker(ref.workspaceSid, workerSid));
    if (!worker) return;
    const activities = this.tr(ref)?.listActivity(ref.workspaceSid) ?? [];
    this.emit(ref, TaskRouterEventName.workerActivityUpdate, worker.sid, {
      worker,
      activity: activities.find((a) => a.sid === worker.activitySid),
      previousActivity: activities.find((a) => a.sid === previousActivitySid),
    });
    this.assign(ref);
  }

  /** A worker, queue, workflow or channel capacity changed: pending tasks may now fit. */
  workerUpdated(ref: WorkspaceRef): void {
    this.assign(ref);
  }

  /** A task was deleted through the API: its timers stop and freed capacity is reassigned. */
  taskDeleted(ref: WorkspaceRef, taskSid: string): void {
    this.finishRouting(this.key(ref, taskSid));
    // Its reservations went with it; their timers find nothing when they fire.
    this.assign(ref);
  }

  /** Stops every timer (the twin is shutting down or resetting). */
  dispose(): void {
    for (const key of [...this.routing.keys()]) this.finishRouting(key);
    for (const timer of this.reservationTimers.values()) this.clock.clearTimer(timer);
    this.reservationTimers.clear();
  }

  /** The step a task is in (for tests and the control API). */
  routingOf(ref: WorkspaceRef, taskSid: string): { filter: string; step: number; queueSid: string | null } | null {
    const state = this.routing.get(this.key(ref, taskSid));
    if (!state) return null;
    return {
      filter: state.filterFriendlyName,
      step: state.step,
      queueSid: this.task(ref, taskSid)?.taskQueueSid ?? null,
    };
  }

  // ---- routing ----

  private route(ref: WorkspaceRef, task: Task, state: TaskRouting): void {
    const workflow = this.workflow(ref, task.workflowSid);
    if (!workflow) return;
    const match = matchFilter(workflowConfiguration(workflow.configuration), attributesOf(task));
    if (!match) return;
    state.targets = match.targets;
    state.filterFriendlyName = match.filterFriendlyName;
    this.emit(
      ref,
      TaskRouterEventName.workflowTargetMatched,
      task.sid,
      { task, workflow },
      {
        workflow_filter_name: match.filterFriendlyName,
      },
    );
    this.enterStep(ref, task.sid, state, 0);
  }

  /** Moves the task to the first usable target at or after `from`. */
  private enterStep(ref: WorkspaceRef, taskSid: string, state: TaskRouting, from: number): void {
    const queues = this.tr(ref)?.listTaskQueue(ref.workspaceSid) ?? [];
    for (let step = from; step < state.targets.length; step++) {
      const target = state.targets[step];
      const queue = findTargetQueue(target, queues);
      const task = this.requireTask(ref, taskSid);
      if (!queue) continue;
      this.checkKnownWorkerQueue(ref, task, target, queue);
      // skip_if is decided on the workers who could take the task right now.
      const available = this.reservableWorkers(ref, task, target, state).length;
      if (step < state.targets.length - 1 && shouldSkipTarget(target, attributesOf(task), available)) continue;
      const previousQueue = task.taskQueueSid;
      state.step = step;
      state.queueEnteredAt = this.clock.now();
      this.updateTask(ref, taskSid, {
        taskQueueSid: queue.sid,
        ...(target.priority !== undefined ? { priority: target.priority } : {}),
      });
      if (previousQueue && previousQueue !== queue.sid) {
        this.emit(ref, TaskRouterEventName.taskQueueMoved, taskSid, { task, queue });
      }
      this.emit(ref, TaskRouterEventName.taskQueueEntered, taskSid, {
        task,
        queue,
        queueEnteredAt: state.queueEnteredAt,
      });
      if (target.timeout !== undefined) {
        state.stepTimer = this.clock.setTimer(target.timeout * 1000, () => this.stepTimedOut(ref, taskSid));
      }
      return;
    }
  }

  /**
   * Error 40152 "Invalid Queue for Known Worker" (https://www.twilio.com/docs/api/errors/40152): the
   * worker a known-worker target names is not in the target's queue. Twilio reports it to the
   * account's debugger (an alert); the step can reserve no one. Kept in `alerts`.
   */
  private checkKnownWorkerQueue(ref: WorkspaceRef, task: Task, target: WorkflowTarget, queue: TaskQueue): void {
    const attributes = attributesOf(task);
    const sid = resolveKnownWorker(target.known_worker_sid, attributes);
    const name = resolveKnownWorker(target.known_worker_friendly_name, attributes);
    if (sid === null && name === null) return;
    const worker = this.workers(ref).find((w) => (sid !== null ? w.sid === sid : w.friendlyName === name));
    if (!worker || workerInQueue(queue, worker)) return;
    this.alerts.push({
      code: 40152,
      message: "Invalid Queue for Known Worker",
      accountSid: ref.accountSid,
      workspaceSid: ref.workspaceSid,
      taskSid: task.sid,
      workerSid: worker.sid,
      queueSid: queue.sid,
      at: this.clock.now(),
    });
  }

  private stepTimedOut(ref: WorkspaceRef, taskSid: string): void {
    const state = this.routing.get(this.key(ref, taskSid));
    const task = this.task(ref, taskSid);
    if (!state || !task || !LIVE_TASK.has(task.assignmentStatus)) return;
    state.stepTimer = null;
    const queue = this.tr(ref)?.taskQueueOf(task) ?? null;
    this.emit(ref, TaskRouterEventName.taskQueueTimeout, taskSid, { task, queue });
    // A reservation offered in the old step is rescinded: the task moves on.
    for (const reservation of this.reservationsOf(ref, taskSid, ["pending"])) {
      this.endPendingReservation(ref, reservation, "rescinded");
    }
    if (state.step >= state.targets.length - 1) {
      this.emit(ref, TaskRouterEventName.workflowTimeout, taskSid, { task });
      this.cancelTask(ref, task, WORKFLOW_TIMEOUT_REASON);
    } else {
      this.updateTask(ref, taskSid, { assignmentStatus: "pending" });
      this.enterStep(ref, taskSid, state, state.step + 1);
    }
    this.assign(ref);
  }

  private ttlExpired(ref: WorkspaceRef, taskSid: string): void {
    const task = this.task(ref, taskSid);
    const state = this.routing.get(this.key(ref, taskSid));
    if (state) state.ttlTimer = null;
    if (!task || !LIVE_TASK.has(task.assignmentStatus)) return;
    this.cancelTask(ref, task, TASK_TTL_EXCEEDED_REASON);
    this.assign(ref);
  }

  // ---- assignment ----

  /** Offers pending tasks to free workers until nothing more fits. */
  assign(ref: WorkspaceRef): void {
    if (this.assigning) {
      this.assignAgain.set(`${ref.accountSid}/${ref.workspaceSid}`, ref);
      return;
    }
    this.assigning = true;
    try {
      this.assignPass(ref);
      while (this.assignAgain.size > 0) {
        const [key, next] = this.assignAgain.entries().next().value as [string, WorkspaceRef];
        this.assignAgain.delete(key);
        this.assignPass(next);
      }
    } finally {
      this.assigning = false;
    }
  }

  private assignPass(ref: WorkspaceRef): void {
    const tasks = maybe(() => this.tr(ref)?.listTask(ref.workspaceSid)) ?? [];
    const pending = tasks
      .filter((t) => t.assignmentStatus === "pending" && (this.routing.get(this.key(ref, t.sid))?.step ?? -1) >= 0)
      .sort((a, b) => b.priority - a.priority || a.dateCreated.getTime() - b.dateCreated.getTime());
    if (pending.length === 0) return;
    // One snapshot per pass; each reservation made updates it, so later tasks see the used capacity.
    const snapshot = this.snapshot(ref);
    for (const task of pending) {
      const state = this.routing.get(this.key(ref, task.sid));
      if (!state || state.step < 0) continue;
      const candidates = this.reservableWorkers(ref, task, state.targets[state.step], state, snapshot);
      if (candidates.length === 0) continue;
      candidates.sort(
        (a, b) =>
          (this.lastReservedAt.get(this.key(ref, a.sid)) ?? 0) - (this.lastReservedAt.get(this.key(ref, b.sid)) ?? 0),
      );
      this.reserve(ref, task, candidates[0]);
      const key = `${candidates[0].sid}/${this.channel(ref, task)}`;
      snapshot.used.set(key, (snapshot.used.get(key) ?? 0) + 1);
    }
  }

  /** What a pass reads once: workers, queues, available activities, capacity used per worker and channel. */
  private snapshot(ref: WorkspaceRef): AssignmentSnapshot {
    const tr = this.tr(ref);
    // Keyed by `${workerSid}/${channel}`: reservations holding capacity.
    const used = new Map<string, number>();
    for (const r of maybe(() => tr?.reservationsOf(ref.workspaceSid)) ?? []) {
      if (!CAPACITY_HOLDING.has(r.reservationStatus)) continue;
      const task = this.task(ref, r.taskSid);
      const key = `${r.workerSid}/${task ? this.channel(ref, task) : "default"}`;
      used.set(key, (used.get(key) ?? 0) + 1);
    }
    const activities = maybe(() => tr?.listActivity(ref.workspaceSid)) ?? [];
    return {
      workers: this.workers(ref),
      queues: maybe(() => tr?.listTaskQueue(ref.workspaceSid)) ?? [],
      available: new Set(activities.filter((a) => a.available).map((a) => a.sid)),
      used,
    };
  }

  /** Eligible workers of a step who are available and have capacity for the task's channel. */
  private reservableWorkers(
    ref: WorkspaceRef,
    task: Task,
    target: WorkflowTarget,
    state: TaskRouting,
    snapshot: AssignmentSnapshot = this.snapshot(ref),
  ): RouterWorker[] {
    const queue = findTargetQueue(target, snapshot.queues);
    if (!queue) return [];
    const channel = this.channel(ref, task);
    return eligibleWorkers(target, queue, attributesOf(task), snapshot.workers).filter((worker) => {
      if (!snapshot.available.has(worker.activitySid) || state.declinedBy.has(worker.sid)) return false;
      // Capacity 1 per channel, as the WorkerChannel resource reports, unless set over the Worker
      // Channels API (0 when the channel is unavailable).
      const capacity = this.tr(ref)?.configuredCapacity(ref.workspaceSid, worker.sid, channel) ?? 1;
      return (snapshot.used.get(`${worker.sid}/${channel}`) ?? 0) < capacity;
    });
  }

  private reserve(ref: WorkspaceRef, task: Task, worker: RouterWorker): void {
    const tr = this.tr(ref);
    if (!tr) return;
    const reservation = tr.createReservation(ref.workspaceSid, task.sid, worker.sid);
    this.updateTask(ref, task.sid, { assignmentStatus: "reserved" });
    this.lastReservedAt.set(this.key(ref, worker.sid), this.clock.now().getTime());
    const timeoutSeconds = this.workflow(ref, task.workflowSid)?.taskReservationTimeout ?? 120;
    this.reservationTimers.set(
      this.key(ref, reservation.sid),
      this.clock.setTimer(timeoutSeconds * 1000, () => this.reservationTimedOut(ref, reservation.sid)),
    );
    this.emitReservation(ref, TaskRouterEventName.reservationCreated, reservation);
  }

  private reservationTimedOut(ref: WorkspaceRef, reservationSid: string): void {
    this.reservationTimers.delete(this.key(ref, reservationSid));
    const reservation = this.tr(ref)?.findReservation(ref.workspaceSid, reservationSid);
    if (!reservation || reservation.reservationStatus !== "pending") return;
    this.tr(ref)?.setReservationStatus(reservation, "timeout");
    this.routing.get(this.key(ref, reservation.taskSid))?.declinedBy.add(reservation.workerSid);
    this.returnToPending(ref, reservation.taskSid);
    this.emitReservation(ref, TaskRouterEventName.reservationTimeout, reservation);
    // Twilio moves a worker who let a reservation time out to the workspace's timeout activity.
    const timeoutActivity = maybe(() => this.tr(ref)?.fetchWorkspace(ref.workspaceSid))?.timeoutActivitySid;
    if (timeoutActivity) this.moveWorker(ref, reservation.workerSid, timeoutActivity);
    this.assign(ref);
  }

  /** Through the worker update, which reports the activity change back here. */
  private moveWorker(ref: WorkspaceRef, workerSid: string, activitySid: string): void {
    const worker = maybe(() => this.tr(ref)?.fetchWorker(ref.workspaceSid, workerSid));
    if (!worker || worker.activitySid === activitySid) return;
    this.tr(ref)?.updateWorker(ref.workspaceSid, workerSid, { activitySid });
  }

  /** An assigned task wraps up; an assigned or wrapping one completes. */
  private advanceTask(ref: WorkspaceRef, taskSid: string, status: "wrapping" | "completed"): void {
    const task = this.requireTask(ref, taskSid);
    const from = task.assignmentStatus;
    if (from === status || (from !== "assigned" && from !== "wrapping")) return;
    this.updateTask(ref, taskSid, { assignmentStatus: status });
    const event = status === "wrapping" ? TaskRouterEventName.taskWrapup : TaskRouterEventName.taskCompleted;
    this.emit(ref, event, taskSid, { task });
  }

  /** Cancels a task still in the workflow (TTL, last step timeout). */
  private cancelTask(ref: WorkspaceRef, task: Task, reason: string): void {
    this.updateTask(ref, task.sid, { assignmentStatus: "canceled", reason });
    this.afterCancel(ref, task);
  }

  private afterCancel(ref: WorkspaceRef, task: Task): void {
    for (const reservation of this.reservationsOf(ref, task.sid, ["pending"])) {
      this.endPendingReservation(ref, reservation, "canceled");
    }
    this.finishRouting(this.key(ref, task.sid));
    this.emit(ref, TaskRouterEventName.taskCanceled, task.sid, { task }, { reason: task.reason });
  }

  private endPendingReservation(ref: WorkspaceRef, reservation: Reservation, status: "canceled" | "rescinded"): void {
    this.clearReservationTimer(ref, reservation.sid);
    const event =
      status === "canceled" ? TaskRouterEventName.reservationCanceled : TaskRouterEventName.reservationRescinded;
    this.setReservation(ref, reservation, status, event);
  }

  private setReservation(
    ref: WorkspaceRef,
    reservation: Reservation,
    status: ReservationStatus,
    event: TaskRouterEventName,
  ): void {
    if (reservation.reservationStatus !== status) this.tr(ref)?.setReservationStatus(reservation, status);
    this.emitReservation(ref, event, reservation);
  }

  private returnToPending(ref: WorkspaceRef, taskSid: string): void {
    if (this.task(ref, taskSid)?.assignmentStatus === "reserved")
      this.updateTask(ref, taskSid, { assignmentStatus: "pending" });
  }

  /** The task leaves the workflow (keyed as in `routing`): its TTL and step timers stop. */
  private finishRouting(key: string): void {
    const state = this.routing.get(key);
    if (!state) return;
    this.clearStepTimer(state);
    if (state.ttlTimer) this.clock.clearTimer(state.ttlTimer);
    state.ttlTimer = null;
    this.routing.delete(key);
  }

  // ---- reading and writing the backend ----

  private tr(ref: WorkspaceRef): TaskRouterBackend | undefined {
    return this.accounts(ref.accountSid)?.taskrouter;
  }

  private task(ref: WorkspaceRef, taskSid: string): Task | undefined {
    return maybe(() => this.tr(ref)?.fetchTask(ref.workspaceSid, taskSid));
  }

  private requireTask(ref: WorkspaceRef, taskSid: string): Task {
    const task = this.task(ref, taskSid);
    if (!task) throw new Error(`task ${taskSid} not found`);
    return task;
  }

  private channel(ref: WorkspaceRef, task: Task): string {
    return this.tr(ref)?.taskChannelOf(task)?.uniqueName ?? "default";
  }

  private workflow(ref: WorkspaceRef, workflowSid: string | null) {
    return workflowSid ? maybe(() => this.tr(ref)?.fetchWorkflow(ref.workspaceSid, workflowSid)) : undefined;
  }

  private workers(ref: WorkspaceRef): RouterWorker[] {
    return (maybe(() => this.tr(ref)?.listWorker(ref.workspaceSid)) ?? []).map(routerWorker);
  }

  private reservationsOf(ref: WorkspaceRef, taskSid: string, statuses: ReservationStatus[]): Reservation[] {
    return (maybe(() => this.tr(ref)?.reservationsOf(ref.workspaceSid)) ?? []).filter(
      (r) => r.taskSid === taskSid && statuses.includes(r.reservationStatus),
    );
  }

  /** The routing's own task writes: status, queue, priority, reason (no API transition rules). */
  private updateTask(
    ref: WorkspaceRef,
    taskSid: string,
    patch: { assignmentStatus?: TaskStatus; taskQueueSid?: string; priority?: number; reason?: string },
  ): void {
    const task = this.task(ref, taskSid);
    const changes = task && Object.entries(patch).some(([k, v]) => task[k as keyof typeof patch] !== v);
    if (task && changes) this.tr(ref)?.setTaskStatus(task, patch.assignmentStatus ?? task.assignmentStatus, patch);
  }

  private clearStepTimer(state: TaskRouting): void {
    if (state.stepTimer) this.clock.clearTimer(state.stepTimer);
    state.stepTimer = null;
  }

  private clearReservationTimer(ref: WorkspaceRef, reservationSid: string): void {
    const timer = this.reservationTimers.get(this.key(ref, reservationSid));
    if (timer) this.clock.clearTimer(timer);
    this.reservationTimers.delete(this.key(ref, reservationSid));
  }

  private key(ref: WorkspaceRef, sid: string): string {
    return `${ref.accountSid}/${sid}`;
  }

  private emitReservation(ref: WorkspaceRef, name: TaskRouterEventName, reservation: Reservation): void {
    const tr = this.tr(ref);
    const task = this.task(ref, reservation.taskSid);
    const worker = tr?.workerOf(reservation);
    const activity = worker ? maybe(() => tr?.fetchActivity(ref.workspaceSid, worker.activitySid)) : undefined;
    this.emit(ref, name, reservation.sid, { task, worker, activity, reservation });
  }

  private emit(
    ref: WorkspaceRef,
    name: TaskRouterEventName,
    resourceSid: string,
    subjects: EventSubjects,
    extra?: Record<string, unknown>,
  ): void {
    const now = this.clock.now();
    const tr = this.tr(ref);
    const full: EventSubjects = { workspace: maybe(() => tr?.fetchWorkspace(ref.workspaceSid)), ...subjects };
    if (full.task) {
      full.channel = this.channel(ref, full.task);
      if (full.queue === undefined) {
        full.queue = tr?.taskQueueOf(full.task) ?? null;
        full.queueEnteredAt = this.routing.get(this.key(ref, full.task.sid))?.queueEnteredAt ?? null;
      }
      full.workflow ??= tr?.workflowOf(full.task);
    }
    const id = "EV" + randomBytes(16).toString("hex");
    const event: TaskRouterEvent = {
      id,
      name,
      accountSid: ref.accountSid,
      workspaceSid: ref.workspaceSid,
      resourceSid,
      timestamp: now,
      payload: { sid: id, ...buildPayload(name, ref.accountSid, now, full, extra) },
    };
    for (const listener of [...this.listeners]) listener(event);
  }
}
