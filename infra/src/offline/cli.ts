// `npm run deploy:offline -w infra -- --twin <baseUrl> [--state file] [--refresh] [--destroy] [--set key=value ...]`
// Deploys the stack to a running twin (`npm run twin`) with the real providers, prints the
// outputs, what each resource did, and the twin's request log of this run. State is kept in a
// file so a second run shows what a no-change `pulumi up` does. Real deployments use the Pulumi CLI.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { PROJECT_ROOT } from "../program";
import { deployOffline, destroyOffline, type OfflineState } from "./deployOffline";
import { seedFlexAccount } from "./seedFlexAccount";

// The twin's default account, used unless --account-sid/--auth-token say otherwise (offline tooling,
// so the dev-dependency on the twin is fine here).
import {
  DEFAULT_ACCOUNT_SID as TWIN_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN as TWIN_AUTH_TOKEN,
} from "@flex-call-recovery/twin";

function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === name && process.argv[i + 1]) out.push(process.argv[i + 1]);
    else if (a.startsWith(`${name}=`)) out.push(a.slice(name.length + 1));
  });
  return out;
}

interface LoggedRequest {
  seq: number;
  method: string;
  host: string | null;
  path: string;
  status: number;
}

async function twinRequests(base: string): Promise<LoggedRequest[]> {
  const res = await fetch(`${base}/_twin/requests`);
  if (!res.ok) throw new Error(`GET /_twin/requests failed: HTTP ${res.status}`);
  return ((await res.json()) as { requests: LoggedRequest[] }).requests.filter((r) => r.host !== null);
}

async function main(): Promise<void> {
  const twinBaseUrl = args("--twin")[0] ?? process.env.TWILIO_API_BASE_URL;
  if (!twinBaseUrl)
    throw new Error("usage: deploy:offline --twin <twin base URL> [--state file] [--destroy] [--set k=v]");
  const accountSid = args("--account-sid")[0] ?? TWIN_ACCOUNT_SID;
  const authToken = args("--auth-token")[0] ?? TWIN_AUTH_TOKEN;
  const statePath = args("--state")[0] ?? join(PROJECT_ROOT, ".pulumi", "offline-state.json");
  const state: OfflineState = existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")) : { resources: {} };
  const save = () => {
    mkdirSync(dirname(statePath), { recursive: true });
    writeFileSync(statePath, JSON.stringify(state, null, 2));
  };
  const before = await twinRequests(twinBaseUrl);
  const mark = before.length ? before[before.length - 1].seq : 0;

  if (process.argv.includes("--destroy")) {
    const deleted = await destroyOffline({ twinBaseUrl, accountSid, authToken, state }).finally(save);
    console.log(`deleted ${deleted.length} resources:\n  ${deleted.join("\n  ")}`);
  } else {
    const seeded = await seedFlexAccount(twinBaseUrl, accountSid, authToken);
    const config: Record<string, string> = { voiceWorkflowSids: JSON.stringify([seeded.voiceWorkflowSid]) };
    for (const pair of args("--set")) {
      const i = pair.indexOf("=");
      config[pair.slice(0, i)] = pair.slice(i + 1);
    }
    const mark2 = (await twinRequests(twinBaseUrl)).reduce((m, r) => Math.max(m, r.seq), mark);
    // Saved even when a resource fails, so what was created can still be destroyed.
    const result = await deployOffline({
      twinBaseUrl,
      accountSid,
      authToken,
      config,
      state,
      refresh: process.argv.includes("--refresh"),
    }).finally(save);
    console.log("resources:");
    for (const s of result.steps) console.log(`  ${s.step.padEnd(7)} ${s.type.padEnd(20)} ${s.name} ${s.id}`);
    console.log("outputs:");
    for (const [k, v] of Object.entries(result.outputs)) {
      console.log(`  ${k}: ${JSON.stringify(v)}`);
    }
    const run = (await twinRequests(twinBaseUrl)).filter((r) => r.seq > mark2);
    const writes = run.filter((r) => r.method !== "GET");
    console.log(`twin request log of this deploy: ${run.length} requests, ${writes.length} writes`);
    for (const r of run) console.log(`  ${r.method.padEnd(6)} ${r.status} ${r.host}${r.path}`);
    return;
  }
}

// A failed resource leaves Pulumi-internal promises rejected with the same error; main reports it.
process.on("unhandledRejection", () => undefined);

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
