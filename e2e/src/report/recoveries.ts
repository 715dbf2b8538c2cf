// The recovery outcomes of a demo run: what `npm run recoveries` prints for the run's stack (the
// same reader and summary, pointed at the twin), and the same summary as an HTML section.
import { FunctionEnv, type RecoverySummary } from "@flex-call-recovery/vocabulary";
import { recoveries, render, type RecoveriesResult } from "@flex-call-recovery/functions/outcomes";
import { escapeXml } from "./sequenceDiagram";
import type { Stack } from "../harness/stack";

/** Reads the stack's outcome lists for the recoveries that ended since `sinceMs` (epoch ms). */
export async function stackRecoveries(stack: Stack, sinceMs: number, now = new Date()): Promise<RecoveriesResult> {
  const source = {
    [FunctionEnv.accountSid]: stack.twin.accountSid,
    [FunctionEnv.authToken]: stack.twin.authToken,
    [FunctionEnv.syncServiceSid]: String(stack.outputs.syncServiceSid),
    [FunctionEnv.twilioApiBaseUrl]: stack.twin.baseUrl,
  };
  const sinceSeconds = Math.max(60, Math.ceil((now.getTime() - sinceMs) / 1000) + 60);
  return recoveries(source, sinceSeconds, now);
}

/** The command a person would type for the same figures while the stack runs. */
export function recoveriesCommand(stack: Stack, sinceSeconds: number): string {
  return (
    `TWILIO_ACCOUNT_SID=${stack.twin.accountSid} TWILIO_AUTH_TOKEN=… npm run recoveries -- ` +
    `--since ${Math.max(1, Math.ceil(sinceSeconds / 60))}m --twin ${stack.twin.baseUrl} --sync-service ${String(stack.outputs.syncServiceSid)}`
  );
}

/** The console text, exactly as `npm run recoveries` prints it. */
export const recoveriesText = (result: RecoveriesResult): string => render(result, false);

/** The report's section: the same figures as the command, then the drops per agent. */
export function renderRecoveriesHtml(summary: RecoverySummary): string {
  const seconds = (s: number | null) => (s === null ? "—" : `${s.toFixed(1)} s`);
  const rows: [string, string][] = [
    ["dropped", String(summary.dropped)],
    ["back to same agent", String(summary.sameAgent)],
    ["to another agent", String(summary.otherAgent)],
    ["abandoned", String(summary.abandoned)],
    ["wait p50 / p95", `${seconds(summary.waitP50Seconds)} / ${seconds(summary.waitP95Seconds)}`],
  ];
  const agents = summary.agents
    .map((a) => `<tr><td>${escapeXml(a.workerName)}</td><td>${escapeXml(a.workerSid)}</td><td>${a.drops}</td></tr>`)
    .join("\n");
  return (
    `<section id="recoveries"><h2>Recoveries of this run (outcome lists, as <code>npm run recoveries</code> prints them)</h2>\n` +
    `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>\n` +
    `<h3>Drops per agent</h3>\n` +
    (summary.agents.length === 0
      ? "<p>none</p>"
      : `<table><tr><th>agent</th><th>worker</th><th>drops</th></tr>\n${agents}\n</table>`) +
    `</section>`
  );
}
