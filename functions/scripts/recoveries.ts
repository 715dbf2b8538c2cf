// `npm run recoveries -- --since 24h [--json] [--twin <url>] [--sync-service IS…] [--stack NAME]`:
// what the recoveries of the last `--since` did — dropped, back to the same agent, to another,
// abandoned, p50/p95 wait — and the drops per agent, read from the daily outcome lists the
// functions write (src/outcomes/outcomes.ts) with the functions' own client and reader.
//
// Credentials: TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (or the functions' ACCOUNT_SID/AUTH_TOKEN),
// else the stack's Pulumi config (`pulumi config get twilio:accountSid` / `twilio:authToken`).
// Sync service: --sync-service, else SYNC_SERVICE_SID, else the stack output `syncServiceSid`
// (`pulumi stack output --json`). `--twin <url>` reads from an offline twin instead of Twilio.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { FunctionEnv, OUTCOME_MAX_LOOKBACK_SECONDS } from "@flex-call-recovery/vocabulary";
import { recoveries, render } from "../src/outcomes/report";

export { recoveries, render, type RecoveriesResult } from "../src/outcomes/report";

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

export const USAGE =
  "usage: npm run recoveries -- --since <N>m|h|d [--json] [--twin <url>] [--sync-service IS…] [--stack NAME] " +
  "[--account-sid AC…] [--auth-token …]";

export interface RecoveriesOptions {
  sinceSeconds: number;
  json: boolean;
  twin: string | null;
  syncServiceSid: string | null;
  stack: string | null;
  accountSid: string | null;
  authToken: string | null;
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };
const FLAGS = new Set(["--json"]);
const VALUED = new Set(["--since", "--twin", "--sync-service", "--stack", "--account-sid", "--auth-token"]);

/** `30m`, `24h`, `7d` → seconds; anything else is a UsageError naming what was given. */
export function parseSince(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2]] : NaN;
  if (!m || seconds <= 0) throw new UsageError(`--since must be a duration like 30m, 24h or 7d (got "${text}")`);
  if (seconds > OUTCOME_MAX_LOOKBACK_SECONDS) {
    throw new UsageError(
      `--since ${text} is longer than the ${OUTCOME_MAX_LOOKBACK_SECONDS / 86_400} days the lists are kept`,
    );
  }
  return seconds;
}

export function parseRecoveriesArgs(argv: string[]): RecoveriesOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAGS.has(name)) {
      flags.add(name);
    } else if (VALUED.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
      values.set(name, value);
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  const syncServiceSid = values.get("--sync-service") ?? null;
  if (syncServiceSid !== null && !/^IS[0-9a-f]{32}$/.test(syncServiceSid)) {
    throw new UsageError(`--sync-service must be a Sync Service SID (IS + 32 hex), got "${syncServiceSid}"`);
  }
  const twin = values.get("--twin") ?? null;
  if (twin !== null && !/^https?:\/\/[^/]+/.test(twin)) {
    throw new UsageError(`--twin must be the twin's base URL (http://host:port), got "${twin}"`);
  }
  return {
    sinceSeconds: parseSince(values.get("--since") ?? "24h"),
    json: flags.has("--json"),
    twin,
    syncServiceSid,
    stack: values.get("--stack") ?? null,
    accountSid: values.get("--account-sid") ?? null,
    authToken: values.get("--auth-token") ?? null,
  };
}

/** Runs the Pulumi CLI in the repository root (where Pulumi.yaml is); null when it is not there or fails. */
export type PulumiRunner = (args: string[]) => string | null;

const REPO_ROOT = join(__dirname, "..", "..");
const runPulumi: PulumiRunner = (args) => {
  try {
    return execFileSync("pulumi", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return null;
  }
};

/** Where to read from: the functions' settings (account, token, Sync service, twin URL). */
export function resolveSource(
  options: RecoveriesOptions,
  env: NodeJS.ProcessEnv,
  pulumi: PulumiRunner = runPulumi,
): Record<string, string> {
  const stackArgs = options.stack ? ["--stack", options.stack] : [];
  const fromConfig = (key: string) => pulumi(["config", "get", key, ...stackArgs])?.trim() || undefined;
  const accountSid =
    options.accountSid ?? env.TWILIO_ACCOUNT_SID ?? env[FunctionEnv.accountSid] ?? fromConfig("twilio:accountSid");
  const authToken =
    options.authToken ?? env.TWILIO_AUTH_TOKEN ?? env[FunctionEnv.authToken] ?? fromConfig("twilio:authToken");
  if (!accountSid || !authToken) {
    throw new UsageError(
      "no Twilio credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (a twin's: what `npm run twin` prints), " +
        "pass --account-sid/--auth-token, or run where `pulumi config get twilio:accountSid` answers",
    );
  }
  let syncServiceSid = options.syncServiceSid ?? env[FunctionEnv.syncServiceSid] ?? null;
  if (!syncServiceSid && !options.twin) {
    const outputs = pulumi(["stack", "output", "--json", ...stackArgs]);
    const parsed = outputs ? (JSON.parse(outputs) as { syncServiceSid?: unknown }) : null;
    if (typeof parsed?.syncServiceSid === "string") syncServiceSid = parsed.syncServiceSid;
  }
  if (!syncServiceSid) {
    throw new UsageError(
      "no Sync service: pass --sync-service IS…, set SYNC_SERVICE_SID, or run where `pulumi stack output` " +
        "has the stack's syncServiceSid",
    );
  }
  return {
    [FunctionEnv.accountSid]: accountSid,
    [FunctionEnv.authToken]: authToken,
    [FunctionEnv.syncServiceSid]: syncServiceSid,
    ...(options.twin ? { [FunctionEnv.twilioApiBaseUrl]: options.twin.replace(/\/+$/, "") } : {}),
  };
}

async function main(): Promise<void> {
  try {
    const options = parseRecoveriesArgs(process.argv.slice(2));
    const result = await recoveries(resolveSource(options, process.env), options.sinceSeconds);
    console.log(render(result, options.json));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`recoveries: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`recoveries: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
