// Event Streams delivery: TaskRouter events become CloudEvents
// (https://www.twilio.com/docs/events/event-delivery-and-duplication) and go, as a JSON array, to
// every webhook sink with a subscription to their type. Events produced in the same turn of the
// event loop travel in one batch per sink when the sink has `batch_events` (else one request per
// event, still an array of one: the documented body shape). Also delivers the workspace's
// EventCallbackUrl (form-encoded, one request per event, filtered by EventsFilter).
import { cloudEventType, eventCallbackParams, type TaskRouterEvent } from "./taskRouterEvents";
import type { WebhookDispatcher } from "./webhooks";

/** A webhook sink with the event types its subscriptions include. */
export interface EventSinkTarget {
  sinkSid: string;
  destination: string;
  method: "POST" | "GET";
  batchEvents: boolean;
  /** Subscribed CloudEvent types (`com.twilio.taskrouter.task.canceled` ...). */
  types: ReadonlySet<string>;
}

/** Where Event Streams state lives (the twin's events backend, or a test's list). */
export interface EventStreamsPort {
  sinks(accountSid: string): EventSinkTarget[];
  /** The workspace's EventCallbackUrl and EventsFilter (null filter = every type). */
  workspaceCallback(accountSid: string, workspaceSid: string): { url: string; eventsFilter: string[] | null } | null;
}

export interface CloudEvent {
  specversion: "1.0";
  type: string;
  source: string;
  id: string;
  dataschema: string;
  datacontenttype: "application/json";
  time: string;
  data: { name: string; payload: Record<string, unknown> };
}

/** Schema URL Event Streams gives TaskRouter events (schema version 1). */
export const TASKROUTER_DATASCHEMA = "https://events-schemas.twilio.com/TaskRouter.WDSEvent/1";
/** Most events one batched request carries. */
export const MAX_BATCH = 100;

/** The CloudEvent Event Streams sends for a TaskRouter event. */
export function toCloudEvent(event: TaskRouterEvent): CloudEvent {
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
    dataschema: TASKROUTER_DATASCHEMA,
    datacontenttype: "application/json",
    time: event.timestamp.toISOString(),
    data: { name: event.name, payload },
  };
}

export class EventStreamsDelivery {
  // Events waiting for the end of the current turn, per account.
  private pending: TaskRouterEvent[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly port: EventStreamsPort,
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
      for (const sink of this.port.sinks(accountSid)) {
        const matching = accountEvents.map(toCloudEvent).filter((c) => sink.types.has(c.type));
        const size = sink.batchEvents ? MAX_BATCH : 1;
        for (let i = 0; i < matching.length; i += size) {
          this.dispatcher.send(accountSid, {
            url: sink.destination,
            method: sink.method,
            purpose: `event-streams ${sink.sinkSid}`,
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
    const callback = this.port.workspaceCallback(event.accountSid, event.workspaceSid);
    if (!callback || (callback.eventsFilter && !callback.eventsFilter.includes(event.name))) return;
    this.dispatcher.send(event.accountSid, {
      url: callback.url,
      purpose: "workspace-event-callback",
      body: { kind: "form", params: eventCallbackParams(event) },
    });
  }
}
