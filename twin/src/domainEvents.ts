// Typed domain events the product backends emit after every state change, for observers (tests,
// the e2e world, benchmarks): the behaviour itself is called directly by the backends. Events fire
// synchronously, after the change and before the HTTP answer is serialised; a listener that throws
// is a bug in that observer and turns the request into a 500.
import type { Sink, Subscription } from "./events/backend";
import type { PluginRelease } from "./flex/backend";
import type { Build, Deployment } from "./serverless/backend";
import type { SyncDocument, SyncService } from "./sync/backend";
import type { Call, Conference, Participant } from "./voice/backend";
import type {
  Activity,
  Reservation,
  Task,
  TaskQueue,
  Worker,
  WorkerChannel,
  Workflow,
  Workspace,
} from "./taskrouter/backend";

interface Base {
  accountSid: string;
}

export interface TwinEventMap {
  workspaceCreated: Base & { workspace: Workspace };
  workspaceUpdated: Base & { workspace: Workspace };
  workspaceDeleted: Base & { workspace: Workspace };
  activityCreated: Base & { activity: Activity };
  taskQueueCreated: Base & { taskQueue: TaskQueue };
  taskQueueUpdated: Base & { taskQueue: TaskQueue };
  taskQueueDeleted: Base & { taskQueue: TaskQueue };
  workflowCreated: Base & { workflow: Workflow };
  workflowUpdated: Base & { workflow: Workflow };
  workflowDeleted: Base & { workflow: Workflow };
  workerCreated: Base & { worker: Worker };
  /** `previousActivitySid` differs from `worker.activitySid` when the activity changed. */
  workerUpdated: Base & { worker: Worker; previousActivitySid: string };
  workerDeleted: Base & { worker: Worker };
  /** A worker's capacity or availability on one task channel changed. */
  workerChannelUpdated: Base & { workerChannel: WorkerChannel };
  taskCreated: Base & { task: Task };
  taskUpdated: Base & { task: Task; previousStatus: Task["assignmentStatus"] };
  taskDeleted: Base & { task: Task };
  reservationCreated: Base & { reservation: Reservation };
  reservationUpdated: Base & { reservation: Reservation; previousStatus: Reservation["reservationStatus"] };
  syncServiceCreated: Base & { service: SyncService };
  documentCreated: Base & { document: SyncDocument };
  documentUpdated: Base & { document: SyncDocument };
  /** `expired` is true when the TTL removed it. */
  documentDeleted: Base & { document: SyncDocument; expired: boolean };
  callCreated: Base & { call: Call };
  /** `twiml`/`url` are set when the update redirected the call. */
  callUpdated: Base & { call: Call; previousStatus: Call["status"]; twiml?: string; url?: string; method?: string };
  conferenceCreated: Base & { conference: Conference };
  /** `announceUrl` is set when the update asked for an announcement. */
  conferenceUpdated: Base & {
    conference: Conference;
    previousStatus: Conference["status"];
    announceUrl?: string;
    announceMethod?: string;
  };
  participantCreated: Base & { participant: Participant };
  /** `changed` names the fields the update changed (e.g. `endConferenceOnExit`, `hold`). */
  participantUpdated: Base & {
    participant: Participant;
    changed: (keyof Participant)[];
    announceUrl?: string;
    announceMethod?: string;
  };
  participantRemoved: Base & { participant: Participant };
  buildCreated: Base & { build: Build };
  deploymentCreated: Base & { deployment: Deployment };
  sinkCreated: Base & { sink: Sink };
  /** Sinks/{Sid}/Test: deliver a test event carrying `testId` to the sink (Validate needs it back). */
  sinkTestRequested: Base & { sink: Sink; testId: string };
  subscriptionCreated: Base & { subscription: Subscription };
  /** Its description, sink or event types changed. */
  subscriptionUpdated: Base & { subscription: Subscription };
  pluginReleaseCreated: Base & { release: PluginRelease };
  flexConfigurationUpdated: Base & { uiAttributes: Record<string, unknown> };
}

export type TwinEventName = keyof TwinEventMap;
type Listener<K extends TwinEventName> = (event: TwinEventMap[K]) => void;

export class TwinEvents {
  private readonly listeners = new Map<TwinEventName, Set<Listener<never>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends TwinEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends TwinEventName>(name: K, event: TwinEventMap[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) (listener as Listener<K>)(event);
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
