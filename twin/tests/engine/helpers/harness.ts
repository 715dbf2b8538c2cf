// The engine wired to its in-memory stores (no REST layer): TaskRouter assignment, voice, Flex and
// agents over MemoryTaskRouterStore / MemoryVoiceStore, webhooks signed with TOKEN.
import { RECOVERY_PING_QUEUE_TARGET_WORKERS, TaskChannel } from "@flex-call-recovery/vocabulary";
import { ManualClock } from "../../../src/clock";
import { AgentDirector, type AgentsBridge } from "../../../src/engine/agents";
import { AssignmentEngine } from "../../../src/engine/assignment";
import { FlexOrchestrator, type FlexTaskRouterBridge } from "../../../src/engine/flex";
import type { TaskRouterEvent } from "../../../src/engine/taskRouterEvents";
import { MemoryTaskRouterStore } from "./memoryTaskRouterStore";
import { MemoryVoiceStore } from "./memoryVoiceStore";
import { VoiceEngine } from "../../../src/engine/voice";
import type { VoiceTaskBridge } from "../../../src/engine/voicePort";
import { WebhookDispatcher } from "../../../src/engine/webhooks";

export const ACCOUNT = "AC" + "2".repeat(32);
export const TOKEN = "h".repeat(32);

export function createHarness() {
  const clock = new ManualClock();
  const store = new MemoryTaskRouterStore(clock);
  const events: TaskRouterEvent[] = [];
  const engine = new AssignmentEngine({ port: store, clock, onEvent: (e) => events.push(e) });
  const ref = store.addWorkspace(ACCOUNT, { friendlyName: "Flex Task Assignment" });
  const available = store.addActivity(ref, "Available", true);
  const offline = store.addActivity(ref, "Offline", false);
  store.setTimeoutActivity(ref, offline.sid);
  const queue = store.addQueue(ref, "Everyone", RECOVERY_PING_QUEUE_TARGET_WORKERS);
  const workflow = store.addWorkflow(ref, {
    friendlyName: "Assign to Anyone",
    taskReservationTimeout: 120,
    configuration: { task_routing: { filters: [], default_filter: { queue: queue.sid } } },
  });
  const webhooks = new WebhookDispatcher({ clock, authTokenFor: () => TOKEN });
  const voiceStore = new MemoryVoiceStore(clock);

  const createTask = (input: {
    workflowSid: string;
    attributes: Record<string, unknown>;
    priority?: number | null;
    timeout?: number | null;
    taskChannel?: string;
  }) => {
    const task = store.addTask(ref, {
      workflowSid: input.workflowSid,
      attributes: input.attributes,
      priority: input.priority ?? 0,
      timeout: input.timeout ?? 86_400,
      taskChannelUniqueName: input.taskChannel ?? TaskChannel.voice,
    });
    engine.taskCreated(ref, task.sid);
    return task;
  };
  const tasks: VoiceTaskBridge = {
    createTask: (_account, input) => ({ workspaceSid: ref.workspaceSid, taskSid: createTask(input).sid }),
    cancelTask: (_account, _ws, taskSid, reason) => {
      const task = store.task(ref, taskSid);
      if (task && (task.assignmentStatus === "pending" || task.assignmentStatus === "reserved")) {
        engine.updateTaskStatus(ref, taskSid, "canceled", reason);
      }
    },
  };
  const voice = new VoiceEngine({ port: voiceStore, tasks, clock, webhooks });
  const flexBridge: FlexTaskRouterBridge = {
    reservation: (_a, _w, sid) => store.reservation(ref, sid),
    task: (_a, _w, sid) => store.task(ref, sid),
    worker: (_a, _w, sid) => store.workers(ref).find((w) => w.sid === sid),
    updateReservation: (_a, _w, sid, status) => engine.updateReservation(ref, sid, status),
    updateTaskAttributes: (_a, _w, sid, attributes) => {
      const task = store.task(ref, sid);
      if (task) task.attributes = attributes;
    },
  };
  let director: AgentDirector | null = null;
  const flex = new FlexOrchestrator({
    voice,
    taskrouter: flexBridge,
    isClientOnline: (a, w) => director?.isOnline(a, w) ?? true,
  });
  const agentsBridge: AgentsBridge = {
    createWorker: (_a, _w, input) => ({
      workerSid: store.addWorker(ref, {
        friendlyName: input.friendlyName,
        attributes: input.attributes,
        activitySid: offline.sid,
      }).sid,
    }),
    setAvailable: (_a, _w, workerSid, yes) => {
      const previous = store.workers(ref).find((w) => w.sid === workerSid)?.activitySid;
      store.setWorkerActivity(ref, workerSid, yes ? available.sid : offline.sid);
      engine.workerActivityChanged(ref, workerSid, previous);
    },
    reservations: (_a, _w, workerSid) => store.reservations(ref).filter((r) => r.workerSid === workerSid),
    updateReservation: (_a, _w, sid, status) => engine.updateReservation(ref, sid, status),
    isVoiceReservation: (_a, _w, sid) => {
      const r = store.reservation(ref, sid);
      return store.task(ref, r?.taskSid ?? "")?.taskChannelUniqueName === TaskChannel.voice;
    },
    issueFlexToken: (_a, workerSid) => `flex-token-${workerSid}`,
    createTask: (_a, _w, input) => ({ taskSid: createTask(input).sid }),
    taskAttributes: (_a, _w, sid) => store.task(ref, sid)?.attributes,
    workerExists: (_a, _w, workerSid) => store.workers(ref).some((w) => w.sid === workerSid),
  };
  director = new AgentDirector(agentsBridge, voice, flex, clock);
  const dispose = async () => {
    director?.dispose();
    flex.dispose();
    engine.dispose();
    webhooks.dispose();
    await webhooks.idle();
  };
  return {
    clock,
    store,
    engine,
    events,
    ref,
    available,
    offline,
    queue,
    workflow,
    webhooks,
    voiceStore,
    voice,
    flex,
    flexBridge,
    agents: director,
    createTask,
    dispose,
  };
}
