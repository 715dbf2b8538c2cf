// Event Streams delivery: TaskRouter events become CloudEvents
// (https://www.twilio.com/docs/events/event-delivery-and-duplication) and go, as a JSON array, to
// every webhook sink with a subscription to their type. Events produced in the same turn of the
// event loop travel in one batch per sink when the sink has `batch_events` (else one request per
// event, still an array of one: the documented body shape). Also delivers the workspace's
// EventCallbackUrl (form-encoded, one request per event, filtered by EventsFilter). Sinks are the
// account's active webhook sinks (this product's backend) plus extra ones registered directly.
import type { AccountStore } from "../store";
import { cloudEventType, eventCallbackParams, type TaskRouterEvent } from "../taskrouter/routing/events";
import type { EventStreamsBackend } from "./backend";
import type { WebhookDispatcher } from "./webhooks";

/** A webhook sink with the event types its subscriptions include. */
export interface EventSinkTarget {
  sinkSid: string;
  destination: string;
  method: "POST" | "GET";
  batchEvents: boolean;
  /** Subscribed CloudEvent types (`com.twilio.taskrouter.task.canceled` ...). */
  types: ReadonlySet<string>;
  /** Schema version subscribed per type (the dataschema's last segment); 1 when absent. */
  schemaVersions?: ReadonlyMap<string, number>;
}

/**
 * Extra sinks registered directly, per account (tests and tools that do not create sinks over
 * REST); delivered to alongside the REST-created ones.
 */
export class SinkRegistry {
  private readonly byAccount = new Map<string, EventSinkTarget[]>();
  add(accountSid: string, sink: EventSinkTarget): void {
    this.byAccount.set(accountSid, [...this.list(accountSid).filter((s) => s.sinkSid !== sink.sinkSid), sink]);
  }
  list(accountSid: string): EventSinkTarget[] {
    return [...(this.byAccount.get(accountSid) ?? [])];
  }
  clear(): void {
    this.byAccount.clear();
  }
}

/** The backend's active webhook sinks, each with the types (and schema versions) its subscriptions include. */
function restSinks(backend: EventStreamsBackend): EventSinkTarget[] {
  return backend
    .listSink({ status: "active" })
    .filter((sink) => sink.sinkType === "webhook" && typeof sink.sinkConfiguration.destination === "string")
    .map((sink) => {
      const config = sink.sinkConfiguration;
      const subscribed = backend.listSubscription({ sinkSid: sink.sid }).flatMap((s) => [...s.types.values()]);
      return {
        sinkSid: sink.sid,
        destination: String(config.destination),
        method: String(config.method ?? "POST").toUpperCase() === "GET" ? ("GET" as const) : ("POST" as const),
        // Twilio's sink_configuration carries batch_events as a boolean (or its string).
        batchEvents: config.batch_events === true || config.batch_events === "true",
        types: new Set(subscribed.map((t) => t.type)),
        schemaVersions: new Map(subscribed.map((t) => [t.type, t.schemaVersion])),
      };
    });
}

export interface CloudEvent {
  specversion: "1.0";
  type: string;
  source: string;
  id: string;
  dataschema: string;
  datacontenttype: "application/json";
  time: string;
  /** The envelope of Twilio's examples (https://www.twilio.com/docs/events/event-types/taskrouter/task). */
  data: {
    sid: string;
    /** PascalCase event name, e.g. `ReservationAccepted`. */
    name: string;
    account_sid: string;
    timestamp: string;
    level: "INFO";
    /** Resource group: `task`, `reservation`, `worker`, `task-queue`, `workflow`. */
    group: string;
    product_name: "TaskRouter";
    /** The workspace's friendly name. */
    publisher: string;
    publisher_metadata: string;
    payload_type: "application/json";
    payload: Record<string, unknown>;
  };
}

/** Schema URL of TaskRouter events, without the version (`/<schema_version>` follows). */
export const TASKROUTER_DATASCHEMA = "https://events-schemas.twilio.com/TaskRouter.WDSEvent";
/** Most events one batched request carries. */
export const MAX_BATCH = 100;

/** `reservation.accepted` → `ReservationAccepted`, `task-queue.entered` → `TaskQueueEntered`. */
function pascalName(name: string): string {
  return name
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** The CloudEvent Event Streams sends for a TaskRouter event (schema version as subscribed). */
export function toCloudEvent(event: TaskRouterEvent, schemaVersion = 1): CloudEvent {
  const payload = event.payload;
  // `source` names the resource the event is about, under its workspace.
  let source = `/v1/Workspaces/${event.workspaceSid}`;
  if (typeof payload.task_sid === "string") source += `/Tasks/${payload.task_sid}`;
  if (typeof payload.reservation_sid === "string") source += `/Reservations/${payload.reservation_sid}`;
  else if (typeof payload.task_sid !== "string" && typeof payload.worker_sid === "string")
    source += `/Workers/${payload.worker_sid}`;
  return {
    specversion: "1.0",
    type: cloudEventType(event.name),
    source,
    id: event.id,
    dataschema: `${TASKROUTER_DATASCHEMA}/${schemaVersion}`,
    datacontenttype: "application/json",
    time: event.timestamp.toISOString(),
    data: {
      sid: event.id,
      name: pascalName(event.name),
      account_sid: event.accountSid,
      timestamp: event.timestamp.toISOString(),
      level: "INFO",
      group: event.name.slice(0, event.name.lastIndexOf(".")),
      product_name: "TaskRouter",
      publisher: typeof payload.workspace_name === "string" ? payload.workspace_name : "",
      publisher_metadata: "{}",
      payload_type: "application/json",
      payload,
    },
  };
}

export class EventStreamsDelivery {
  // Events waiting for the end of the current turn.
  private pending: TaskRouterEvent[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  /** Sinks besides the account's REST-created ones. */
  readonly sinks = new SinkRegistry();

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly accounts: (accountSid: string) => AccountStore | undefined,
  ) {}

  /** Queues an event; it is delivered at the end of the current turn with the others of that turn. */
  publish(event: TaskRouterEvent): void {
    this.pending.push(event);
    this.deliverWorkspaceCallback(event);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Delivers what is queued now (tests call it to skip the wait for the next turn). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const events = this.pending;
    this.pending = [];
    const byAccount = new Map<string, TaskRouterEvent[]>();
    for (const event of events) byAccount.set(event.accountSid, [...(byAccount.get(event.accountSid) ?? []), event]);
    for (const [accountSid, accountEvents] of byAccount) {
      const backend = this.accounts(accountSid)?.eventStreams;
      for (const sink of [...this.sinks.list(accountSid), ...(backend ? restSinks(backend) : [])]) {
        const matching = accountEvents
          .filter((e) => sink.types.has(cloudEventType(e.name)))
          .map((e) => toCloudEvent(e, sink.schemaVersions?.get(cloudEventType(e.name)) ?? 1));
        const size = sink.batchEvents ? MAX_BATCH : 1;
        for (let i = 0; i < matching.length; i += size) {
          this.dispatcher.send(accountSid, {
            url: sink.destination,
            method: sink.method,
            purpose: `event-streams ${sink.sinkSid}`,
            retry: "at-least-once",
            body: { kind: "json", json: JSON.stringify(matching.slice(i, i + size)) },
          });
        }
      }
    }
  }

  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.pending = [];
  }

  private deliverWorkspaceCallback(event: TaskRouterEvent): void {
    const tr = this.accounts(event.accountSid)?.taskrouter;
    const workspace = tr?.allWorkspaces().find((w) => w.sid === event.workspaceSid);
    const filter = workspace?.eventsFilter?.split(",").map((s) => s.trim());
    if (!workspace?.eventCallbackUrl || (filter && !filter.includes(event.name))) return;
    this.dispatcher.send(event.accountSid, {
      url: workspace.eventCallbackUrl,
      purpose: "workspace-event-callback",
      // TaskRouter does not retry EventCallbackUrl posts.
      retry: "none",
      body: { kind: "form", params: eventCallbackParams(event) },
    });
  }
}
