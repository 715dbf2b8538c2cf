// Event Streams' URL table (twilio_events_v1.json). Every route is a standard operation: the
// backend method of that name serves it (http/operations.ts).
import { routeTable } from "../http/router";
import * as r from "./responses";

const SUB_EVENTS = "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents";

export const eventStreamsRoutes = routeTable(
  "events.twilio.com",
  [
    // Sinks: where events go (webhook destinations here).
    ["GET", "/v1/Sinks", "listSink", r.serializeSink],
    ["POST", "/v1/Sinks", "createSink", r.serializeSink],
    ["GET", "/v1/Sinks/{Sid}", "fetchSink", r.serializeSink],
    ["POST", "/v1/Sinks/{Sid}", "updateSink", r.serializeSink],
    ["DELETE", "/v1/Sinks/{Sid}", "deleteSink", r.serializeSink],
    ["POST", "/v1/Sinks/{Sid}/Test", "createSinkTest", r.serializeSinkTest],
    ["POST", "/v1/Sinks/{Sid}/Validate", "createSinkValidate", r.serializeSinkValidate],
    // Subscriptions: which event types go to which sink (the sink must be active).
    ["GET", "/v1/Subscriptions", "listSubscription", r.serializeSubscription],
    ["POST", "/v1/Subscriptions", "createSubscription", r.serializeSubscription],
    ["GET", "/v1/Subscriptions/{Sid}", "fetchSubscription", r.serializeSubscription],
    ["POST", "/v1/Subscriptions/{Sid}", "updateSubscription", r.serializeSubscription],
    ["DELETE", "/v1/Subscriptions/{Sid}", "deleteSubscription", r.serializeSubscription],
    // The types of a subscription, each with its schema version ({Type} is the type name).
    ["GET", SUB_EVENTS, "listSubscribedEvent", r.serializeSubscribedEvent],
    ["POST", SUB_EVENTS, "createSubscribedEvent", r.serializeSubscribedEvent],
    ["GET", `${SUB_EVENTS}/{Type}`, "fetchSubscribedEvent", r.serializeSubscribedEvent],
    ["POST", `${SUB_EVENTS}/{Type}`, "updateSubscribedEvent", r.serializeSubscribedEvent],
    ["DELETE", `${SUB_EVENTS}/{Type}`, "deleteSubscribedEvent", r.serializeSubscribedEvent],
  ],
  (account) => account.eventStreams,
);
