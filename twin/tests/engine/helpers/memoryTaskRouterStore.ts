// An in-memory TaskRouterPort for the assignment engine's pure tests (a test double: the twin
// itself runs the engine over its REST store).
import { randomBytes } from "crypto";
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
} from "../../../src/engine/taskRouterPort";
import type { Clock } from "../../../src/clock";

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString("hex");
}

// One workspace's resources, each map keyed by the resource SID.
interface WorkspaceData {
  workspace: RouterWorkspace;
  activities: Map<string, RouterActivity>;
  workers: Map<string, RouterWorker>;
  queues: Map<string, RouterQueue>;
  workflows: Map<string, RouterWorkflow>;
  tasks: Map<string, RouterTask>;
  reservations: Map<string, RouterReservation>;
}

export class MemoryTaskRouterStore implements TaskRouterPort {
  // Keyed by `${accountSid}/${workspaceSid}`.
  private readonly data = new Map<string, WorkspaceData>();

  constructor(private readonly clock: Clock) {}

  addWorkspace(accountSid: string, workspace: Partial<RouterWorkspace> & { friendlyName: string }): WorkspaceRef {
    const full: RouterWorkspace = {
      sid: sid("WS"),
      timeoutActivitySid: null,
      eventCallbackUrl: null,
      eventsFilter: null,
      ...workspace,
    };
    const ref = { accountSid, workspaceSid: full.sid };
    this.data.set(this.key(ref), {
      workspace: full,
      activities: new Map(),
      workers: new Map(),
      queues: new Map(),
      workflows: new Map(),
      tasks: new Map(),
      reservations: new Map(),
    });
    return ref;
  }

  setTimeoutActivity(ref: WorkspaceRef, activitySid: string): void {
    this.ws(ref).workspace.timeoutActivitySid = activitySid;
  }

  addActivity(ref: WorkspaceRef, friendlyName: string, available: boolean): RouterActivity {
    const activity = { sid: sid("WA"), friendlyName, available };
    this.ws(ref).activities.set(activity.sid, activity);
    return activity;
  }

  addWorker(ref: WorkspaceRef, worker: Omit<RouterWorker, "sid"> & { sid?: string }): RouterWorker {
    const full = { sid: sid("WK"), ...worker };
    this.ws(ref).workers.set(full.sid, full);
    return full;
  }

  addQueue(ref: WorkspaceRef, friendlyName: string, targetWorkers = "1 == 1"): RouterQueue {
    const queue = { sid: sid("WQ"), friendlyName, targetWorkers };
    this.ws(ref).queues.set(queue.sid, queue);
    return queue;
  }

  addWorkflow(ref: WorkspaceRef, workflow: Omit<RouterWorkflow, "sid">): RouterWorkflow {
    const full = { sid: sid("WW"), ...workflow };
    this.ws(ref).workflows.set(full.sid, full);
    return full;
  }

  addTask(ref: WorkspaceRef, task: Pick<RouterTask, "workflowSid" | "attributes"> & Partial<RouterTask>): RouterTask {
    const full: RouterTask = {
      sid: sid("WT"),
      priority: 0,
      timeout: 86_400,
      taskChannelUniqueName: "default",
      assignmentStatus: "pending",
      taskQueueSid: null,
      reason: null,
      dateCreated: this.clock.now(),
      ...task,
    };
    this.ws(ref).tasks.set(full.sid, full);
    return full;
  }

  workspace(ref: WorkspaceRef): RouterWorkspace | undefined {
    return this.data.get(this.key(ref))?.workspace;
  }
  activities(ref: WorkspaceRef): RouterActivity[] {
    return [...this.ws(ref).activities.values()];
  }
  workers(ref: WorkspaceRef): RouterWorker[] {
    return [...this.ws(ref).workers.values()];
  }
  queues(ref: WorkspaceRef): RouterQueue[] {
    return [...this.ws(ref).queues.values()];
  }
  workflow(ref: WorkspaceRef, workflowSid: string): RouterWorkflow | undefined {
    return this.ws(ref).workflows.get(workflowSid);
  }
  task(ref: WorkspaceRef, taskSid: string): RouterTask | undefined {
    return this.ws(ref).tasks.get(taskSid);
  }
  tasks(ref: WorkspaceRef): RouterTask[] {
    return [...this.ws(ref).tasks.values()];
  }
  reservation(ref: WorkspaceRef, reservationSid: string): RouterReservation | undefined {
    return this.ws(ref).reservations.get(reservationSid);
  }
  reservations(ref: WorkspaceRef): RouterReservation[] {
    return [...this.ws(ref).reservations.values()];
  }

  updateTask(ref: WorkspaceRef, taskSid: string, patch: Partial<RouterTask>): void {
    const task = this.ws(ref).tasks.get(taskSid);
    if (task) Object.assign(task, patch);
  }
  createReservation(ref: WorkspaceRef, taskSid: string, workerSid: string): RouterReservation {
    const reservation: RouterReservation = {
      sid: sid("WR"),
      taskSid,
      workerSid,
      status: "pending",
      dateCreated: this.clock.now(),
    };
    this.ws(ref).reservations.set(reservation.sid, reservation);
    return reservation;
  }
  updateReservation(ref: WorkspaceRef, reservationSid: string, status: ReservationStatus): void {
    const reservation = this.ws(ref).reservations.get(reservationSid);
    if (reservation) reservation.status = status;
  }
  setWorkerActivity(ref: WorkspaceRef, workerSid: string, activitySid: string): void {
    const worker = this.ws(ref).workers.get(workerSid);
    if (worker) worker.activitySid = activitySid;
  }

  private ws(ref: WorkspaceRef): WorkspaceData {
    const data = this.data.get(this.key(ref));
    if (!data) throw new Error(`workspace ${ref.workspaceSid}: 404 not found`);
    return data;
  }
  private key(ref: WorkspaceRef): string {
    return `${ref.accountSid}/${ref.workspaceSid}`;
  }
}
