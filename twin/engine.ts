// `@flex-call-recovery/twin/engine`: the behaviour attached to a twin (routing, voice, Event
// Streams, Flex, people, faults), and its pure parts (expressions, workflows, TwiML).
export { attachEngine, TwinEngine } from "./src/engine";
export type { EngineOptions } from "./src/engine";
export { SinkRegistry, toCloudEvent, TASKROUTER_DATASCHEMA } from "./src/events/delivery";
export type { CloudEvent, EventSinkTarget } from "./src/events/delivery";
export { WebhookDispatcher, signWebhook, type WebhookAttempt } from "./src/events/webhooks";
export { FaultInjector, SeededRandom, DEFAULT_FAULTS, type FaultConfig, type LatencySpec } from "./src/faults";
export { AgentDirector, type AgentView } from "./src/people/agents";
export { FlexOrchestrator, type FlexConferenceOptions } from "./src/people/flex";
export {
  AssignmentEngine,
  TASK_TTL_EXCEEDED_REASON,
  WORKFLOW_TIMEOUT_REASON,
  type WorkspaceRef,
} from "./src/taskrouter/routing/assignment";
export { TaskRouterEventName, type TaskRouterEvent } from "./src/taskrouter/routing/events";
export {
  evaluateExpression,
  parseExpression,
  validateExpression,
  ExpressionSyntaxError,
} from "./src/taskrouter/routing/expressions";
export type { RouterReservation, RouterTask, RouterWorker } from "./src/taskrouter/routing/view";
export {
  matchFilter,
  eligibleWorkers,
  parseWorkflowConfiguration,
  WorkflowConfigurationError,
  type WorkflowConfiguration,
} from "./src/taskrouter/routing/workflow";
export {
  VoiceEngine,
  type VoiceEvent,
  type ReasonParticipantLeft,
  type ReasonConferenceEnded,
} from "./src/voice/calls";
export { parseTwiml, TwimlParseError, type TwimlVerb } from "./src/voice/twiml";
