// Event Streams' answers: the serialisers routes.ts serves the operations with (http/operations.ts).
import { iso } from "../http/dates";
import type { TwinRequest } from "../http/router";
import { links, wire } from "../http/wire";
import type { Sink, SubscribedEvent, Subscription } from "./backend";

const BASE = "https://events.twilio.com/v1";

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

/** `sink_configuration` is returned as the object the client sent (destination, method, batch_events). */
export function serializeSink(s: Sink): Record<string, unknown> {
  const url = `${BASE}/Sinks/${s.sid}`;
  return wire(s, iso, { url, links: { sink_test: `${url}/Test`, sink_validate: `${url}/Validate` } });
}

/** The answer says only that the test event was submitted; its id reaches the sink, not the caller. */
export const serializeSinkTest = (): Record<string, unknown> => ({ result: "submitted" });

/** Validate always answers "valid" (backend). */
export const serializeSinkValidate = (result: string): Record<string, unknown> => ({ result });

// Subscriptions do not list their types inline: they are the SubscribedEvents sub-resource.
export function serializeSubscription(s: Subscription, req: TwinRequest): Record<string, unknown> {
  const url = `${BASE}/Subscriptions/${s.sid}`;
  return wire(s, iso, { account_sid: req.account.accountSid, url, links: links(url, "SubscribedEvents") }, ["types"]);
}

/** Subscribed events are addressed by their type name under the subscription of the path. */
export function serializeSubscribedEvent(e: SubscribedEvent, req: TwinRequest): Record<string, unknown> {
  const subscriptionSid = req.params.SubscriptionSid;
  const url = `${BASE}/Subscriptions/${subscriptionSid}/SubscribedEvents/${e.type}`;
  return wire(e, iso, { account_sid: req.account.accountSid, subscription_sid: subscriptionSid, url });
}
