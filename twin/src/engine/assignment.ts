// The TaskRouter routing and assignment engine: what Twilio does between a task's creation and its
// completion. It reads and writes the twin's TaskRouter resources through `TaskRouterPort`, keeps
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
import type { Clock, TimerHandle } from "../clock";
import { buildPayload, TaskRouterEventName, type EventSubjects, type TaskRouterEvent } from "./taskRouterEvents";
import {
  defaultChannelCapacity,
  type ReservationStatus,
  type RouterQueue,
  type RouterReservation,
  type TaskAssignmentStatus,
  type RouterTask,
  type RouterWorker,
  type TaskRouterPort,
  type WorkspaceRef,
} from "./taskRouterPort";
import {
  eligibleWorkers,
  findTargetQueue,
  matchFilter,
  resolveKnownWorker,
  shouldSkipTarget,
  workerInQueue,
  type WorkflowTarget,
} from "./workflow";

/** `reason` of a task canceled because its TTL ran out (what Twilio writes). */
export const TASK_TTL_EXCEEDED_REASON = "Task TTL Exceeded";
/** `reason` of a task whose last workflow step timed out. */
export const WORKFLOW_TIMEOUT_REASON = "Workflow Timeout";

/** Reservation statuses that hold a unit of the worker's channel capacity. */
const CAPACITY_HOLDING: ReadonlySet<ReservationStatus> = new Set(["pending", "accepted", "wrapping"]);
const LIVE_TASK: ReadonlySet<string> = new Set(["pending", "reserved"]);

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

/** Task statuses a client may set through the API. */
export type ApiTaskStatus = "canceled" | "wrapping" | "completed";
/** Reservation statuses a client may set through the API. */
export type ApiReservationStatus = "accepted" | "rejected" | "wrapping" | "completed";

interface AssignmentSnapshot {
  workers: RouterWorker[];
  queues: RouterQueue[];
  available: Set<string>;
  used: Map<string, number>;
}

export interface RoutingAlert {
  code: number;
  message: string;
  accountSid: string;
  workspaceSid: string;
  taskSid: string;
  workerSid: string;
  queueSid: string;
  at: Date;
}

export type TaskRouterEventListener = (event: TaskRouterEvent) => void;

export interface AssignmentEngineOptions {
  port: TaskRouterPort;
  clock: Clock;
  /** Receives every event, in the order they happen. */
  onEvent?: TaskRouterEventListener;
}

function newEventId(): string {
  return "EV" + randomBytes(16).toString("hex");
}

export class AssignmentEngine {
  private readonly port: TaskRouterPort;
  private readonly clock: Clock;
  private readonly listeners: TaskRouterEventListener[] = [];
  // Keyed by `${accountSid}/${taskSid}`: routing state of tasks still in the workflow.
  private readonly routing = new Map<string, TaskRouting>();
  // Keyed by `${accountSid}/${reservationSid}`: timers of pending reservations.
  private readonly reservationTimers = new Map<string, TimerHandle>();
  // Keyed by `${accountSid}/${workerSid}`: when the worker last got a reservation (idle-longest choice).
  private readonly lastReservedAt = new Map<string, number>();
  // Guards against re-entrant assignment passes when an event listener calls back into the engine.
  private assigning = false;
  /** Debugger alerts the routing raised (error codes Twilio reports asynchronously, e.g. 40152). */
  readonly alerts: RoutingAlert[] = [];
  private assignAgain = new Map<string, WorkspaceRef>();

  constructor(options: AssignmentEngineOptions) {
    this.port = options.port;
    this.clock = options.clock;
    if (options.onEvent) this.listeners.push(options.onEvent);
  }

  /** Adds an event listener; returns its removal. */
  onEvent(listener: TaskRouterEventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  // ---- entry points (called by the REST layer's hooks, or directly in pure tests) ----

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

  /** Task attributes changed: a task not yet assigned is routed again from the first filter. */
  taskAttributesUpdated(ref: WorkspaceRef, taskSid: string): void {
    const task = this.requireTask(ref, taskSid);
    this.emit(ref, TaskRouterEventName.taskUpdated, task.sid, { task });
    const state = this.routing.get(this.key(ref, taskSid));
    if (!state || task.assignmentStatus !== "pending") return;
    this.clearStepTimer(state);
    state.step = -1;
    this.route(ref, task, state);
    this.assign(ref);
  }

  /**
   * Sets a task's AssignmentStatus as the API does: `canceled` (only before assignment),
   * `wrapping` or `completed` (only once assigned). `reason` is the API's Reason parameter.
   */
  updateTaskStatus(ref: WorkspaceRef, taskSid: string, status: ApiTaskStatus, reason?: string): void {
    const task = this.requireTask(ref, taskSid);
    const from: Record<ApiTaskStatus, TaskAssignmentStatus[]> = {
      canceled: ["pending", "reserved"],
      wrapping: ["assigned"],
      completed: ["assigned", "wrapping"],
    };
    if (!from[status].includes(task.assignmentStatus)) {
      throw new Error(`updateTask ${taskSid}: 400 a task ${task.assignmentStatus} cannot become ${status}`);
    }
    const previous = task.assignmentStatus;
    this.port.updateTask(ref, taskSid, { assignmentStatus: status, ...(reason !== undefined ? { reason } : {}) });
    this.taskStatusChanged(ref, taskSid, previous, status);
  }

  /**
   * The consequences of a task status the API already stored (the REST layer validated and
   * applied it): reservations follow the task, events fire, freed capacity is reassigned.
   */
  taskStatusChanged(ref: WorkspaceRef, taskSid: string, _previous: TaskAssignmentStatus, status: ApiTaskStatus): void {
    const task = this.requireTask(ref, taskSid);
    if (status === "canceled") {
      this.afterCancel(ref, task);
    } else if (status === "wrapping") {
      for (const reservation of this.reservationsOf(ref, taskSid, ["accepted"])) {
        this.setReservation(ref, reservation, "wrapping", TaskRouterEventName.reservationWrapup);
      }
      this.emit(ref, TaskRouterEventName.taskWrapup, taskSid, { task });
    } else {
      for (const reservation of this.reservationsOf(ref, taskSid, ["pending", "accepted", "wrapping"])) {
        if (reservation.status === "pending") this.endPendingReservation(ref, reservation, "canceled");
        else this.setReservation(ref, reservation, "completed", TaskRouterEventName.reservationCompleted);
      }
      const state = this.routing.get(this.key(ref, taskSid));
      if (state) this.finishRouting(ref, taskSid, state);
      this.emit(ref, TaskRouterEventName.taskCompleted, taskSid, { task });
    }
    this.assign(ref);
  }

  /** Updates a reservation as the API does (`ReservationStatus`); used by agents and pure tests. */
  updateReservation(
    ref: WorkspaceRef,
    reservationSid: string,
    status: ApiReservationStatus,
    options: { workerActivitySid?: string } = {},
  ): void {
    const reservation = this.port.reservation(ref, reservationSid);
    if (!reservation) throw new Error(`updateReservation ${reservationSid}: 404 not found`);
    const allowed: Record<ApiReservationStatus, ReservationStatus[]> = {
      accepted: ["pending"],
      rejected: ["pending"],
      wrapping: ["accepted"],
      completed: ["accepted", "wrapping"],
    };
    if (!allowed[status].includes(reservation.status)) {
      throw new Error(`updateReservation ${reservationSid}: 400 cannot move from ${reservation.status} to ${status}`);
    }
    const previous = reservation.status;
    this.port.updateReservation(ref, reservationSid, status);
    this.reservationStatusChanged(ref, reservationSid, previous, status, options);
  }

  /** The consequences of a reservation status the API already stored. */
  reservationStatusChanged(
    ref: WorkspaceRef,
    reservationSid: string,
    _previous: ReservationStatus,
    status: ApiReservationStatus,
    options: { workerActivitySid?: string } = {},
  ): void {
    const reservation = this.port.reservation(ref, reservationSid);
    if (!reservation) return;
    this.clearReservationTimer(ref, reservationSid);
    if (status === "accepted") {
      this.port.updateTask(ref, reservation.taskSid, { assignmentStatus: "assigned" });
      // Assigned: the task leaves the workflow, so its TTL and step timers stop.
      const state = this.routing.get(this.key(ref, reservation.taskSid));
      if (state) this.finishRouting(ref, reservation.taskSid, state);
      this.emitReservation(ref, TaskRouterEventName.reservationAccepted, reservationSid);
    } else if (status === "rejected") {
      this.routing.get(this.key(ref, reservation.taskSid))?.declinedBy.add(reservation.workerSid);
      this.returnToPending(ref, reservation.taskSid);
      this.emitReservation(ref, TaskRouterEventName.reservationRejected, reservationSid);
      if (options.workerActivitySid) this.moveWorker(ref, reservation.workerSid, options.workerActivitySid);
    } else if (status === "wrapping") {
      this.emitReservation(ref, TaskRouterEventName.reservationWrapup, reservationSid);
      // The task wraps up once no reservation of it is still being handled.
      if (this.reservationsOf(ref, reservation.taskSid, ["accepted"]).length === 0)
        this.wrapTask(ref, reservation.taskSid);
    } else {
      this.emitReservation(ref, TaskRouterEventName.reservationCompleted, reservationSid);
      if (this.reservationsOf(ref, reservation.taskSid, ["accepted", "wrapping"]).length === 0) {
        this.completeTask(ref, reservation.taskSid);
      }
    }
    this.assign(ref);
  }

  /** A worker's activity changed (API or agent): emit worker.activity.update and try to assign. */
  workerActivityChanged(ref: WorkspaceRef, workerSid: string, previousActivitySid?: string): void {
    const worker = this.port.workers(ref).find((w) => w.sid === workerSid);
    if (!worker) return;
    const activities = this.port.activities(ref);
    this.emit(ref, TaskRouterEventName.workerActivityUpdate, worker.sid, {
      worker,
      activity: activities.find((a) => a.sid === worker.activitySid),
      previousActivity: activities.find((a) => a.sid === previousActivitySid),
    });
    this.assign(ref);
  }

  /** A worker's attributes or capacity changed: it may now fit pending tasks. */
  workerUpdated(ref: WorkspaceRef): void {
    this.assign(ref);
  }

  /** A task was deleted through the API: its timers stop and freed capacity is reassigned. */
  taskDeleted(ref: WorkspaceRef, taskSid: string): void {
    const state = this.routing.get(this.key(ref, taskSid));
    if (state) this.finishRouting(ref, taskSid, state);
    // Its reservations went with it; their timers find nothing when they fire.
    this.assign(ref);
  }

  /** Stops every timer (the twin is shutting down or resetting). */
  dispose(): void {
    for (const state of this.routing.values()) {
      this.clearStepTimer(state);
      if (state.ttlTimer) this.clock.clearTimer(state.ttlTimer);
    }
    for (const timer of this.reservationTimers.values()) this.clock.clearTimer(timer);
    this.routing.clear();
    this.reservationTimers.clear();
  }

  /** The step a task is in (for tests and the control API). */
  routingOf(ref: WorkspaceRef, taskSid: string): { filter: string; step: number; queueSid: string | null } | null {
    const state = this.routing.get(this.key(ref, taskSid));
    if (!state) return null;
    return {
      filter: state.filterFriendlyName,
      step: state.step,
      queueSid: this.port.task(ref, taskSid)?.taskQueueSid ?? null,
    };
  }

  // ---- routing ----

  private route(ref: WorkspaceRef, task: RouterTask, state: TaskRouting): void {
    const workflow = this.port.workflow(ref, task.workflowSid);
    if (!workflow) return;
    const match = matchFilter(workflow.configuration, task.attributes);
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
    const queues = this.port.queues(ref);
    for (let step = from; step < state.targets.length; step++) {
      const target = state.targets[step];
      const queue = findTargetQueue(target, queues);
      const task = this.requireTask(ref, taskSid);
      if (!queue) continue;
      this.checkKnownWorkerQueue(ref, task, target, queue);
      // skip_if is decided on the workers who could take the task right now.
      const available = this.reservableWorkers(ref, task, target, state).length;
      if (step < state.targets.length - 1 && shouldSkipTarget(target, task.attributes, available)) continue;
      const previousQueue = task.taskQueueSid;
      state.step = step;
      state.queueEnteredAt = this.clock.now();
      this.port.updateTask(ref, taskSid, {
        taskQueueSid: queue.sid,
        ...(target.priority !== undefined ? { priority: target.priority } : {}),
      });
      const updated = this.requireTask(ref, taskSid);
      if (previousQueue && previousQueue !== queue.sid) {
        this.emit(ref, TaskRouterEventName.taskQueueMoved, taskSid, { task: updated, queue });
      }
      this.emit(ref, TaskRouterEventName.taskQueueEntered, taskSid, {
        task: updated,
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
  private checkKnownWorkerQueue(ref: WorkspaceRef, task: RouterTask, target: WorkflowTarget, queue: RouterQueue): void {
    const sid = target.known_worker_sid ? resolveKnownWorker(target.known_worker_sid, task.attributes) : null;
    const name = target.known_worker_friendly_name
      ? resolveKnownWorker(target.known_worker_friendly_name, task.attributes)
      : null;
    if (sid === null && name === null) return;
    const worker = this.port.workers(ref).find((w) => (sid !== null ? w.sid === sid : w.friendlyName === name));
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
    const task = this.port.task(ref, taskSid);
    if (!state || !task || !LIVE_TASK.has(task.assignmentStatus)) return;
    state.stepTimer = null;
    const queue = this.port.queues(ref).find((q) => q.sid === task.taskQueueSid) ?? null;
    this.emit(ref, TaskRouterEventName.taskQueueTimeout, taskSid, { task, queue });
    // A reservation offered in the old step is rescinded: the task moves on.
    for (const reservation of this.reservationsOf(ref, taskSid, ["pending"])) {
      this.endPendingReservation(ref, reservation, "rescinded");
    }
    if (state.step >= state.targets.length - 1) {
      this.emit(ref, TaskRouterEventName.workflowTimeout, taskSid, { task });
      this.cancelTask(ref, task, WORKFLOW_TIMEOUT_REASON);
    } else {
      this.port.updateTask(ref, taskSid, { assignmentStatus: "pending" });
      this.enterStep(ref, taskSid, state, state.step + 1);
    }
    this.assign(ref);
  }

  private ttlExpired(ref: WorkspaceRef, taskSid: string): void {
    const task = this.port.task(ref, taskSid);
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
    const tasks = this.port.tasks(ref);
    const pending = tasks
      .filter((t) => t.assignmentStatus === "pending" && (this.routing.get(this.key(ref, t.sid))?.step ?? -1) >= 0)
      .sort((a, b) => b.priority - a.priority || a.dateCreated.getTime() - b.dateCreated.getTime());
    if (pending.length === 0) return;
    // One snapshot per pass; each reservation made updates it, so later tasks see the used capacity.
    const snapshot = this.snapshot(ref, tasks);
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
      const key = `${candidates[0].sid}/${task.taskChannelUniqueName}`;
      snapshot.used.set(key, (snapshot.used.get(key) ?? 0) + 1);
    }
  }

  /** What a pass reads once: workers, queues, available activities, capacity used per worker and channel. */
  private snapshot(ref: WorkspaceRef, tasks: RouterTask[] = this.port.tasks(ref)): AssignmentSnapshot {
    const channelOf = new Map(tasks.map((t) => [t.sid, t.taskChannelUniqueName]));
    // Keyed by `${workerSid}/${channel}`: reservations holding capacity.
    const used = new Map<string, number>();
    for (const r of this.port.reservations(ref)) {
      if (!CAPACITY_HOLDING.has(r.status)) continue;
      const key = `${r.workerSid}/${channelOf.get(r.taskSid) ?? "default"}`;
      used.set(key, (used.get(key) ?? 0) + 1);
    }
    return {
      workers: this.port.workers(ref),
      queues: this.port.queues(ref),
      available: new Set(
        this.port
          .activities(ref)
          .filter((a) => a.available)
          .map((a) => a.sid),
      ),
      used,
    };
  }

  /** Eligible workers of a step who are available and have capacity for the task's channel. */
  private reservableWorkers(
    ref: WorkspaceRef,
    task: RouterTask,
    target: WorkflowTarget,
    state: TaskRouting,
    snapshot: AssignmentSnapshot = this.snapshot(ref),
  ): RouterWorker[] {
    const queue = findTargetQueue(target, snapshot.queues);
    if (!queue) return [];
    const channel = task.taskChannelUniqueName;
    return eligibleWorkers(target, queue, task.attributes, snapshot.workers).filter((worker) => {
      if (!snapshot.available.has(worker.activitySid) || state.declinedBy.has(worker.sid)) return false;
      const capacity = worker.channelCapacity?.[channel] ?? defaultChannelCapacity();
      return (snapshot.used.get(`${worker.sid}/${channel}`) ?? 0) < capacity;
    });
  }

  private reserve(ref: WorkspaceRef, task: RouterTask, worker: RouterWorker): void {
    const reservation = this.port.createReservation(ref, task.sid, worker.sid);
    this.port.updateTask(ref, task.sid, { assignmentStatus: "reserved" });
    this.lastReservedAt.set(this.key(ref, worker.sid), this.clock.now().getTime());
    const workflow = this.port.workflow(ref, task.workflowSid);
    const timeoutSeconds = workflow?.taskReservationTimeout ?? 120;
    this.reservationTimers.set(
      this.key(ref, reservation.sid),
      this.clock.setTimer(timeoutSeconds * 1000, () => this.reservationTimedOut(ref, reservation.sid)),
    );
    this.emitReservation(ref, TaskRouterEventName.reservationCreated, reservation.sid);
  }

  private reservationTimedOut(ref: WorkspaceRef, reservationSid: string): void {
    this.reservationTimers.delete(this.key(ref, reservationSid));
    const reservation = this.port.reservation(ref, reservationSid);
    if (!reservation || reservation.status !== "pending") return;
    this.port.updateReservation(ref, reservationSid, "timeout");
    this.routing.get(this.key(ref, reservation.taskSid))?.declinedBy.add(reservation.workerSid);
    this.returnToPending(ref, reservation.taskSid);
    this.emitReservation(ref, TaskRouterEventName.reservationTimeout, reservationSid);
    // Twilio moves a worker who let a reservation time out to the workspace's timeout activity.
    const timeoutActivity = this.port.workspace(ref)?.timeoutActivitySid;
    if (timeoutActivity) this.moveWorker(ref, reservation.workerSid, timeoutActivity);
    this.assign(ref);
  }

  private moveWorker(ref: WorkspaceRef, workerSid: string, activitySid: string): void {
    const worker = this.port.workers(ref).find((w) => w.sid === workerSid);
    if (!worker || worker.activitySid === activitySid) return;
    const previous = worker.activitySid;
    this.port.setWorkerActivity(ref, workerSid, activitySid);
    this.workerActivityChanged(ref, workerSid, previous);
  }

  private wrapTask(ref: WorkspaceRef, taskSid: string, reason?: string): void {
    const task = this.requireTask(ref, taskSid);
    if (task.assignmentStatus !== "assigned") return;
    this.port.updateTask(ref, taskSid, { assignmentStatus: "wrapping", ...(reason ? { reason } : {}) });
    this.emit(ref, TaskRouterEventName.taskWrapup, taskSid, { task: this.requireTask(ref, taskSid) });
  }

  private completeTask(ref: WorkspaceRef, taskSid: string, reason?: string): void {
    const task = this.requireTask(ref, taskSid);
    if (task.assignmentStatus !== "assigned" && task.assignmentStatus !== "wrapping") return;
    this.port.updateTask(ref, taskSid, { assignmentStatus: "completed", ...(reason ? { reason } : {}) });
    this.emit(ref, TaskRouterEventName.taskCompleted, taskSid, { task: this.requireTask(ref, taskSid) });
  }

  /** Cancels a task still in the workflow (TTL, last step timeout). */
  private cancelTask(ref: WorkspaceRef, task: RouterTask, reason: string): void {
    this.port.updateTask(ref, task.sid, { assignmentStatus: "canceled", reason });
    this.afterCancel(ref, this.requireTask(ref, task.sid));
  }

  private afterCancel(ref: WorkspaceRef, task: RouterTask): void {
    for (const reservation of this.reservationsOf(ref, task.sid, ["pending"])) {
      this.endPendingReservation(ref, reservation, "canceled");
    }
    const state = this.routing.get(this.key(ref, task.sid));
    if (state) this.finishRouting(ref, task.sid, state);
    this.emit(ref, TaskRouterEventName.taskCanceled, task.sid, { task }, { reason: task.reason });
  }

  private endPendingReservation(
    ref: WorkspaceRef,
    reservation: RouterReservation,
    status: "canceled" | "rescinded",
  ): void {
    this.clearReservationTimer(ref, reservation.sid);
    this.port.updateReservation(ref, reservation.sid, status);
    this.emitReservation(
      ref,
      status === "canceled" ? TaskRouterEventName.reservationCanceled : TaskRouterEventName.reservationRescinded,
      reservation.sid,
    );
  }

  private setReservation(
    ref: WorkspaceRef,
    reservation: RouterReservation,
    status: ReservationStatus,
    event: TaskRouterEventName,
  ): void {
    this.port.updateReservation(ref, reservation.sid, status);
    this.emitReservation(ref, event, reservation.sid);
  }

  private returnToPending(ref: WorkspaceRef, taskSid: string): void {
    const task = this.port.task(ref, taskSid);
    if (task?.assignmentStatus === "reserved") this.port.updateTask(ref, taskSid, { assignmentStatus: "pending" });
  }

  private finishRouting(ref: WorkspaceRef, taskSid: string, state: TaskRouting): void {
    this.clearStepTimer(state);
    if (state.ttlTimer) this.clock.clearTimer(state.ttlTimer);
    state.ttlTimer = null;
    this.routing.delete(this.key(ref, taskSid));
  }

  // ---- helpers ----

  private reservationsOf(ref: WorkspaceRef, taskSid: string, statuses: ReservationStatus[]): RouterReservation[] {
    return this.port.reservations(ref).filter((r) => r.taskSid === taskSid && statuses.includes(r.status));
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

  private requireTask(ref: WorkspaceRef, taskSid: string): RouterTask {
    const task = this.port.task(ref, taskSid);
    if (!task) throw new Error(`task ${taskSid}: 404 not found`);
    return task;
  }

  private key(ref: WorkspaceRef, sid: string): string {
    return `${ref.accountSid}/${sid}`;
  }

  private emitReservation(ref: WorkspaceRef, name: TaskRouterEventName, reservationSid: string): void {
    const reservation = this.port.reservation(ref, reservationSid);
    if (!reservation) return;
    const task = this.port.task(ref, reservation.taskSid);
    const worker = this.port.workers(ref).find((w) => w.sid === reservation.workerSid);
    const activity = this.port.activities(ref).find((a) => a.sid === worker?.activitySid);
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
    const full: EventSubjects = { workspace: this.port.workspace(ref), ...subjects };
    if (full.task && full.queue === undefined) {
      full.queue = this.port.queues(ref).find((q) => q.sid === full.task?.taskQueueSid) ?? null;
      full.queueEnteredAt = this.routing.get(this.key(ref, full.task.sid))?.queueEnteredAt ?? null;
    }
    if (full.task && !full.workflow) full.workflow = this.port.workflow(ref, full.task.workflowSid);
    const id = newEventId();
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
