// The one set-up of the twin's behaviour tests: a twin (not listening) on a ManualClock with the
// behaviour attached, a "Flex Task Assignment" workspace, an "Everyone" queue and an "Assign to
// Anyone" workflow, made through the real backends. Helpers create workers and tasks and update
// reservations as the REST API would; `store` reads tasks and reservations with parsed attributes.
import { RECOVERY_PING_QUEUE_TARGET_WORKERS, TaskChannel } from "@flex-call-recovery/vocabulary";
import { ManualClock } from "../../../src/clock";
import { attachEngine } from "../../../src/engine";
import type { ReservationStatus, TaskStatus } from "../../../src/taskrouter/backend";
import type { TaskRouterEvent } from "../../../src/taskrouter/routing/events";
import type { WorkflowConfiguration } from "../../../src/taskrouter/routing/workflow";
import { Twin } from "../../../src/twin";

export const ACCOUNT = "AC" + "2".repeat(32);
export const TOKEN = "h".repeat(32);

export function createHarness() {
  const clock = new ManualClock();
  const twin = new Twin({ clock, accountSid: ACCOUNT, authToken: TOKEN, validateAgainstSpec: false });
  const engine = attachEngine(twin);
  const events: TaskRouterEvent[] = [];
  engine.assignment.onEvent((e) => events.push(e));
  const account = twin.store;
  const tr = account.taskrouter;
  const workspace = tr.createWorkspace({ friendlyName: "Flex Task Assignment" });
  const ref = { accountSid: ACCOUNT, workspaceSid: workspace.sid };
  const ws = workspace.sid;
  const available = tr.listActivity(ws, { friendlyName: "Available" })[0];
  const offline = tr.listActivity(ws, { friendlyName: "Offline" })[0];
  const addQueue = (friendlyName: string, targetWorkers: string) =>
    tr.createTaskQueue(ws, { friendlyName, targetWorkers });
  const addWorkflow = (input: {
    friendlyName: string;
    taskReservationTimeout: number;
    configuration: WorkflowConfiguration;
  }) => tr.createWorkflow(ws, { ...input, configuration: JSON.stringify(input.configuration) });
  const queue = addQueue("Everyone", RECOVERY_PING_QUEUE_TARGET_WORKERS);
  const workflow = addWorkflow({
    friendlyName: "Assign to Anyone",
    taskReservationTimeout: 120,
    configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
  });
  /** A worker in the Available activity unless said otherwise. */
  const worker = (friendlyName: string, attributes: Record<string, unknown> = {}, activitySid = available.sid) =>
    tr.createWorker(ws, { friendlyName, attributes: JSON.stringify(attributes), activitySid });
  const createTask = (input: {
    workflowSid: string;
    attributes: Record<string, unknown>;
    priority?: number;
    timeout?: number;
    taskChannel?: string;
  }) =>
    tr.createTask(ws, {
      workflowSid: input.workflowSid,
      attributes: JSON.stringify(input.attributes),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.timeout !== undefined ? { timeout: input.timeout } : {}),
      taskChannel: input.taskChannel ?? TaskChannel.voice,
    });
  return {
    clock,
    twin,
    engine,
    tr,
    store: engine.taskrouter,
    voiceStore: account.voice,
    voice: engine.voice,
    flex: engine.flex,
    agents: engine.agents,
    webhooks: engine.webhooks,
    events,
    ref,
    available,
    offline,
    queue,
    workflow,
    addQueue,
    addWorkflow,
    worker,
    createTask,
    /** A reservation update as the REST API makes it. */
    updateReservation: (sid: string, status: ReservationStatus) =>
      tr.updateReservation(tr.findReservation(ws, sid)!, { reservationStatus: status }),
    /** A task status update as the REST API makes it. */
    updateTaskStatus: (sid: string, status: TaskStatus, reason?: string) =>
      tr.updateTask(ws, sid, { assignmentStatus: status, ...(reason !== undefined ? { reason } : {}) }),
    setWorkerActivity: (workerSid: string, activitySid: string) => tr.updateWorker(ws, workerSid, { activitySid }),
    /** Capacity of a worker's channel, as the Worker Channels API sets it. */
    setCapacity: (workerSid: string, channel: string, capacity: number) => {
      const record = tr
        .listWorkerChannel(ws, workerSid)
        .find((c) => c.taskChannelSid === tr.fetchTaskChannel(ws, channel).sid);
      tr.updateWorkerChannel(ws, workerSid, record!.sid, { capacity });
    },
    dispose: async () => {
      engine.dispose();
      await engine.webhooks.idle();
      await twin.stop();
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;
