// Event Streams state for one account: sinks and subscriptions (event types with schema
// versions). Delivering events to sinks is ./delivery.ts's: it reads the active sinks and their subscriptions.
import { InvalidParameterError, NotFoundError } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { type Dated, insert, patch, stamped, where } from "../util";
import { InvalidEventsParameterError, SinkInUseError } from "./errors";

export type SinkType = "kinesis" | "webhook" | "segment" | "email";
export type SinkStatus = "initialized" | "validating" | "active" | "failed";

export interface Sink extends Dated {
  sid: string;
  description: string;
  sinkType: SinkType;
  /** For webhooks: { destination, method, batch_events }. */
  sinkConfiguration: Record<string, unknown>;
  status: SinkStatus;
}

export interface SubscribedEvent {
  type: string;
  schemaVersion: number;
}

export interface Subscription extends Dated {
  sid: string;
  description: string;
  sinkSid: string;
  /** Event types by type name. */
  types: Map<string, SubscribedEvent>;
}

/** JSON text of a form parameter; `problem` is the 400 when it does not parse. */
function parseJson(text: string, problem: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidEventsParameterError(problem);
  }
}

/** SinkConfiguration is JSON text in the form; it must be an object. */
function sinkConfiguration(text: string): Record<string, unknown> {
  const problem = "SinkConfiguration must be a JSON object";
  const parsed = parseJson(text, problem);
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  throw new InvalidEventsParameterError(problem);
}

/** `Types` arrive as repeated JSON texts (`{"type": "...", "schema_version": 1}`), as the SDK sends them. */
function subscribedEvents(entries: string[]): SubscribedEvent[] {
  return entries.map((text) => {
    const parsed = parseJson(text, `Types entry is not JSON: ${text}`) as { type?: unknown; schema_version?: unknown };
    if (typeof parsed.type !== "string") throw new InvalidEventsParameterError("Each Types entry needs a type");
    return { type: parsed.type, schemaVersion: typeof parsed.schema_version === "number" ? parsed.schema_version : 1 };
  });
}

export class EventStreamsBackend {
  // Sinks by SID (DG...).
  private readonly sinks = new Map<string, Sink>();
  // Subscriptions by SID (DF...).
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(private readonly ctx: BackendContext) {}

  private now(): Date {
    return this.ctx.clock.now();
  }

  // ---- Sinks ----

  /** Webhook sinks need an http(s) destination; the twin delivers to it (engine), Twilio would too. */
  createSink(input: { description: string; sinkType: SinkType; sinkConfiguration: string }): Sink {
    const configuration = sinkConfiguration(input.sinkConfiguration);
    const destination = configuration.destination;
    if (input.sinkType === "webhook" && (typeof destination !== "string" || !/^https?:\/\//.test(destination)))
      throw new InvalidParameterError("SinkConfiguration.destination must be an http(s) URL for a webhook sink");
    return insert(this.sinks, {
      sid: newSid("DG"),
      description: input.description,
      sinkType: input.sinkType,
      sinkConfiguration: configuration,
      // "There is no longer a need for validating a Sink. The status of Sinks is active by default."
      // (https://www.twilio.com/docs/events/event-streams/sink-resource/validate)
      status: "active",
      ...stamped(this.now()),
    });
  }

  /** Unknown SIDs are 20404, as everywhere. */
  fetchSink(sid: string): Sink {
    const sink = this.sinks.get(sid);
    if (!sink) throw new NotFoundError(`/v1/Sinks/${sid}`);
    return sink;
  }

  /** `InUse` means "some subscription points at it". */
  listSink(filter: { inUse?: boolean; status?: string } = {}): Sink[] {
    const { inUse, status } = filter;
    return where(this.sinks.values(), { status }).filter((s) => inUse === undefined || this.isInUse(s.sid) === inUse);
  }

  /** Only the description can change; the sink type and configuration are fixed on Twilio. */
  updateSink(sid: string, input: { description?: string }): Sink {
    return patch(this.fetchSink(sid), input, this.now());
  }

  /** Twilio refuses to delete a sink subscriptions still use. */
  deleteSink(sid: string): void {
    this.fetchSink(sid);
    if (this.isInUse(sid)) throw new SinkInUseError(sid);
    this.sinks.delete(sid);
  }

  private isInUse(sinkSid: string): boolean {
    return [...this.subscriptions.values()].some((s) => s.sinkSid === sinkSid);
  }

  /**
   * Sinks/{Sid}/Test "creates a test event" for the sink
   * (https://www.twilio.com/docs/events/event-streams/sink-resource/test). Its body is not documented, so
   * the twin does not deliver one: observers get the test id from `sinkTestRequested`.
   */
  createSinkTest(sid: string): { testId: string } {
    const sink = this.fetchSink(sid);
    const testId = newSid("TE");
    this.ctx.events.emit("sinkTestRequested", { accountSid: this.ctx.accountSid, sink, testId });
    return { testId };
  }

  /** Sinks/{Sid}/Validate "always returns a result property with a value of valid" (the Validate page). */
  createSinkValidate(sid: string): "valid" {
    this.fetchSink(sid);
    return "valid";
  }

  // ---- Subscriptions ----

  /** At least one type, to a sink that exists; the types map keeps one schema version per type. */
  createSubscription(input: { description: string; sinkSid: string; types: string[] }): Subscription {
    this.fetchSink(input.sinkSid);
    const types = subscribedEvents(input.types);
    if (types.length === 0) throw new InvalidParameterError("Types must list at least one event type");
    return insert(this.subscriptions, {
      sid: newSid("DF"),
      description: input.description,
      sinkSid: input.sinkSid,
      types: new Map(types.map((t) => [t.type, t])),
      ...stamped(this.now()),
    });
  }

  fetchSubscription(sid: string): Subscription {
    const subscription = this.subscriptions.get(sid);
    if (!subscription) throw new NotFoundError(`/v1/Subscriptions/${sid}`);
    return subscription;
  }

  /** Filterable by sink, as Twilio's `SinkSid` query. */
  listSubscription(filter: { sinkSid?: string } = {}): Subscription[] {
    return where(this.subscriptions.values(), filter);
  }

  /** Moving a subscription to another sink needs that sink to exist. */
  updateSubscription(sid: string, input: { description?: string; sinkSid?: string }): Subscription {
    const subscription = this.fetchSubscription(sid);
    if (input.sinkSid !== undefined) this.fetchSink(input.sinkSid);
    return patch(subscription, input, this.now());
  }

  /** Deleting a subscription stops deliveries at once (the delivery reads subscriptions per batch). */
  deleteSubscription(sid: string): void {
    this.fetchSubscription(sid);
    this.subscriptions.delete(sid);
  }

  // ---- Subscribed events ----

  /** In the order the types were subscribed. */
  listSubscribedEvent(subscriptionSid: string): SubscribedEvent[] {
    return [...this.fetchSubscription(subscriptionSid).types.values()];
  }

  /** Addressed by type name, not by SID (subscribed events have none). */
  fetchSubscribedEvent(subscriptionSid: string, type: string): SubscribedEvent {
    const found = this.fetchSubscription(subscriptionSid).types.get(type);
    if (!found) throw new NotFoundError(`/v1/Subscriptions/${subscriptionSid}/SubscribedEvents/${type}`);
    return found;
  }

  /** Adds a type (or changes its schema version when already there); schema version 1 unless given. */
  createSubscribedEvent(subscriptionSid: string, input: { type: string; schemaVersion?: number }): SubscribedEvent {
    const subscription = this.fetchSubscription(subscriptionSid);
    const event = { type: input.type, schemaVersion: input.schemaVersion ?? 1 };
    subscription.types.set(event.type, event);
    subscription.dateUpdated = this.now();
    return event;
  }

  /** Only the schema version can change. */
  updateSubscribedEvent(subscriptionSid: string, type: string, input: { schemaVersion?: number }): SubscribedEvent {
    const event = this.fetchSubscribedEvent(subscriptionSid, type);
    if (input.schemaVersion !== undefined) event.schemaVersion = input.schemaVersion;
    return event;
  }

  /** A subscription keeps at least one type (Twilio refuses to empty it). */
  deleteSubscribedEvent(subscriptionSid: string, type: string): void {
    this.fetchSubscribedEvent(subscriptionSid, type);
    const { types } = this.fetchSubscription(subscriptionSid);
    if (types.size === 1) throw new InvalidParameterError("A subscription must keep at least one event type");
    types.delete(type);
  }
}
