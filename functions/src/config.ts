// The functions' settings, read once per invocation from the Serverless context (which carries
// the environment variables). Names come from the vocabulary; defaults from docs/recovery-flow.md.
import {
  DEFAULT_FLEX_ORIGINS,
  DEFAULT_PING_PRIORITY,
  DEFAULT_PING_TIMEOUT_SECONDS,
  DEFAULT_RECONNECT_PRIORITY,
  FunctionEnv,
  TASK_PRIORITY_MAX,
  TASK_PRIORITY_MIN,
} from "@flex-call-recovery/vocabulary";
import type { RecoveryConfig } from "./recovery/types";

/** The environment as the Serverless runtime hands it over (every value a string, maybe absent). */
export type FunctionContext = Record<string, unknown> & { DOMAIN_NAME?: string };

/** A setting the deployment must provide is missing: the functions answer 500 and name it. */
export class MissingSettingError extends Error {
  constructor(readonly setting: string) {
    super(`setting ${setting} is not configured`);
  }
}

export function optionalSetting(context: FunctionContext, name: string): string | undefined {
  const value = context[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function requiredSetting(context: FunctionContext, name: string): string {
  const value = optionalSetting(context, name);
  if (value === undefined) throw new MissingSettingError(name);
  return value;
}

/** An integer setting within [min, max]; anything else is named as a missing (valid) setting. */
function integerSetting(context: FunctionContext, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalSetting(context, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MissingSettingError(`${name} (an integer from ${min} to ${max})`);
  }
  return value;
}

export function recoveryConfig(context: FunctionContext): RecoveryConfig {
  return {
    recoveryPingWorkflowSid: requiredSetting(context, FunctionEnv.recoveryPingWorkflowSid),
    pingTimeoutSeconds: integerSetting(
      context,
      FunctionEnv.pingTimeoutSeconds,
      DEFAULT_PING_TIMEOUT_SECONDS,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    pingPriority: DEFAULT_PING_PRIORITY,
    // The same bounds as the infra's settings (vocabulary): 0 is a valid TaskRouter priority.
    reconnectPriority: integerSetting(
      context,
      FunctionEnv.reconnectPriority,
      DEFAULT_RECONNECT_PRIORITY,
      TASK_PRIORITY_MIN,
      TASK_PRIORITY_MAX,
    ),
  };
}

/** Origins allowed to call the Flex-facing functions (comma separated). */
export function allowedOrigins(context: FunctionContext): string[] {
  const raw = optionalSetting(context, FunctionEnv.allowedOrigins);
  if (raw === undefined) return DEFAULT_FLEX_ORIGINS;
  return raw
    .split(",")
    .map((origin) => origin.trim().replace(/\/+$/, ""))
    .filter((origin) => origin !== "");
}

/**
 * Public URL of one of our functions. Twilio fetches it (AnnounceUrl), so it is https except on a
 * local twilio-run, whose DOMAIN_NAME is `localhost:<port>`.
 */
export function functionUrl(context: FunctionContext, route: string): string {
  const domain = context.DOMAIN_NAME;
  if (!domain) throw new MissingSettingError("DOMAIN_NAME");
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(domain) ? "http" : "https";
  return `${scheme}://${domain}${route}`;
}
