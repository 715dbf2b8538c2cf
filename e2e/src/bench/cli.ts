// `npm run bench [-- --latency MS] [--max N] [--burst-first N] [--burst-max N] [--burst-budget S] [--burst-only]`: the figures of docs/development.md#benchmarks on the offline stack, printed
// as a table and written to bench/results.json with the machine and options they were taken with.
// Figures, not assertions: compare ratios within one run, never absolute times across runs.
import { mkdirSync, writeFileSync } from "fs";
import { cpus, totalmem } from "os";
import { join, relative } from "path";
import { spawnSync } from "child_process";
import { REPO_ROOT } from "../harness/builds";
import { startStack } from "../harness/stack";
import { largestUnthrottled, lifecycleWrites, measureP1, measureP2, measureP5, measureP6 } from "./measures";
import { BURST_CONCURRENCY_LIMIT, burstLadder } from "./burst";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

async function main(): Promise<void> {
  const options = {
    /** Latency added to every Twilio call for P1 and P2 (the P2 target assumes 50 ms; docs/development.md#benchmarks). */
    latencyMs: arg("--latency", 50),
    /** Largest number of concurrent conferences P3 tries. */
    p3Max: arg("--max", 4000),
    /** Calls of P3 arrive evenly over this window; each lasts 2 minutes, so all overlap. */
    p3ArrivalWindowSeconds: 60,
    p3LifecycleSeconds: 120,
    /** P3 burst: N doubles from this up to --burst-max, stopping at a failure or a step over the real-time budget. */
    p3BurstFirst: arg("--burst-first", 25),
    p3BurstMax: arg("--burst-max", 1000),
    p3BurstBudgetSeconds: arg("--burst-budget", 300),
    clock: "virtual (twin ManualClock); Twilio latency and HTTP are real",
  };
  const log = (line: string) => console.log(line);
  log("flex-call-recovery bench — figures, not assertions");
  if (process.argv.includes("--burst-only")) return burstOnly(options, log);

  log("• P4: plugin bundle (plugin/scripts/size.ts)…");
  const sizes = pluginSizes();

  const stack = await startStack({ log: (line) => log(`• ${line}`) });
  try {
    log("• P5: no-change redeploy…");
    const p5 = await measureP5(stack);
    log(`• P1: round trips participant-leave → ping (${options.latencyMs} ms per Twilio call)…`);
    const p1 = await measureP1(stack, options.latencyMs);
    log(`• P2: drop → bridged back (${options.latencyMs} ms per Twilio call)…`);
    const p2 = await measureP2(stack, options.latencyMs);
    log("• P3: one call's Sync writes, then concurrent replays with the write limit on…");
    const template = await lifecycleWrites(stack);
    const p3 = await largestUnthrottled(template, "per-conference", options.p3Max);
    const p3Global = await largestUnthrottled(template, "global", options.p3Max);
    log("• P6: function invocations and Twilio REST calls of one ordinary and one recovered call…");
    const p6 = await measureP6(stack);
    log(`• P3 burst: N agents' pages drop at once (Sync 54009 and REST 20429 limits on)…`);
    const burst = await burstLadder(stack, {
      first: options.p3BurstFirst,
      max: options.p3BurstMax,
      budgetSeconds: options.p3BurstBudgetSeconds,
      log: (line) => log(`  ${line}`),
    });
    const best = burst.steps.filter((s) => s.ok).at(-1) ?? burst.steps[0];
    const perEvent = (ms: number) => Number((ms / Math.max(1, best.events)).toFixed(3));

    const results = {
      P1: p1.roundTrips,
      P2_s: Number(p2.seconds.toFixed(3)),
      P3: p3,
      P3_global_map: p3Global,
      P3_burst: burst.largestOk,
      P3_burst_p50_drop_to_ping_s: best.dropToPingS?.p50 ?? null,
      P3_burst_p95_drop_to_ping_s: best.dropToPingS?.p95 ?? null,
      P3_burst_p50_drop_to_back_s: best.dropToBackS?.p50 ?? null,
      P3_burst_p95_drop_to_back_s: best.dropToBackS?.p95 ?? null,
      P3_function_cpu_ms_per_event: perEvent(best.functionCpuMs),
      P3_process_cpu_ms_per_event: perEvent(best.processCpuMs),
      P4_page_bytes: sizes.pageBytes,
      P4_recovery_path_bytes: sizes.recoveryPathBytes,
      P5: p5.writes,
      P6_ordinary_invocations: p6.ordinary.invocations,
      P6_ordinary_sync_ops: p6.ordinary.sync,
      P6_ordinary_rest_ops: p6.ordinary.rest,
      P6_recovered_invocations: p6.recovered.invocations,
      P6_recovered_sync_ops: p6.recovered.sync,
      P6_recovered_rest_ops: p6.recovered.rest,
      P6_daily_10000_calls_1pct_dropped: p6.daily,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
        node: process.version,
        platform: process.platform,
      },
      options,
      detail: {
        P1_calls: p1.calls,
        P2_drop_handling_s: Number(p2.dropHandlingSeconds.toFixed(3)),
        P2_after_reload_s: Number(p2.afterReloadSeconds.toFixed(3)),
        P3_writes_per_call: template.length,
        P3_note: P3_NOTE,
        P3_burst_note: P3_BURST_NOTE,
        P3_burst_stopped_by: burst.stoppedBy,
        P3_burst_concurrency_limit: BURST_CONCURRENCY_LIMIT,
        P3_burst_steps: burst.steps,
        P4_rows: sizes.rows,
        P5_requests: p5.requests,
        P5_steps: p5.steps,
        P6_ordinary: p6.ordinary,
        P6_recovered: p6.recovered,
        P6_note: P6_NOTE,
      },
      date: new Date().toISOString(),
    };
    const rows: [string, string, string, string][] = [
      ["P1", "dependent Twilio round trips, participant-leave → ping created", String(results.P1), "≤ 3"],
      ["P2", `drop → bridged back minus reload, ${options.latencyMs} ms/call`, `${results.P2_s} s`, "≤ 0.4 s"],
      [
        "P3",
        "concurrent conferences, zero throttled Sync writes",
        p3 >= options.p3Max ? `≥ ${p3}` : String(p3),
        "≥ 1000",
      ],
      ["P3 baseline", "same, single global map layout", String(p3Global), "—"],
      [
        "P3 burst",
        `N pages drop at once, all back, one ping each (stopped by ${burst.stoppedBy})`,
        String(burst.largestOk),
        "≥ 1000",
      ],
      [
        "P3 burst p95",
        "drop → customer back with the agent (virtual)",
        `${results.P3_burst_p95_drop_to_back_s} s`,
        "—",
      ],
      [
        "P3 fn CPU",
        "functions' CPU per invocation (twin/harness apart)",
        `${results.P3_function_cpu_ms_per_event} ms`,
        "—",
      ],
      ["P4 page", "plugin on every Flex page load (main bundle), min+gzip", `${results.P4_page_bytes} B`, "≤ 15 KB"],
      [
        "P4 recovery",
        "dialog + live state (main bundle + Sync chunk), min+gzip",
        `${results.P4_recovery_path_bytes} B`,
        "≤ 120 KB",
      ],
      ["P5", "Twilio writes of a no-change redeploy", String(results.P5), "= 0"],
      ["P6 ordinary", "function invocations / REST calls (Sync) of a call", costText(p6.ordinary), "≤ 9 / ≤ 16 (≤ 6)"],
      ["P6 recovered", "same for a recovered call", costText(p6.recovered), "— / < 72"],
      [
        "P6 per day",
        `${p6.daily.calls} calls, ${p6.daily.dropShare * 100} % dropped`,
        `${p6.daily.invocations} / ${p6.daily.rest} (${p6.daily.sync})`,
        "—",
      ],
    ];
    const width = [13, 62, 20, 16];
    log("");
    log(["figure", "what", "value", "target"].map((h, i) => h.padEnd(width[i])).join("  "));
    for (const row of rows) log(row.map((c, i) => c.padEnd(width[i])).join("  "));
    log(
      `\nmachine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}`,
    );
    const out = join(REPO_ROOT, "bench", "results.json");
    mkdirSync(join(REPO_ROOT, "bench"), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    log(`written: ${relative(REPO_ROOT, out)}`);
  } finally {
    await stack.stop();
  }
}

/**
 * `--burst-only`: the P3 burst ladder alone, printed (steps as JSON) and not written to
 * bench/results.json, which holds only whole runs.
 */
async function burstOnly(
  options: { p3BurstFirst: number; p3BurstMax: number; p3BurstBudgetSeconds: number },
  log: (line: string) => void,
): Promise<void> {
  const stack = await startStack({ log: (line) => log(`• ${line}`) });
  try {
    const burst = await burstLadder(stack, {
      first: options.p3BurstFirst,
      max: options.p3BurstMax,
      budgetSeconds: options.p3BurstBudgetSeconds,
      log: (line) => log(`  ${line}`),
    });
    log(JSON.stringify({ P3_burst: burst.largestOk, stoppedBy: burst.stoppedBy, steps: burst.steps }, null, 2));
  } finally {
    await stack.stop();
  }
}

interface PluginSizes {
  rows: { label: string; file: string; raw: number; minified: number; gzipped: number }[];
  pageBytes: number;
  recoveryPathBytes: number;
}

/** The plugin's own size script (it rebuilds plugin/build): per output, and the page and recovery totals. */
function pluginSizes(): PluginSizes {
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), join("scripts", "size.ts"), "--json"], {
    cwd: join(REPO_ROOT, "plugin"),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`plugin size script: exit ${result.status}: ${result.stderr}`);
  const line = result.stdout.trim().split("\n").at(-1) ?? "{}";
  return JSON.parse(line) as PluginSizes;
}

function costText(cost: { invocations: number; rest: number; sync: number }): string {
  return `${cost.invocations} / ${cost.rest} (${cost.sync})`;
}

const P6_NOTE =
  "P6 counts, on the twin, the function invocations that reached the functions and the Twilio REST calls they made " +
  "(the twin's request log, API hosts: Sync, TaskRouter, Voice, iam) for one ordinary call (accepted, a minute's talk, " +
  "the agent clicks Hangup, completes the task) and one recovered call (page reload after 30 s, the same agent back, " +
  "then Hangup); REST counts include the Sync ones. Daily totals: 10,000 calls of which 1 % recovered.";

const P3_NOTE =
  "P3 replays, against the twin's Sync (20 writes/s per object over a 10 s window), the Sync writes the functions made " +
  "in one measured call lifecycle (connected, page reload at 30 s, recovered, hangup at 120 s), for N calls arriving " +
  "evenly over 60 s; per-conference = one document per conference (the design), global = every write to one object.";

const P3_BURST_NOTE =
  "P3 burst: N agents, each on a call, lose their pages at one virtual moment and reload 5 s later, with the twin's " +
  "Sync per-object write limit (54009) and a REST concurrency limit (20429) on. P3_burst = the largest N of the " +
  "doubling ladder where every customer was back with their agent, every agent got exactly one ping and every " +
  "recovery's outcome was recorded (a 201 append to the day's outcome lists); times are " +
  "virtual (drop → ping task created, drop → customer in the agent's new conference). Function CPU = process CPU " +
  "(getrusage) of callbacks in twilio-run's async context, per function invocation; process CPU adds the twin and the " +
  "harness. The ladder stops at a failure, at --burst-max, or when a step's real time passes --burst-budget (then the " +
  "harness, not the product, is the limit).";

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
