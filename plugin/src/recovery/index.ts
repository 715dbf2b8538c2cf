// The recovery controller, its port and the functions client. Free of Flex, React and the DOM, so
// the end-to-end scenarios can drive an agent's plugin from Node (test adapter: `./testing`).
export * from "./types";
export { RecoveryController, GRACEFUL_END_DEADLINE_MS, type ConferenceOptions } from "./controller";
export { classifyReservation, joinedLegs, liveParticipantCount, taskConferenceSid } from "./classify";
export { systemClock } from "./clock";
export { StringTemplates, DEFAULT_STRINGS, renderTemplate } from "./strings";
export {
  RecoveryFunctionsService,
  ApiService,
  type ApiServiceOptions,
  type ApiError,
} from "../services/RecoveryFunctionsService";
