// `npm run demo [-- --scenario NAME] [--latency MS] [--faults RATE] [--seed N]`: the project's main
// job on a machine with no Twilio account. Starts the twin, deploys the stack into it, serves the
// functions under twilio-run, logs agents in (the plugin's controller drives each one) and plays
// the scenarios with a live timeline; ends with a summary table, the HTML report's path and
// `demo: N passed, M failed` (exit code 1 when a scenario failed).
import { mkdirSync, writeFileSync } from "fs";
import { cpus } from "os";
import { join, relative } from "path";
import { REPO_ROOT } from "../harness/builds";
import { startStack } from "../harness/stack";
import { renderHtmlReport } from "../report/html";
import { recoveriesCommand, recoveriesText, renderRecoveriesHtml, stackRecoveries } from "../report/recoveries";
import { formatTimelineLine, type ScenarioRecord } from "../report/timeline";
import { SCENARIOS } from "../scenarios";
import { runScenario } from "../scenarios/runner";
import { parseDemoArgs } from "./options";

function table(records: ScenarioRecord[]): string {
  const nameWidth = Math.max(8, ...records.map((r) => r.name.length));
  const lines = [`  ${"scenario".padEnd(nameWidth)}  result  time     checks`];
  for (const r of records) {
    const checks = r.entries.filter((e) => e.kind === "check");
    const ok = checks.filter((e) => e.ok).length;
    lines.push(
      `  ${r.name.padEnd(nameWidth)}  ${(r.passed ? "passed" : "FAILED").padEnd(6)}  ${`${(r.durationMs / 1000).toFixed(2)} s`.padEnd(7)}  ${ok}/${checks.length}`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const options = parseDemoArgs(process.argv.slice(2));
  const started = Date.now();
  const say = (line: string) => console.log(line);
  say("flex-call-recovery demo — the whole recovery offline (no Twilio account needed)");
  say(
    `options: scenario ${options.scenario ?? "all"}, latency ${options.latencyMs} ms, faults ${options.faultRate}, seed ${options.seed}`,
  );
  const stack = await startStack({
    latencyMs: options.latencyMs,
    faultRate: options.faultRate,
    seed: options.seed,
    log: (line) => say(`• ${line}`),
  });
  const records: ScenarioRecord[] = [];
  let outcomes: Awaited<ReturnType<typeof stackRecoveries>> | null = null;
  try {
    say(`• functions served at ${stack.functionsUrl} as https://${stack.domain}; twin at ${stack.twin.baseUrl}`);
    const chosen = SCENARIOS.filter((s) => options.scenario === null || s.name === options.scenario);
    for (const [i, scenario] of chosen.entries()) {
      say(`\n▶ [${i + 1}/${chosen.length}] ${scenario.name}: ${scenario.title}`);
      const record = await runScenario(stack, scenario, {
        faultRate: options.faultRate,
        latencyMs: options.latencyMs,
        onEntry: (entry) => say(formatTimelineLine(entry)),
      });
      records.push(record);
      say(
        `${record.passed ? "✔ passed" : "✘ FAILED"} ${scenario.name} in ${(record.durationMs / 1000).toFixed(2)} s${record.failure ? `: ${record.failure}` : ""}`,
      );
    }
    // What `npm run recoveries` says about this run, read from the stack before it stops.
    outcomes = await stackRecoveries(stack, started);
    say(`\n$ ${recoveriesCommand(stack, (Date.now() - started) / 1000 + 60)}`);
    say(recoveriesText(outcomes));
  } finally {
    await stack.stop();
  }
  const passed = records.filter((r) => r.passed).length;
  const failed = records.length - passed;
  const reportDir = join(REPO_ROOT, "reports");
  mkdirSync(reportDir, { recursive: true });
  const reportPath = join(reportDir, `demo-${new Date().toISOString().replace(/[:.]/g, "-")}.html`);
  writeFileSync(
    reportPath,
    renderHtmlReport(
      {
        title: "flex-call-recovery — offline demo",
        details: {
          date: new Date().toISOString(),
          machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
          scenario: options.scenario ?? "all",
          "latency (ms)": options.latencyMs,
          "fault rate": options.faultRate,
          seed: options.seed,
        },
      },
      records,
      outcomes ? renderRecoveriesHtml(outcomes.summary) : "",
    ),
  );
  say(`\nsummary (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
  say(table(records));
  say(`\nHTML report: ${relative(REPO_ROOT, reportPath)}`);
  say(`demo: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || records.length === 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
