// Event Streams: parse each request, call the backend, serialise Twilio's JSON. `Types` arrive
// as repeated JSON texts (`{"type": "...", "schema_version": 1}`), as the SDK sends them.
import { iso } from "../http/dates";
import { listV1 } from "../http/paging";
import {
  optionalBool,
  optionalInt,
  optionalList,
  optionalString,
  Params,
  requiredString,
  strings,
} from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, wire } from "../http/wire";
import type { EventStreamsBackend, Sink, SinkType, SubscribedEvent, Subscription } from "./backend";
import { InvalidEventsParameterError } from "./errors";

const BASE = "https://events.twilio.com/v1";

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

/** `sink_configuration` is returned as the object the client sent (destination, method, batch_events). */
function serializeSink(s: Sink): Record<string, unknown> {
  const url = `${BASE}/Sinks/${s.sid}`;
  // The pending test id is the twin's own state (what Validate must name); Twilio does not show it.
  return wire(s, iso, { url, links: { sink_test: `${url}/Test`, sink_validate: `${url}/Validate` } }, [
    "pendingTestId",
  ]);
}

// Subscriptions do not list their types inline: they are the SubscribedEvents sub-resource.
function serializeSubscription(accountSid: string, s: Subscription): Record<string, unknown> {
  const url = `${BASE}/Subscriptions/${s.sid}`;
  return wire(s, iso, { account_sid: accountSid, url, links: links(url, "SubscribedEvents") }, ["types"]);
}

function serializeSubscribedEvent(
  accountSid: string,
  subscriptionSid: string,
  e: SubscribedEvent,
): Record<string, unknown> {
  const url = `${BASE}/Subscriptions/${subscriptionSid}/SubscribedEvents/${e.type}`;
  return wire(e, iso, { account_sid: accountSid, subscription_sid: subscriptionSid, url });
}

const ev = (req: TwinRequest): EventStreamsBackend => req.account.eventStreams;
const acct = (req: TwinRequest): string => req.account.accountSid;

const SINK_TYPES: SinkType[] = ["kinesis", "webhook", "segment", "email"];

/** SinkConfiguration is JSON text in the form; it must be an object. */
function sinkConfiguration(params: Params): Record<string, unknown> {
  const text = requiredString(params, "SinkConfiguration");
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidEventsParameterError("SinkConfiguration must be a JSON object");
}

function typesParam(params: Params): SubscribedEvent[] {
  const entries = optionalList(params, "Types");
  if (!entries || entries.length === 0) requiredString(params, "Types");
  return (entries ?? []).map((text) => {
    let parsed: { type?: unknown; schema_version?: unknown };
    try {
      parsed = JSON.parse(text) as { type?: unknown; schema_version?: unknown };
    } catch {
      throw new InvalidEventsParameterError(`Types entry is not JSON: ${text}`);
    }
    if (typeof parsed.type !== "string") throw new InvalidEventsParameterError("Each Types entry needs a type");
    return { type: parsed.type, schemaVersion: typeof parsed.schema_version === "number" ? parsed.schema_version : 1 };
  });
}

// ---- sinks ----
export function createSink(req: TwinRequest): TwinResponse {
  const sinkType = requiredString(req.form, "SinkType");
  if (!SINK_TYPES.includes(sinkType as SinkType)) {
    throw new InvalidEventsParameterError(`SinkType must be one of ${SINK_TYPES.join(", ")}`);
  }
  const sink = ev(req).createSink({
    description: requiredString(req.form, "Description"),
    sinkType: sinkType as SinkType,
    sinkConfiguration: sinkConfiguration(req.form),
  });
  return created(serializeSink(sink));
}

export function fetchSink(req: TwinRequest): TwinResponse {
  return ok(serializeSink(ev(req).fetchSink(req.params.Sid)));
}

export function listSink(req: TwinRequest): TwinResponse {
  const items = ev(req).listSink({
    inUse: optionalBool(req.query, "InUse"),
    status: optionalString(req.query, "Status"),
  });
  return listV1(req, `${BASE}/Sinks`, "sinks", items, serializeSink);
}

export function updateSink(req: TwinRequest): TwinResponse {
  return ok(
    serializeSink(ev(req).updateSink(req.params.Sid, { description: requiredString(req.form, "Description") })),
  );
}

export function deleteSink(req: TwinRequest): TwinResponse {
  ev(req).deleteSink(req.params.Sid);
  return noContent();
}

// ---- subscriptions: the sink must be active ----
/** The answer says only that the test event was submitted; its id reaches the sink, not the caller. */
export function createSinkTest(req: TwinRequest): TwinResponse {
  ev(req).createSinkTest(req.params.Sid);
  return created({ result: "submitted" });
}

export function createSinkValidate(req: TwinRequest): TwinResponse {
  return created({ result: ev(req).createSinkValidate(req.params.Sid, requiredString(req.form, "TestId")) });
}

export function createSubscription(req: TwinRequest): TwinResponse {
  const subscription = ev(req).createSubscription({
    description: requiredString(req.form, "Description"),
    sinkSid: requiredString(req.form, "SinkSid"),
    types: typesParam(req.form),
  });
  return created(serializeSubscription(acct(req), subscription));
}

export function fetchSubscription(req: TwinRequest): TwinResponse {
  return ok(serializeSubscription(acct(req), ev(req).fetchSubscription(req.params.Sid)));
}

export function listSubscription(req: TwinRequest): TwinResponse {
  const items = ev(req).listSubscription({ sinkSid: optionalString(req.query, "SinkSid") });
  return listV1(req, `${BASE}/Subscriptions`, "subscriptions", items, (s) => serializeSubscription(acct(req), s));
}

export function updateSubscription(req: TwinRequest): TwinResponse {
  const subscription = ev(req).updateSubscription(req.params.Sid, {
    ...strings(req.form, "Description SinkSid"),
  });
  return ok(serializeSubscription(acct(req), subscription));
}

export function deleteSubscription(req: TwinRequest): TwinResponse {
  ev(req).deleteSubscription(req.params.Sid);
  return noContent();
}

// ---- subscribed events, addressed by their type name ----
export function listSubscribedEvent(req: TwinRequest): TwinResponse {
  const sid = req.params.SubscriptionSid;
  return listV1(req, `${BASE}/Subscriptions/${sid}/SubscribedEvents`, "types", ev(req).listSubscribedEvent(sid), (e) =>
    serializeSubscribedEvent(acct(req), sid, e),
  );
}

export function createSubscribedEvent(req: TwinRequest): TwinResponse {
  const sid = req.params.SubscriptionSid;
  const event = ev(req).createSubscribedEvent(sid, {
    type: requiredString(req.form, "Type"),
    schemaVersion: optionalInt(req.form, "SchemaVersion") ?? 1,
  });
  return created(serializeSubscribedEvent(acct(req), sid, event));
}

export function fetchSubscribedEvent(req: TwinRequest): TwinResponse {
  const { SubscriptionSid, Type } = req.params;
  return ok(serializeSubscribedEvent(acct(req), SubscriptionSid, ev(req).fetchSubscribedEvent(SubscriptionSid, Type)));
}

export function updateSubscribedEvent(req: TwinRequest): TwinResponse {
  const { SubscriptionSid, Type } = req.params;
  const event = ev(req).updateSubscribedEvent(SubscriptionSid, Type, optionalInt(req.form, "SchemaVersion"));
  return ok(serializeSubscribedEvent(acct(req), SubscriptionSid, event));
}

export function deleteSubscribedEvent(req: TwinRequest): TwinResponse {
  ev(req).deleteSubscribedEvent(req.params.SubscriptionSid, req.params.Type);
  return noContent();
}
