// The program: settings in, the components built, outputs out. `index.ts` runs it under the
// Pulumi CLI; tests run it under the mock runtime. Names, expressions, routes and variable
// names come from @flex-call-recovery/vocabulary; the Twilio resources from pulumi-twilio.
import { readFileSync } from "fs";
import { isAbsolute, join, resolve } from "path";
import type * as pulumi from "@pulumi/pulumi";
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";
import { hashDirectory } from "pulumi-twilio";
import { DirectToAgent } from "./components/directToAgent";
import { FunctionsDeployment } from "./components/functionsDeployment";
import { FunctionsService } from "./components/functionsService";
import { PingRouting } from "./components/pingRouting";
import { PluginRelease } from "./components/pluginRelease";
import { CONFIG_NAMESPACE, type ConfigSource, loadSettings, type Settings } from "./settings";

/** The repository root (where Pulumi.yaml is); relative folder settings start here. */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** The plugin build's entry bundle (the rest are lazy chunks). */
export const PLUGIN_MAIN_FILE = `${PLUGIN_NAME}.js`;

/** Prefix of every resource name. */
const NAME = "flex-call-recovery";

const fromRoot = (dir: string) => (isAbsolute(dir) ? dir : join(PROJECT_ROOT, dir));

function pluginVersion(settings: Settings): string {
  if (settings.pluginVersion) return settings.pluginVersion;
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "plugin", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** The stack: its outputs by name (index.ts exports exactly these). */
export interface RecoveryStack {
  outputs(): Record<string, pulumi.Output<unknown>>;
}

/** Builds the stack from config; throws SettingsError (all problems at once) on bad config. */
export function recoveryProgram(source: ConfigSource, env: NodeJS.ProcessEnv, stackName: string): RecoveryStack {
  const settings = loadSettings(source, env, stackName);
  // Hashes are taken here, while the program is evaluated: reading local files touches no account,
  // and a missing build fails before anything is planned.
  const functionsDir = fromRoot(settings.functionsBuildDir);
  const pluginDir = fromRoot(settings.pluginBuildDir);
  const adoption = { adopt: settings.adoptExisting, adoptedOnDelete: settings.adoptedOnDelete };

  // First: the account-wide claim (see FunctionsService); everything else waits for it.
  const service = new FunctionsService(`${NAME}-functions`, {
    serviceName: settings.functionsServiceName,
    owner: `${CONFIG_NAMESPACE}/${stackName}`,
    ...adoption,
  });

  const ping = new PingRouting(
    `${NAME}-ping`,
    {
      workspaceSid: settings.workspaceSid,
      pingReservationTimeoutSeconds: settings.pingReservationTimeoutSeconds,
      ...adoption,
    },
    { dependsOn: [service] },
  );

  // The reconnect task must reach the agent it names whatever the customer's routing says.
  const directToAgent = new DirectToAgent(`${NAME}-direct-to-agent`, {
    workspaceSid: ping.workspaceSid,
    queueSid: ping.queueSid,
    voiceWorkflowSids: settings.voiceWorkflowSids,
  });

  const functions = new FunctionsDeployment(`${NAME}-functions`, {
    workspaceSid: ping.workspaceSid,
    pingWorkflowSid: ping.workflowSid,
    syncServiceSid: settings.syncServiceSid,
    serviceSid: service.sid,
    environmentSuffix: settings.functionsEnvironment,
    runtime: settings.functionsRuntime,
    sourceDir: functionsDir,
    sourceHash: hashDirectory(functionsDir, "functions (npm run build -w functions)"),
    announcement: {
      text: settings.announceText,
      voice: settings.announceVoice,
      language: settings.announceLanguage,
      recordingUrl: settings.announceRecordingUrl,
    },
    holdMusicUrl: settings.holdMusicUrl,
    twilioRegion: settings.twilioRegion,
    twilioEdge: settings.twilioEdge,
    pingTimeoutSeconds: settings.pingTimeoutSeconds,
    reconnectPriority: settings.reconnectPriority,
    allowedOrigins: settings.allowedFlexOrigins,
  });

  const plugin = new PluginRelease(`${NAME}-plugin`, {
    functionsDomain: functions.domain,
    settings: {
      autoAcceptReconnect: settings.autoAcceptReconnect,
      stallTimeoutSeconds: settings.stallTimeoutSeconds,
      reconnectedNoticeSeconds: settings.reconnectedNoticeSeconds,
    },
    bundle: settings.pluginRelease
      ? {
          name: PLUGIN_NAME,
          version: pluginVersion(settings),
          buildDir: pluginDir,
          mainFile: PLUGIN_MAIN_FILE,
          bundleHash: hashDirectory(pluginDir, "plugin (npm run build -w plugin)"),
          supersedes: settings.supersededPlugins,
        }
      : null,
  });

  // No secret among the outputs: the API key secret reaches only the functions' variables (as a
  // Pulumi secret); an output would hand it to anyone who can read a stack reference.
  const outputs: Record<string, pulumi.Output<unknown>> = {
    workspaceSid: ping.workspaceSid,
    recoveryPingQueueSid: ping.queueSid,
    recoveryPingWorkflowSid: ping.workflowSid,
    syncServiceSid: functions.syncServiceSid,
    syncApiKeySid: functions.syncApiKeySid,
    functionsServiceSid: service.sid,
    functionsEnvironmentSid: functions.environmentSid,
    functionsBuildSid: functions.buildSid,
    functionsDomain: functions.domain,
    functionUrls: functions.functionUrls,
    eventSinkSid: functions.eventSinkSid,
    eventSubscriptionSid: functions.eventSubscriptionSid,
    patchedWorkflowSids: directToAgent.patchedWorkflowSids,
    pluginSid: plugin.pluginSid,
    pluginVersionSid: plugin.pluginVersionSid,
    pluginVersion: plugin.pluginVersion,
    pluginUrl: plugin.pluginUrl,
    pluginReleaseSid: plugin.releaseSid,
  };
  return { outputs: () => outputs };
}
