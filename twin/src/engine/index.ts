// The twin's behaviour engine: what makes the REST twin act like Twilio and Flex. Attach it to a
// running twin with `attachEngine(twin)`; the pure parts (expressions, workflow, TwiML) are usable
// on their own.
export { attachEngine, TwinEngine, SinkRegistry } from "./integration";
export type { EngineOptions } from "./integration";
export { evaluateExpression, parseExpression, validateExpression, ExpressionSyntaxError } from "./expressions";
export {
  matchFilter,
  eligibleWorkers,
  parseWorkflowConfiguration,
  WorkflowConfigurationError,
  type WorkflowConfiguration,
} from "./workflow";
export { AssignmentEngine, TASK_TTL_EXCEEDED_REASON, WORKFLOW_TIMEOUT_REASON } from "./assignment";
export { TaskRouterEventName, type TaskRouterEvent } from "./taskRouterEvents";
export { toCloudEvent, TASKROUTER_DATASCHEMA, type CloudEvent, type EventSinkTarget } from "./eventStreams";
export { WebhookDispatcher, signWebhook, type WebhookAttempt } from "./webhooks";
export { FaultInjector, SeededRandom, DEFAULT_FAULTS, type FaultConfig, type LatencySpec } from "./faults";
export { parseTwiml, TwimlParseError, type TwimlVerb } from "./twiml";
export { VoiceEngine, type VoiceEvent, type ReasonParticipantLeft, type ReasonConferenceEnded } from "./voice";
export { FlexOrchestrator, type FlexConferenceOptions } from "./flex";
export { AgentDirector, type AgentView } from "./agents";
export type { RouterTask, RouterReservation, RouterWorker, WorkspaceRef } from "./taskRouterPort";
