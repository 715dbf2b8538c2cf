// What the real-engine tests share: a twin that plays a Flex account, a stack of the repository's
// program opened on it through the built Pulumi CLI, the twin's request log as the record of what
// reached "Twilio", and readers of the CLI's own output.
import { join } from "path";
import { startTwin, twilioClientForTwin, type RunningTwin } from "@flex-call-recovery/twin";
import type { Twilio } from "twilio";
import { LocalPulumi } from "../../src/engine/localPulumi";

export { resourceSummary } from "../../src/engine/localPulumi";

export const FIXTURES = join(__dirname, "..", "fixtures");

/** A step runs `pulumi` up to five times: seconds each, about a minute each on a busy shared machine. */
export const STEP_TIMEOUT_MS = 15 * 60_000;

export interface EngineTwin {
  twin: RunningTwin;
  sdk: Twilio;
}

/** A twin seeded like a new Flex account (workspace, default queue and workflow, Flex configuration). */
export async function startFlexTwin(): Promise<EngineTwin> {
  const twin = await startTwin({ flexAccount: true });
  return { twin, sdk: twilioClientForTwin(twin) };
}

/** The environment `pulumi` gets: the twin's account and URL (what a user's TWILIO_* variables are). */
export function twinEnv(twin: RunningTwin): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: twin.accountSid,
    TWILIO_AUTH_TOKEN: twin.authToken,
    TWILIO_API_BASE_URL: twin.baseUrl,
  };
}

/**
 * Opens (creating) `stack` on a file backend, config pointing at the fixture builds. With
 * `credentialsInConfig` the account comes from `twilio:accountSid` and the secret `twilio:authToken`
 * (the README's way), not from the environment.
 */
export async function openStack(
  twin: RunningTwin,
  stack: string,
  config: Record<string, string> = {},
  options: { credentialsInConfig?: boolean } = {},
): Promise<LocalPulumi> {
  const env = twinEnv(twin);
  if (options.credentialsInConfig) {
    delete env.TWILIO_ACCOUNT_SID;
    delete env.TWILIO_AUTH_TOKEN;
  }
  const pulumi = await LocalPulumi.open({ stack, env });
  if (options.credentialsInConfig) {
    await pulumi.setConfig({ "twilio:accountSid": twin.accountSid });
    await pulumi.setConfig({ "twilio:authToken": twin.authToken }, { secret: true });
  }
  await pulumi.setConfig({
    functionsBuildDir: join(FIXTURES, "functions-build"),
    pluginBuildDir: join(FIXTURES, "plugin-build"),
    pluginVersion: "1.0.0",
    ...config,
  });
  return pulumi;
}

/** The last request's sequence number: requests after it are what a command did. */
export function mark(twin: RunningTwin): number {
  return twin.requestLog.list().at(-1)?.seq ?? 0;
}

/** Twilio API requests (not the twin's control routes) after `since`, as `METHOD host/path`. */
export function twilioRequestsSince(twin: RunningTwin, since: number): string[] {
  return twin.requestLog.list((e) => e.seq > since && e.host !== null).map((e) => `${e.method} ${e.host}${e.path}`);
}

/** The requests that change something (everything but GET). */
export function writesSince(twin: RunningTwin, since: number): string[] {
  return twilioRequestsSince(twin, since).filter((r) => !r.startsWith("GET "));
}

/** The workflow's configuration, parsed. */
export async function workflowFilters(
  sdk: Twilio,
  workspaceSid: string,
  workflowSid: string,
): Promise<{ filter_friendly_name: string }[]> {
  const wf = await sdk.taskrouter.v1.workspaces(workspaceSid).workflows(workflowSid).fetch();
  return (JSON.parse(wf.configuration) as { task_routing: { filters: { filter_friendly_name: string }[] } })
    .task_routing.filters;
}
