// The recovery stack: every Twilio piece flex-call-recovery needs, wired together. One
// component; each child is a typed dynamic resource from ./pulumi-twilio.
import * as pulumi from "@pulumi/pulumi";
import {
  FLEX_WORKSPACE_NAME,
  FunctionEnv,
  FunctionRoute,
  PLUGIN_SETTINGS_KEY,
  type PluginSettings,
  RECOVERY_PING_QUEUE_NAME,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
  RECOVERY_PING_WORKFLOW_NAME,
  TASK_EVENT_SCHEMA_VERSION,
  TASK_EVENT_SUBSCRIPTION_TYPES,
} from "@flex-call-recovery/vocabulary";
import {
  ApiKey,
  EventSink,
  EventSubscription,
  FlexPluginRelease,
  FlexUiAttribute,
  ServerlessDeployment,
  SyncService,
  TaskQueue,
  Workflow,
  WorkflowFilterPatch,
  Workspace,
  WorkspaceFilterPatch,
} from "./pulumi-twilio";
import { directToAgentFilter, pingWorkflowConfiguration } from "./routingConfiguration";

export interface AnnouncementArgs {
  text: pulumi.Input<string>;
  voice: pulumi.Input<string>;
  language: pulumi.Input<string>;
  /** Played instead of the text when set. */
  recordingUrl: pulumi.Input<string | null>;
}

export interface FunctionsArgs {
  serviceName: pulumi.Input<string>;
  environmentSuffix: pulumi.Input<string>;
  runtime: pulumi.Input<string>;
  /** The built Serverless project (functions/build) and its content hash. */
  sourceDir: pulumi.Input<string>;
  sourceHash: pulumi.Input<string>;
  announcement: AnnouncementArgs;
  pingTimeoutSeconds: pulumi.Input<number>;
  reconnectPriority: pulumi.Input<number>;
  allowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
}

export interface PluginArgs {
  name: pulumi.Input<string>;
  version: pulumi.Input<string>;
  buildDir: pulumi.Input<string>;
  mainFile: pulumi.Input<string>;
  bundleHash: pulumi.Input<string>;
}

export interface RecoveryStackArgs {
  /** Adopt this Flex workspace; null: find it by name. */
  workspaceSid: pulumi.Input<string | null>;
  /** Adopt this Sync service; null: create one with ACLs on. */
  syncServiceSid: pulumi.Input<string | null>;
  /**
   * Voice workflows to patch; plain because each gets its own resource. Null: every workflow of
   * the workspace except the Recovery Ping workflow (one resource that looks them up).
   */
  voiceWorkflowSids: string[] | null;
  pingReservationTimeoutSeconds: pulumi.Input<number>;
  functions: FunctionsArgs;
  /** Runtime settings of the plugin other than the functions' domain (added here). */
  pluginSettings: pulumi.Input<Omit<PluginSettings, "serverlessDomain">>;
  /** The plugin to release; null leaves plugin releases alone. */
  plugin: PluginArgs | null;
}

/** What the functions need to know, before it becomes environment variables. */
export interface FunctionVariableValues {
  workspaceSid: string;
  syncServiceSid: string;
  pingWorkflowSid: string;
  syncApiKeySid: string;
  syncApiKeySecret: string;
  pingTimeoutSeconds: number;
  reconnectPriority: number;
  allowedOrigins: string[];
  announceText: string;
  announceVoice: string;
  announceLanguage: string;
  announceRecordingUrl: string | null;
}

/** The functions' environment, by the names the functions read (vocabulary `FunctionEnv`). */
export function functionVariables(v: FunctionVariableValues): Record<string, string> {
  const vars: Record<string, string> = {
    [FunctionEnv.workspaceSid]: v.workspaceSid,
    [FunctionEnv.syncServiceSid]: v.syncServiceSid,
    [FunctionEnv.recoveryPingWorkflowSid]: v.pingWorkflowSid,
    [FunctionEnv.syncApiKey]: v.syncApiKeySid,
    [FunctionEnv.syncApiSecret]: v.syncApiKeySecret,
    [FunctionEnv.announceText]: v.announceText,
    [FunctionEnv.announceVoice]: v.announceVoice,
    [FunctionEnv.announceLanguage]: v.announceLanguage,
    [FunctionEnv.pingTimeoutSeconds]: String(v.pingTimeoutSeconds),
    [FunctionEnv.reconnectPriority]: String(v.reconnectPriority),
    [FunctionEnv.allowedOrigins]: v.allowedOrigins.join(","),
  };
  // Twilio rejects empty variable values: leave the recording out unless set.
  if (v.announceRecordingUrl) vars[FunctionEnv.announceRecordingUrl] = v.announceRecordingUrl;
  return vars;
}

/** Every function URL of the deployment, keyed by route (e.g. `/announce`). */
export type FunctionUrls = Record<string, string>;

export class RecoveryStack extends pulumi.ComponentResource {
  public readonly workspaceSid: pulumi.Output<string>;
  public readonly recoveryPingQueueSid: pulumi.Output<string>;
  public readonly recoveryPingWorkflowSid: pulumi.Output<string>;
  public readonly syncServiceSid: pulumi.Output<string>;
  public readonly syncApiKeySid: pulumi.Output<string>;
  public readonly functionsServiceSid: pulumi.Output<string>;
  public readonly functionsEnvironmentSid: pulumi.Output<string>;
  public readonly functionsBuildSid: pulumi.Output<string>;
  public readonly functionsDomain: pulumi.Output<string>;
  public readonly functionUrls: pulumi.Output<FunctionUrls>;
  public readonly eventSinkSid: pulumi.Output<string>;
  public readonly eventSubscriptionSid: pulumi.Output<string>;
  /** Patched voice workflow SIDs (the filter is first in each). */
  public readonly patchedWorkflowSids: pulumi.Output<string[]>;
  public readonly pluginSid: pulumi.Output<string | null>;
  public readonly pluginVersionSid: pulumi.Output<string | null>;
  public readonly pluginVersion: pulumi.Output<string | null>;
  public readonly pluginUrl: pulumi.Output<string | null>;
  public readonly pluginReleaseSid: pulumi.Output<string | null>;

  constructor(name: string, args: RecoveryStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flex-call-recovery:index:RecoveryStack", name, {}, opts);
    const child = { parent: this };

    // Adopted, read-only: Flex's own workspace. Its delete is a no-op already; retainOnDelete
    // makes sure no future provider version could ever remove it.
    const workspace = new Workspace(
      `${name}-workspace`,
      { workspaceSid: args.workspaceSid, friendlyName: FLEX_WORKSPACE_NAME },
      { parent: this, retainOnDelete: true },
    );

    const pingQueue = new TaskQueue(
      `${name}-ping-queue`,
      {
        workspaceSid: workspace.sid,
        friendlyName: RECOVERY_PING_QUEUE_NAME,
        targetWorkers: RECOVERY_PING_QUEUE_TARGET_WORKERS,
      },
      child,
    );

    const pingWorkflow = new Workflow(
      `${name}-ping-workflow`,
      {
        workspaceSid: workspace.sid,
        friendlyName: RECOVERY_PING_WORKFLOW_NAME,
        configuration: pingQueue.sid.apply(pingWorkflowConfiguration),
        taskReservationTimeout: args.pingReservationTimeoutSeconds,
      },
      child,
    );

    // The reconnect task must reach the agent it names whatever the customer's own routing says,
    // so "Direct to agent" goes first in every voice workflow the customer's calls use.
    const directToAgent = pingQueue.sid.apply(directToAgentFilter);
    const patchedWorkflowSids = args.voiceWorkflowSids
      ? pulumi.all(
          args.voiceWorkflowSids.map(
            (workflowSid) =>
              new WorkflowFilterPatch(
                `${name}-direct-to-agent-${workflowSid}`,
                { workspaceSid: workspace.sid, workflowSid, filter: directToAgent },
                child,
              ).workflowSid,
          ),
        )
      : new WorkspaceFilterPatch(
          `${name}-direct-to-agent`,
          {
            workspaceSid: workspace.sid,
            excludeWorkflowSids: [pingWorkflow.sid],
            excludeWorkflowNames: [RECOVERY_PING_WORKFLOW_NAME],
            filter: directToAgent,
          },
          child,
        ).workflowSids;

    const sync = new SyncService(
      `${name}-sync`,
      { adoptSid: args.syncServiceSid, friendlyName: `${name} recovery state`, aclEnabled: true },
      child,
    );

    // The functions sign agents' Sync tokens with this key (the auth token is never handed out).
    const apiKey = new ApiKey(`${name}-sync-key`, { friendlyName: `${name} functions (Sync tokens)` }, child);

    const fn = args.functions;
    const announcement = fn.announcement;
    const variables = pulumi
      .output({
        workspaceSid: workspace.sid,
        syncServiceSid: sync.sid,
        pingWorkflowSid: pingWorkflow.sid,
        syncApiKeySid: apiKey.sid,
        syncApiKeySecret: apiKey.secret,
        pingTimeoutSeconds: fn.pingTimeoutSeconds,
        reconnectPriority: fn.reconnectPriority,
        allowedOrigins: fn.allowedOrigins,
        announceText: announcement.text,
        announceVoice: announcement.voice,
        announceLanguage: announcement.language,
        announceRecordingUrl: announcement.recordingUrl,
      })
      .apply(functionVariables);

    const functions = new ServerlessDeployment(
      `${name}-functions`,
      {
        serviceName: fn.serviceName,
        environmentSuffix: fn.environmentSuffix,
        runtime: fn.runtime,
        sourceDir: fn.sourceDir,
        sourceHash: fn.sourceHash,
        // The API key secret is inside: keep the whole map secret.
        variables: pulumi.secret(variables),
      },
      child,
    );

    // Batching on: the handler accepts arrays of CloudEvents, and fewer requests under load.
    const sink = new EventSink(
      `${name}-task-events-sink`,
      {
        description: `${name} task events to task-event-handler`,
        sinkConfiguration: functions.url(FunctionRoute.taskEventHandler).apply((destination) => ({
          destination,
          method: "POST" as const,
          batch_events: true,
        })),
      },
      child,
    );

    const subscription = new EventSubscription(
      `${name}-task-events`,
      {
        description: `${name} recovery task events`,
        sinkSid: sink.sid,
        types: TASK_EVENT_SUBSCRIPTION_TYPES.map((type) => ({ type, schema_version: TASK_EVENT_SCHEMA_VERSION })),
      },
      child,
    );

    const plugin = args.plugin
      ? new FlexPluginRelease(
          `${name}-plugin`,
          {
            pluginName: args.plugin.name,
            version: args.plugin.version,
            buildDir: args.plugin.buildDir,
            mainFile: args.plugin.mainFile,
            bundleHash: args.plugin.bundleHash,
            changelog: pulumi.interpolate`flex-call-recovery ${args.plugin.version}`,
          },
          { parent: this },
        )
      : null;

    // One plugin bundle serves every stack: it finds this stack's functions, and where its lazy
    // chunk is (the released version's public folder), through ui_attributes. Written after the
    // release, which is what knows that folder; until then a freshly loaded plugin has no settings.
    new FlexUiAttribute(
      `${name}-plugin-settings`,
      {
        key: PLUGIN_SETTINGS_KEY,
        value: pulumi
          .all([functions.domain, args.pluginSettings, plugin ? plugin.assetBaseUrl : undefined])
          .apply(
            ([serverlessDomain, settings, assetBaseUrl]) =>
              ({ ...settings, serverlessDomain, ...(assetBaseUrl ? { assetBaseUrl } : {}) }) satisfies PluginSettings,
          ),
      },
      child,
    );

    // Null rather than absent when the plugin part is off: outputs keep one shape per stack.
    this.workspaceSid = workspace.sid;
    this.recoveryPingQueueSid = pingQueue.sid;
    this.recoveryPingWorkflowSid = pingWorkflow.sid;
    this.syncServiceSid = sync.sid;
    this.syncApiKeySid = apiKey.sid;
    this.functionsServiceSid = functions.sid;
    this.functionsEnvironmentSid = functions.environmentSid;
    this.functionsBuildSid = functions.buildSid;
    this.functionsDomain = functions.domain;
    this.functionUrls = functions.domain.apply((domain) =>
      Object.fromEntries(Object.values(FunctionRoute).map((route) => [route, `https://${domain}${route}`])),
    );
    this.eventSinkSid = sink.sid;
    this.eventSubscriptionSid = subscription.sid;
    this.patchedWorkflowSids = patchedWorkflowSids;
    this.pluginSid = plugin ? plugin.pluginSid : pulumi.output(null);
    this.pluginVersionSid = plugin ? plugin.pluginVersionSid : pulumi.output(null);
    this.pluginVersion = plugin ? plugin.version : pulumi.output(null);
    this.pluginUrl = plugin ? plugin.pluginUrl : pulumi.output(null);
    this.pluginReleaseSid = plugin ? plugin.releaseSid : pulumi.output(null);

    this.registerOutputs(this.outputs());
  }

  /**
   * The stack outputs by name (index.ts exports exactly these). No secret among them: the API key
   * secret reaches only the functions' variables (as a Pulumi secret); an output would hand it to
   * anyone who can run `pulumi stack output --show-secrets` or read a stack reference.
   */
  outputs(): Record<string, pulumi.Output<unknown>> {
    return {
      workspaceSid: this.workspaceSid,
      recoveryPingQueueSid: this.recoveryPingQueueSid,
      recoveryPingWorkflowSid: this.recoveryPingWorkflowSid,
      syncServiceSid: this.syncServiceSid,
      syncApiKeySid: this.syncApiKeySid,
      functionsServiceSid: this.functionsServiceSid,
      functionsEnvironmentSid: this.functionsEnvironmentSid,
      functionsBuildSid: this.functionsBuildSid,
      functionsDomain: this.functionsDomain,
      functionUrls: this.functionUrls,
      eventSinkSid: this.eventSinkSid,
      eventSubscriptionSid: this.eventSubscriptionSid,
      patchedWorkflowSids: this.patchedWorkflowSids,
      pluginSid: this.pluginSid,
      pluginVersionSid: this.pluginVersionSid,
      pluginVersion: this.pluginVersion,
      pluginUrl: this.pluginUrl,
      pluginReleaseSid: this.pluginReleaseSid,
    };
  }
}
