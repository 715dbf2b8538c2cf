// pulumi-twilio: Twilio resources as Pulumi dynamic providers on the official SDK — one file per
// resource kind, each with typed args, curated outputs and an exported provider for tests.
export { ApiKey, type ApiKeyArgs } from "./apiKey";
export { EventSink, type EventSinkArgs, type WebhookSinkConfiguration } from "./eventSink";
export { EventSubscription, type EventSubscriptionArgs, type SubscribedEventType } from "./eventSubscription";
export { FlexPluginRelease, type FlexPluginReleaseArgs } from "./flexPluginRelease";
export { FlexUiAttribute, type FlexUiAttributeArgs } from "./flexUiAttributes";
export { ServerlessDeployment, type ServerlessDeploymentArgs } from "./serverlessDeployment";
export { SyncService, type SyncServiceArgs } from "./syncService";
export { TaskQueue, type TaskQueueArgs } from "./taskQueue";
export {
  Workflow,
  type WorkflowArgs,
  type WorkflowConfiguration,
  type WorkflowFilter,
  type WorkflowTarget,
} from "./workflow";
export {
  WorkflowFilterPatch,
  type WorkflowFilterPatchArgs,
  WorkflowsFilterPatch,
  type WorkflowsFilterPatchArgs,
} from "./workflowFilter";
export { Workspace, type WorkspaceArgs } from "./workspace";
export { hashDirectory, listFilesRecursive } from "./hashDirectory";
export { ServerlessService, type ServerlessServiceArgs } from "./serverlessService";
export type { AdoptedOnDelete } from "./adoption";
export {
  baseUrlProblem,
  canonicalJson,
  serverlessClient,
  twilioClient,
  TWILIO_API_BASE_URL_ENV,
  type TwilioCredentials,
} from "./client";
