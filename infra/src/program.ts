// The program: settings in, the recovery stack built, outputs out. `index.ts` runs it under the
// Pulumi CLI; tests and the offline deploy run it under the mock runtime.
import { readFileSync } from "fs";
import { isAbsolute, join, resolve } from "path";
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";
import { hashDirectory } from "./hashDirectory";
import { RecoveryStack } from "./recoveryStack";
import { type ConfigSource, loadSettings, type Settings } from "./settings";

/** The repository root (where Pulumi.yaml is); relative folder settings start here. */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** The plugin build's entry bundle (the rest are lazy chunks). */
export const PLUGIN_MAIN_FILE = `${PLUGIN_NAME}.js`;

const fromRoot = (dir: string) => (isAbsolute(dir) ? dir : join(PROJECT_ROOT, dir));

function pluginVersion(settings: Settings): string {
  if (settings.pluginVersion) return settings.pluginVersion;
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "plugin", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Builds the stack from config; throws SettingsError (all problems at once) on bad config. */
export function recoveryProgram(source: ConfigSource, env: NodeJS.ProcessEnv, stackName: string): RecoveryStack {
  const settings = loadSettings(source, env, stackName);
  // Hashes are taken here, while the program is evaluated: reading local files touches no account,
  // and a missing build fails before anything is planned.
  const functionsDir = fromRoot(settings.functionsBuildDir);
  const pluginDir = fromRoot(settings.pluginBuildDir);
  return new RecoveryStack("flex-call-recovery", {
    workspaceSid: settings.workspaceSid,
    syncServiceSid: settings.syncServiceSid,
    voiceWorkflowSids: settings.voiceWorkflowSids,
    pingReservationTimeoutSeconds: settings.pingReservationTimeoutSeconds,
    functions: {
      serviceName: settings.functionsServiceName,
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
      pingTimeoutSeconds: settings.pingTimeoutSeconds,
      reconnectPriority: settings.reconnectPriority,
      allowedOrigins: settings.allowedFlexOrigins,
    },
    pluginSettings: {
      autoAcceptReconnect: settings.autoAcceptReconnect,
      stallTimeoutSeconds: settings.stallTimeoutSeconds,
      reconnectedNoticeSeconds: settings.reconnectedNoticeSeconds,
    },
    plugin: settings.pluginRelease
      ? {
          name: PLUGIN_NAME,
          version: pluginVersion(settings),
          buildDir: pluginDir,
          mainFile: PLUGIN_MAIN_FILE,
          bundleHash: hashDirectory(pluginDir, "plugin (npm run build -w plugin)"),
        }
      : null,
  });
}
