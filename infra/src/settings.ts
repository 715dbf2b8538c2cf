// The stack's settings: read from the Pulumi config (namespace `flex-call-recovery`), typed,
// defaulted and validated in one place. Every problem is reported at once, naming the key.
import {
  DEFAULT_ANNOUNCE_LANGUAGE,
  DEFAULT_ANNOUNCE_TEXT,
  DEFAULT_ANNOUNCE_VOICE,
  DEFAULT_FLEX_ORIGINS,
  PING_RESERVATION_TIMEOUT_MARGIN_SECONDS,
  DEFAULT_PING_TIMEOUT_SECONDS,
  DEFAULT_PLUGIN_SETTINGS,
  DEFAULT_RECONNECT_PRIORITY,
  TASK_PRIORITY_MAX,
  TASK_PRIORITY_MIN,
} from "@flex-call-recovery/vocabulary";
import { type AdoptedOnDelete, baseUrlProblem, TWILIO_API_BASE_URL_ENV } from "pulumi-twilio";

export const CONFIG_NAMESPACE = "flex-call-recovery";

/**
 * The plugin of the console-configured predecessor of this project, which handles the same
 * disconnects: it must not stay released next to ours.
 */
export const DEFAULT_SUPERSEDED_PLUGINS = ["plugin-recover-non-graceful-call-disconnects"];

/** Raw config values by full key (`flex-call-recovery:x`, `twilio:accountSid`); strings as Pulumi stores them. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface Settings {
  /** Adopt this workspace; null: the Flex configuration's `taskrouter_workspace_sid`. */
  workspaceSid: string | null;
  /** Adopt this Sync service; null: create one with ACLs on. */
  syncServiceSid: string | null;
  /**
   * Existing voice workflows that get the "Direct to agent" filter first; null (unset): the Flex
   * configuration's `taskrouter_target_workflow_sid`, looked up by the provider at deploy time.
   */
  voiceWorkflowSids: string[] | null;
  pingReservationTimeoutSeconds: number;
  pingTimeoutSeconds: number;
  reconnectPriority: number;
  announceText: string;
  announceVoice: string;
  announceLanguage: string;
  /** A recording played instead of the spoken text; null: speak `announceText`. */
  announceRecordingUrl: string | null;
  /** Music the customer hears while held (functions' HOLD_MUSIC_URL); null: the functions' default. */
  holdMusicUrl: string | null;
  /** The account's Twilio region and edge (`twilio:region`/`twilio:edge` or TWILIO_REGION/TWILIO_EDGE), for the functions too. */
  twilioRegion: string | null;
  twilioEdge: string | null;
  /** Take over a same-named queue, workflow or Serverless service (a manual set-up) instead of failing. */
  adoptExisting: boolean;
  /** What destroy does with what was adopted. */
  adoptedOnDelete: AdoptedOnDelete;
  /** Flex plugins (unique names) taken out of the release that makes ours active. */
  supersededPlugins: string[];
  allowedFlexOrigins: string[];
  functionsServiceName: string;
  /** Domain suffix of the functions' environment (defaults to the stack name). */
  functionsEnvironment: string;
  functionsRuntime: string;
  /** Built functions folder, relative to the project root or absolute. */
  functionsBuildDir: string;
  pluginRelease: boolean;
  pluginBuildDir: string;
  /** Version to register; null: the plugin's package.json version. */
  pluginVersion: string | null;
  autoAcceptReconnect: boolean;
  stallTimeoutSeconds: number;
  reconnectedNoticeSeconds: number;
  /** The account the stack deploys to (`twilio:accountSid` or TWILIO_ACCOUNT_SID). */
  accountSid: string;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "SettingsError";
  }
}

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

/**
 * Reads and validates the settings. `env` supplies the credential fallbacks; `stackName` the
 * default environment suffix.
 */
export function loadSettings(source: ConfigSource, env: NodeJS.ProcessEnv, stackName: string): Settings {
  const problems: string[] = [];
  const key = (name: string) => (name.includes(":") ? name : `${CONFIG_NAMESPACE}:${name}`);
  const raw = (name: string): string | undefined => {
    const value = source.get(key(name));
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const str = (name: string, fallback: string, pattern?: RegExp, hint?: string): string => {
    const value = raw(name) ?? fallback;
    if (pattern && !pattern.test(value))
      problems.push(`${key(name)} ${hint ?? `must match ${pattern}`} (got "${value}")`);
    return value;
  };
  const optional = (name: string, pattern: RegExp, hint: string): string | null => {
    const value = raw(name);
    if (value === undefined) return null;
    if (!pattern.test(value)) problems.push(`${key(name)} ${hint} (got "${value}")`);
    return value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key(name)} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (value !== "true" && value !== "false") problems.push(`${key(name)} must be true or false (got "${value}")`);
    return value === "true";
  };
  /** A list: a YAML list (Pulumi stores it as JSON) or a comma-separated string. */
  const list = (name: string, fallback: string[], pattern: RegExp, hint: string): string[] => {
    const value = raw(name);
    if (value === undefined) return fallback;
    let items: unknown;
    try {
      items = value.startsWith("[") ? JSON.parse(value) : value.split(",").map((s) => s.trim());
    } catch {
      problems.push(`${key(name)} must be a list (got "${value}")`);
      return fallback;
    }
    if (!Array.isArray(items) || items.some((item) => typeof item !== "string" || !pattern.test(item))) {
      problems.push(`${key(name)} must be a list of ${hint} (got ${value})`);
      return fallback;
    }
    return [...new Set(items as string[])];
  };

  // Unset: every workflow of the workspace. An explicit empty list would install "Direct to
  // agent" nowhere, so reconnect tasks would route like new calls: refused.
  const voiceWorkflows = (): string[] | null => {
    if (raw("voiceWorkflowSids") === undefined) return null;
    const sids = list("voiceWorkflowSids", [], SID("WW"), "Workflow SIDs (WW + 32 hex)");
    if (sids.length === 0 && problems.every((p) => !p.startsWith(key("voiceWorkflowSids")))) {
      problems.push(
        `${key("voiceWorkflowSids")} is an empty list: the "Direct to agent" filter would be installed in no workflow ` +
          "and reconnected customers would not reach their agent. List the voice workflows (WW...), or remove the " +
          "key to patch the Flex configuration's target workflow",
      );
    }
    return sids;
  };

  const accountSid = raw("twilio:accountSid") ?? env.TWILIO_ACCOUNT_SID ?? "";
  if (!SID("AC").test(accountSid)) {
    problems.push(
      accountSid
        ? `twilio:accountSid must be an Account SID (AC + 32 hex) (got "${accountSid}")`
        : "twilio:accountSid is not set (pulumi config set twilio:accountSid AC..., or TWILIO_ACCOUNT_SID)",
    );
  }
  // Only presence is checked: credentials never leave the providers' process.
  const has = (configKey: string, envName: string) => source.get(configKey) !== undefined || Boolean(env[envName]);
  const apiKey = has("twilio:apiKey", "TWILIO_API_KEY");
  const apiSecret = has("twilio:apiSecret", "TWILIO_API_SECRET");
  if (apiKey !== apiSecret) {
    problems.push(
      "twilio:apiKey and twilio:apiSecret go together (TWILIO_API_KEY/TWILIO_API_SECRET): set both, or neither",
    );
  } else if (!apiKey && !has("twilio:authToken", "TWILIO_AUTH_TOKEN")) {
    problems.push(
      "no Twilio credential: set an API key (pulumi config set twilio:apiKey SK... and pulumi config set --secret " +
        "twilio:apiSecret ..., or TWILIO_API_KEY/TWILIO_API_SECRET) or the auth token (pulumi config set --secret " +
        "twilio:authToken ..., or TWILIO_AUTH_TOKEN)",
    );
  }
  // The providers would send the credentials to this URL: only a local stand-in may take Twilio's place.
  const baseUrl = env[TWILIO_API_BASE_URL_ENV];
  const baseProblem = baseUrl ? baseUrlProblem(baseUrl) : null;
  if (baseProblem) problems.push(baseProblem);
  const regionOrEdge = (configKey: string, envName: string, pattern: RegExp, hint: string): string | null => {
    const value = raw(configKey) ?? (env[envName]?.trim() || undefined);
    if (value === undefined) return null;
    if (!pattern.test(value)) problems.push(`${configKey} ${hint} (got "${value}")`);
    return value;
  };
  const adoptedOnDelete = str("adoptedOnDelete", "keep", /^(keep|delete)$/, 'must be "keep" or "delete"');

  const pingTimeoutSeconds = int("pingTimeoutSeconds", DEFAULT_PING_TIMEOUT_SECONDS, 1, 1209600);
  // Shorter than the ping's TTL, so an agent who never answers times out to the TimeoutActivity
  // (Offline) before the customer is re-enqueued (see PING_RESERVATION_TIMEOUT_MARGIN_SECONDS).
  const pingReservationTimeoutSeconds = int(
    "pingReservationTimeoutSeconds",
    Math.max(1, pingTimeoutSeconds - PING_RESERVATION_TIMEOUT_MARGIN_SECONDS),
    1,
    86400,
  );
  if (pingReservationTimeoutSeconds >= pingTimeoutSeconds) {
    problems.push(
      `${key("pingReservationTimeoutSeconds")} must be shorter than ${key("pingTimeoutSeconds")} ` +
        `(${pingReservationTimeoutSeconds} >= ${pingTimeoutSeconds}): otherwise an agent who never answers the ping stays Available and gets the customer back`,
    );
  }

  const settings: Settings = {
    workspaceSid: optional("workspaceSid", SID("WS"), "must be a Workspace SID (WS + 32 hex)"),
    syncServiceSid: optional("syncServiceSid", SID("IS"), "must be a Sync Service SID (IS + 32 hex)"),
    voiceWorkflowSids: voiceWorkflows(),
    pingReservationTimeoutSeconds,
    pingTimeoutSeconds,
    // Bounds and defaults shared with the functions (vocabulary), so a value one accepts the other does too.
    reconnectPriority: int("reconnectPriority", DEFAULT_RECONNECT_PRIORITY, TASK_PRIORITY_MIN, TASK_PRIORITY_MAX),
    announceText: str("announceText", DEFAULT_ANNOUNCE_TEXT, /^.{1,400}$/s, "must be 1 to 400 characters"),
    announceVoice: str("announceVoice", DEFAULT_ANNOUNCE_VOICE, /^[A-Za-z0-9.-]+$/, "must be a <Say> voice name"),
    announceLanguage: str(
      "announceLanguage",
      DEFAULT_ANNOUNCE_LANGUAGE,
      /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
      "must be a language tag",
    ),
    announceRecordingUrl: optional("announceRecordingUrl", /^https:\/\/\S+$/, "must be an https URL"),
    holdMusicUrl: optional("holdMusicUrl", /^https:\/\/\S+$/, "must be an https URL"),
    // The providers call Twilio there; the deployed functions must too, or they would read and
    // write another region's copy of nothing (https://www.twilio.com/docs/global-infrastructure).
    twilioRegion: regionOrEdge("twilio:region", "TWILIO_REGION", /^[a-z]{2}[0-9]$/, 'must be a region such as "ie1"'),
    twilioEdge: regionOrEdge("twilio:edge", "TWILIO_EDGE", /^[a-z]+$/, 'must be an edge such as "dublin"'),
    adoptExisting: bool("adoptExisting", true),
    adoptedOnDelete: adoptedOnDelete === "delete" ? "delete" : "keep",
    supersededPlugins: list(
      "supersededPlugins",
      DEFAULT_SUPERSEDED_PLUGINS,
      /^[a-zA-Z0-9_-]{1,100}$/,
      "plugin unique names",
    ),
    allowedFlexOrigins: list(
      "allowedFlexOrigins",
      DEFAULT_FLEX_ORIGINS,
      /^https?:\/\/[^/\s]+$/,
      "origins (scheme://host[:port])",
    ),
    functionsServiceName: str(
      "functionsServiceName",
      "flex-call-recovery",
      /^[a-zA-Z0-9-]{1,50}$/,
      "must be up to 50 letters, digits or hyphens",
    ),
    functionsEnvironment: str(
      "functionsEnvironment",
      stackName.toLowerCase(),
      /^[a-z0-9-]{1,16}$/,
      "must be up to 16 lowercase letters, digits or hyphens (a domain suffix)",
    ),
    functionsRuntime: str("functionsRuntime", "node22", /^node\d+$/, "must be a Twilio runtime such as node22"),
    functionsBuildDir: str("functionsBuildDir", "functions/build"),
    pluginRelease: bool("pluginRelease", true),
    pluginBuildDir: str("pluginBuildDir", "plugin/build"),
    pluginVersion: optional("pluginVersion", /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be a semver version"),
    autoAcceptReconnect: bool("autoAcceptReconnect", DEFAULT_PLUGIN_SETTINGS.autoAcceptReconnect),
    stallTimeoutSeconds: int("stallTimeoutSeconds", DEFAULT_PLUGIN_SETTINGS.stallTimeoutSeconds, 5, 600),
    reconnectedNoticeSeconds: int("reconnectedNoticeSeconds", DEFAULT_PLUGIN_SETTINGS.reconnectedNoticeSeconds, 0, 60),
    accountSid,
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
