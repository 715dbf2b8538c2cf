// Public API of the offline Twilio twin. Tests and the demo start one with `startTwin()` and
// point clients at `twin.baseUrl` through the adapters in ./clients.
import { Twin, TwinOptions } from "./twin";

export type { TwinOptions } from "./twin";
export { Twin, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from "./twin";
export type { Clock, TimerHandle } from "./clock";
export { ManualClock, RealClock } from "./clock";
export type { TwinEventMap, TwinEventName } from "./domainEvents";
export { TwinEvents } from "./domainEvents";
export type { RequestInfo, RequestMiddleware } from "./hooks";
export { RequestHooks } from "./hooks";
export type { RequestLogEntry } from "./requestLog";
export { RequestLog } from "./requestLog";
export type { ControlHandler, ControlRequest, ControlResponse } from "./control/api";
export { ControlApi, ControlError } from "./control/api";
export type { Route, TwinRequest, TwinResponse } from "./http/router";
export { TwilioError, toErrorBody } from "./http/errors";
export { readBody } from "./http/readBody";
export { AccountStore } from "./store";
export { ALL_ROUTES } from "./routes";
export { FLEX_DEFAULTS, seedFlexAccount } from "./flexAccount";
export type { FlexAccountSeed } from "./flexAccount";
export * from "./clients";
// The behaviour (routing, voice, Event Streams, people, faults): `attachEngine(twin)`.
export * from "../engine";

/** The running twin (a `Twin`): baseUrl, credentials, stop(), store, events, hooks, requestLog, control, clock. */
export type RunningTwin = Twin;

export async function startTwin(options: TwinOptions = {}): Promise<RunningTwin> {
  const twin = new Twin(options);
  await twin.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  return twin;
}

// Record types of the per-account store, for code that reads the backends directly (engine, tests).
export type * from "./taskrouter/backend";
export type { DocumentPermission, SyncDocument, SyncService } from "./sync/backend";
export type { Call, CallStatus, Conference, ConferenceStatus, Participant, ParticipantStatus } from "./voice/backend";
export type { Build, Deployment, Environment, ServerlessService, Variable } from "./serverless/backend";
export type { Sink, SubscribedEvent, Subscription } from "./events/backend";
export type { Plugin, PluginConfiguration, PluginRelease, PluginVersion } from "./flex/backend";
export type { FlexToken } from "./iam/backend";
export type { ApiKey } from "./keys/backend";
