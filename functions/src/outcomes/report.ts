// The recoveries report: the outcomes of the recoveries that ended in a window, read from the daily
// outcome lists with the functions' own client and reader, and rendered as text or JSON. Used by
// `npm run recoveries` (scripts/recoveries.ts) and by the e2e demo's report
// (`@flex-call-recovery/functions/outcomes`).
import { FunctionEnv, formatSummary, summarizeOutcomes, type RecoverySummary } from "@flex-call-recovery/vocabulary";
import { createTwilioClient } from "../twilio/client";
import { syncOutcomeLog } from "./outcomes";

export interface RecoveriesResult {
  since: string;
  until: string;
  summary: RecoverySummary;
}

/** Reads the lists and summarises the recoveries that ended from now − since until now. */
export async function recoveries(
  source: Record<string, string>,
  sinceSeconds: number,
  now: Date = new Date(),
): Promise<RecoveriesResult> {
  const since = new Date(now.getTime() - sinceSeconds * 1000);
  const log = syncOutcomeLog(createTwilioClient(source, "recoveries-cli"), source[FunctionEnv.syncServiceSid]);
  const records = await log.read(since, now);
  return { since: since.toISOString(), until: now.toISOString(), summary: summarizeOutcomes(records, { since }) };
}

/** The command's output: the summary text, or one JSON object with `--json`. */
export function render(result: RecoveriesResult, json: boolean): string {
  if (json) return JSON.stringify(result, null, 2);
  return formatSummary(result.summary, `recoveries from ${result.since} to ${result.until}`);
}
