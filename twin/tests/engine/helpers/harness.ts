// The one set-up of the twin's behaviour tests: a Flex-like workspace made through the real backend
// (`seedFlexWorkspace`, also used by the HTTP tests), and `createHarness`: a twin (not listening) on
// a ManualClock with the behaviour attached and that workspace. Helpers create workers and tasks and update
// reservations as the REST API would; `store` reads tasks and reservations with parsed attributes.
import {
  DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS,
  DIRECT_TO_AGENT_EXPRESSION,
  DIRECT_TO_AGENT_FILTER_NAME,
  DIRECT_TO_AGENT_KNOWN_WORKER,
  FLEX_WORKSPACE_NAME,
  PING_FILTER_EXPRESSION,
  PING_FILTER_NAME,
  PING_KNOWN_WORKER,
  RECOVERY_PING_QUEUE_NAME,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
  RECOVERY_PING_WORKFLOW_NAME,
  TaskChannel,
} from "@flex-call-recovery/vocabulary";
import { ManualClock } from "../../../src/clock";
import { attachEngine } from "../../../src/engine";
import type { ReservationStatus, TaskRouterBackend, TaskStatus } from "../../../src/taskrouter/backend";
import type { TaskRouterEvent } from "../../../src/taskrouter/routing/events";
import type { WorkflowConfiguration } from "../../../src/taskrouter/routing/workflow";
import { Twin } from "../../../src/twin";

export const ACCOUNT = "AC" + "2".repeat(32);
export const TOKEN = "h".repeat(32);

/**
 * A Flex-like workspace made through the backend: the default activities, an "Everyone" queue, the
 * "Assign to Anyone" voice workflow with the product's direct-to-agent filter, and the Recovery Ping
 * queue and workflow.
 */
export function seedFlexWorkspace(tr: TaskRouterBackend, options: { eventCallbackUrl?: string } = {}) {
  const workspace = tr.createWorkspace({ friendlyName: FLEX_WORKSPACE_NAME, ...options });
  const ws = workspace.sid;
  const addQueue = (friendlyName: string, targetWorkers: string) =>
    tr.createTaskQueue(ws, { friendlyName, targetWorkers });
  const addWorkflow = (input: {
    friendlyName: string;
    taskReservationTimeout: number;
    configuration: WorkflowConfiguration;
  }) => tr.createWorkflow(ws, { ...input, configuration: JSON.stringify(input.configuration) });
  const everyone = addQueue("Everyone", "1 == 1");
  const pingQueue = addQueue(RECOVERY_PING_QUEUE_NAME, RECOVERY_PING_QUEUE_TARGET_WORKERS);
  const target = (queue: string, knownWorker: string) => [{ queue, known_worker_sid: knownWorker }];
  const voiceWorkflow = addWorkflow({
    friendlyName: "Assign to Anyone",
    taskReservationTimeout: 120,
    configuration: {
      task_routing: {
        filters: [
          {
            filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
            expression: DIRECT_TO_AGENT_EXPRESSION,
            targets: target(everyone.sid, DIRECT_TO_AGENT_KNOWN_WORKER),
          },
        ],
        default_filter: { queue: everyone.sid },
      },
    },
  });
  const pingWorkflow = addWorkflow({
    friendlyName: RECOVERY_PING_WORKFLOW_NAME,
    taskReservationTimeout: DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS,
    configuration: {
      task_routing: {
        filters: [
          {
            filter_friendly_name: PING_FILTER_NAME,
            expression: PING_FILTER_EXPRESSION,
            targets: target(pingQueue.sid, PING_KNOWN_WORKER),
          },
        ],
      },
    },
  });
  return {
    workspace,
    available: tr.listActivity(ws, { friendlyName: "Available" })[0],
    offline: tr.listActivity(ws, { friendlyName: "Offline" })[0],
    everyone,
    pingQueue,
    voiceWorkflow,
    pingWorkflow,
    addQueue,
    addWorkflow,
  };
}

export function createHarness() {
  const clock = new ManualClock();
  const twin = new Twin({ clock, accountSid: ACCOUNT, authToken: TOKEN, validateAgainstSpec: false });
  const engine = attachEngine(twin);
  const events: TaskRouterEvent[] = [];
  engine.assignment.onEvent((e) => events.push(e));
  const account = twin.store;
  const tr = account.taskrouter;
  const seeded = seedFlexWorkspace(tr);
  const ws = seeded.workspace.sid;
  const ref = { accountSid: ACCOUNT, workspaceSid: ws };
  const { available } = seeded;
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
    ...seeded,
    ref,
    queue: seeded.everyone,
    workflow: seeded.voiceWorkflow,
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
