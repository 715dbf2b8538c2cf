// The functions and what they need: the Sync service for recovery state, an API key for agents'
// Sync tokens, the deployed environment of the functions' service, and the Event Streams sink and
// subscription that feed TaskRouter events to the task-event-handler function.
import * as pulumi from "@pulumi/pulumi";
import {
  FunctionEnv,
  FunctionRoute,
  TASK_EVENT_SCHEMA_VERSION,
  TASK_EVENT_SUBSCRIPTION_TYPES,
} from "@flex-call-recovery/vocabulary";
import { ApiKey, EventSink, EventSubscription, ServerlessDeployment, SyncService } from "pulumi-twilio";

export interface AnnouncementArgs {
  text: pulumi.Input<string>;
  voice: pulumi.Input<string>;
  language: pulumi.Input<string>;
  /** Played instead of the text when set. */
  recordingUrl: pulumi.Input<string | null>;
}

export interface FunctionsDeploymentArgs {
  workspaceSid: pulumi.Input<string>;
  pingWorkflowSid: pulumi.Input<string>;
  /** Adopt this Sync service; null: create one with ACLs on. */
  syncServiceSid: pulumi.Input<string | null>;
  /** The Serverless service to deploy into (a `FunctionsService`). */
  serviceSid: pulumi.Input<string>;
  environmentSuffix: pulumi.Input<string>;
  runtime: pulumi.Input<string>;
  /** The built Serverless project (functions/build) and its content hash. */
  sourceDir: pulumi.Input<string>;
  sourceHash: pulumi.Input<string>;
  announcement: AnnouncementArgs;
  /** Music while the customer waits; null: the functions' default. */
  holdMusicUrl: pulumi.Input<string | null>;
  /** The account's Twilio region and edge; null: Twilio's default (us1). */
  twilioRegion: pulumi.Input<string | null>;
  twilioEdge: pulumi.Input<string | null>;
  pingTimeoutSeconds: pulumi.Input<number>;
  reconnectPriority: pulumi.Input<number>;
  allowedOrigins: pulumi.Input<pulumi.Input<string>[]>;
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
  holdMusicUrl: string | null;
  twilioRegion: string | null;
  twilioEdge: string | null;
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
  // Twilio rejects empty variable values: leave optional ones out unless set.
  if (v.announceRecordingUrl) vars[FunctionEnv.announceRecordingUrl] = v.announceRecordingUrl;
  if (v.holdMusicUrl) vars[FunctionEnv.holdMusicUrl] = v.holdMusicUrl;
  if (v.twilioRegion) vars[FunctionEnv.twilioRegion] = v.twilioRegion;
  if (v.twilioEdge) vars[FunctionEnv.twilioEdge] = v.twilioEdge;
  return vars;
}

/** Every function URL of the deployment, keyed by route (e.g. `/announce`). */
export type FunctionUrls = Record<string, string>;

export class FunctionsDeployment extends pulumi.ComponentResource {
  public readonly syncServiceSid: pulumi.Output<string>;
  public readonly syncApiKeySid: pulumi.Output<string>;
  public readonly environmentSid: pulumi.Output<string>;
  public readonly buildSid: pulumi.Output<string>;
  public readonly domain: pulumi.Output<string>;
  public readonly functionUrls: pulumi.Output<FunctionUrls>;
  public readonly eventSinkSid: pulumi.Output<string>;
  public readonly eventSubscriptionSid: pulumi.Output<string>;

  constructor(name: string, args: FunctionsDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flex-call-recovery:index:FunctionsDeployment", name, {}, opts);
    const child = { parent: this };

    const sync = new SyncService(
      `${name}-sync`,
      { adoptSid: args.syncServiceSid, friendlyName: `${name} recovery state`, aclEnabled: true },
      child,
    );

    // The functions sign agents' Sync tokens with this key (the auth token is never handed out).
    const apiKey = new ApiKey(`${name}-sync-key`, { friendlyName: `${name} (Sync tokens)` }, child);

    const announcement = args.announcement;
    const variables = pulumi
      .output({
        workspaceSid: args.workspaceSid,
        syncServiceSid: sync.sid,
        pingWorkflowSid: args.pingWorkflowSid,
        syncApiKeySid: apiKey.sid,
        syncApiKeySecret: apiKey.secret,
        pingTimeoutSeconds: args.pingTimeoutSeconds,
        reconnectPriority: args.reconnectPriority,
        allowedOrigins: args.allowedOrigins,
        announceText: announcement.text,
        announceVoice: announcement.voice,
        announceLanguage: announcement.language,
        announceRecordingUrl: announcement.recordingUrl,
        holdMusicUrl: args.holdMusicUrl,
        twilioRegion: args.twilioRegion,
        twilioEdge: args.twilioEdge,
      })
      .apply(functionVariables);

    const deployment = new ServerlessDeployment(
      `${name}-deployment`,
      {
        serviceSid: args.serviceSid,
        environmentSuffix: args.environmentSuffix,
        runtime: args.runtime,
        sourceDir: args.sourceDir,
        sourceHash: args.sourceHash,
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
        sinkConfiguration: deployment.url(FunctionRoute.taskEventHandler).apply((destination) => ({
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

    this.syncServiceSid = sync.sid;
    this.syncApiKeySid = apiKey.sid;
    this.environmentSid = deployment.environmentSid;
    this.buildSid = deployment.buildSid;
    this.domain = deployment.domain;
    this.functionUrls = deployment.domain.apply((domain) =>
      Object.fromEntries(Object.values(FunctionRoute).map((route) => [route, `https://${domain}${route}`])),
    );
    this.eventSinkSid = sink.sid;
    this.eventSubscriptionSid = subscription.sid;
    this.registerOutputs({
      syncServiceSid: this.syncServiceSid,
      syncApiKeySid: this.syncApiKeySid,
      environmentSid: this.environmentSid,
      buildSid: this.buildSid,
      domain: this.domain,
      functionUrls: this.functionUrls,
      eventSinkSid: this.eventSinkSid,
      eventSubscriptionSid: this.eventSubscriptionSid,
    });
  }
}
