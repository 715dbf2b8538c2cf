// A read-only view of a workspace's TaskRouter records with parsed attributes, for those who watch
// the routing from outside (the agents' view, the e2e world and its scenarios).
import type { AccountStore } from "../../store";
import type { Reservation, ReservationStatus, Task, TaskRouterBackend, TaskStatus } from "../backend";
import { maybe } from "../../util";
import { attributesOf, routerWorker, type WorkspaceRef } from "./assignment";
import type { RoutingWorker } from "./workflow";

export interface RouterTask {
  sid: string;
  workflowSid: string;
  attributes: Record<string, unknown>;
  priority: number;
  timeout: number;
  taskChannelUniqueName: string;
  assignmentStatus: TaskStatus;
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

export interface RouterWorker extends RoutingWorker {
  activitySid: string;
}

export function reservationView(r: Reservation): RouterReservation {
  return {
    sid: r.sid,
    taskSid: r.taskSid,
    workerSid: r.workerSid,
    status: r.reservationStatus,
    dateCreated: r.dateCreated,
  };
}

export class TaskRouterView {
  constructor(private readonly accounts: (accountSid: string) => AccountStore | undefined) {}

  tasks(ref: WorkspaceRef): RouterTask[] {
    const tr = this.tr(ref);
    return tr ? tr.listTask(ref.workspaceSid).map((t) => taskView(tr, t)) : [];
  }
  task(ref: WorkspaceRef, taskSid: string): RouterTask | undefined {
    const tr = this.tr(ref);
    const task = maybe(() => tr?.fetchTask(ref.workspaceSid, taskSid));
    return tr && task ? taskView(tr, task) : undefined;
  }
  reservations(ref: WorkspaceRef): RouterReservation[] {
    return (this.tr(ref)?.reservationsOf(ref.workspaceSid) ?? []).map(reservationView);
  }
  reservation(ref: WorkspaceRef, reservationSid: string): RouterReservation | undefined {
    const r = this.tr(ref)?.findReservation(ref.workspaceSid, reservationSid);
    return r ? reservationView(r) : undefined;
  }
  workers(ref: WorkspaceRef): RouterWorker[] {
    return (this.tr(ref)?.listWorker(ref.workspaceSid) ?? []).map(routerWorker);
  }
  activities(ref: WorkspaceRef): { sid: string; friendlyName: string; available: boolean }[] {
    return this.tr(ref)?.listActivity(ref.workspaceSid) ?? [];
  }

  private tr(ref: WorkspaceRef): TaskRouterBackend | undefined {
    const tr = this.accounts(ref.accountSid)?.taskrouter;
    return tr?.allWorkspaces().some((w) => w.sid === ref.workspaceSid) ? tr : undefined;
  }
}

function taskView(tr: TaskRouterBackend, t: Task): RouterTask {
  return {
    sid: t.sid,
    workflowSid: t.workflowSid ?? "",
    attributes: attributesOf(t),
    priority: t.priority,
    timeout: t.timeout,
    taskChannelUniqueName: tr.taskChannelOf(t)?.uniqueName ?? "default",
    assignmentStatus: t.assignmentStatus,
    taskQueueSid: t.taskQueueSid,
    reason: t.reason,
    dateCreated: t.dateCreated,
  };
}
