// Event Streams' URL table (twilio_events_v1.json). Every route is a standard operation: the
// backend method of that name serves it (http/operations.ts).
import { resource, routeTable } from "../http/router";
import * as r from "./responses";

const SUB_EVENTS = "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents";

export const eventStreamsRoutes = routeTable(
  "events.twilio.com",
  [
    // Sinks: where events go (webhook destinations here).
    ...resource("Sink", "/v1/Sinks", r.serializeSink),
    ["POST", "/v1/Sinks/{Sid}/Test", "createSinkTest", r.serializeSinkTest],
    ["POST", "/v1/Sinks/{Sid}/Validate", "createSinkValidate", r.serializeSinkValidate],
    // Subscriptions: which event types go to which sink (the sink must be active).
    ...resource("Subscription", "/v1/Subscriptions", r.serializeSubscription),
    // The types of a subscription, each with its schema version ({Type} is the type name).
    ...resource(
      "SubscribedEvent",
      SUB_EVENTS,
      r.serializeSubscribedEvent,
      "list create fetch update delete",
      `${SUB_EVENTS}/{Type}`,
    ),
  ],
  (account) => account.eventStreams,
);
