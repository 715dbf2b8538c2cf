// Event Streams' URL table (twilio_events_v1.json).
import { routeTable } from "../http/router";
import * as r from "./responses";

const SUB_EVENTS = "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents";

export const eventStreamsRoutes = routeTable("events.twilio.com", [
  // Sinks: where events go (webhook destinations here).
  ["GET", "/v1/Sinks", r.listSink],
  ["POST", "/v1/Sinks", r.createSink],
  ["GET", "/v1/Sinks/{Sid}", r.fetchSink],
  ["POST", "/v1/Sinks/{Sid}", r.updateSink],
  ["DELETE", "/v1/Sinks/{Sid}", r.deleteSink],
  ["POST", "/v1/Sinks/{Sid}/Test", r.createSinkTest],
  ["POST", "/v1/Sinks/{Sid}/Validate", r.createSinkValidate],
  // Subscriptions: which event types go to which sink.
  ["GET", "/v1/Subscriptions", r.listSubscription],
  ["POST", "/v1/Subscriptions", r.createSubscription],
  ["GET", "/v1/Subscriptions/{Sid}", r.fetchSubscription],
  ["POST", "/v1/Subscriptions/{Sid}", r.updateSubscription],
  ["DELETE", "/v1/Subscriptions/{Sid}", r.deleteSubscription],
  // The types of a subscription, each with its schema version ({Type} is the type name).
  ["GET", SUB_EVENTS, r.listSubscribedEvent],
  ["POST", SUB_EVENTS, r.createSubscribedEvent],
  ["GET", `${SUB_EVENTS}/{Type}`, r.fetchSubscribedEvent],
  ["POST", `${SUB_EVENTS}/{Type}`, r.updateSubscribedEvent],
  ["DELETE", `${SUB_EVENTS}/{Type}`, r.deleteSubscribedEvent],
]);
