// P3 burst: a regional network outage. N agents, each on a call, lose their pages at the same
// virtual moment and come back RELOAD_SECONDS later. With Twilio's limits on (Sync 20 writes/s per
// object → 54009; REST API concurrency → 20429), does every customer get exactly one ping and get
// back to their agent? Times are virtual (the twin's clock); the functions' CPU is measured apart
// from the twin's and the harness's (cpu.ts).
import { OUTCOME_LIST_PREFIX, TaskAttribute } from "@flex-call-recovery/vocabulary";
import { RELOAD_SECONDS, connectedCall, together } from "../scenarios/helpers";
import type { Stack } from "../harness/stack";
import { World } from "../world/world";
import type { Agent } from "../world/agent";
import { FunctionCpuMeter } from "./cpu";

/** Twilio's REST concurrency limit the burst runs under (not published; public write-ups say 100). */
export const BURST_CONCURRENCY_LIMIT = 100;
/**
 * How many webhooks the twin sends, and plugin calls the edge lets through, at once during the
 * burst. All functions run in this one process: unpaced, N drops start N invocations that share the
 * CPU, each takes N times longer in real time, and the real-time timeouts (the twin's 5 s webhook
 * timeout, the SDK's 30 s) fire while the virtual clock stands still. Pacing changes no virtual time.
 */
export const BURST_PACING = 16;
/** How long (virtual) every customer has to be back with their agent. */
const BURST_WAIT_MS = 180_000;
/** How long (virtual) after the last customer is back every outcome has to be recorded. */
const OUTCOME_WAIT_MS = 30_000;

export interface BurstResult {
  n: number;
  /** Every customer back with their own agent, exactly one ping per dropped agent, every outcome recorded. */
  ok: boolean;
  back: number;
  /** Outcome records the functions appended (one per recovery expected) and appends Sync refused. */
  outcomes: { recorded: number; refused: number };
  pingsPerAgent: { exactlyOne: number; none: number; more: number };
  dropToPingS: { p50: number; p95: number } | null;
  dropToBackS: { p50: number; p95: number } | null;
  /** Function invocations (webhooks and plugin calls reaching the functions) during the burst. */
  events: number;
  functionCpuMs: number;
  /** Process CPU of the whole burst (twin + harness + functions). */
  processCpuMs: number;
  throttled: { sync54009: number; rest20429: number };
  /**
   * The harness's health: webhook attempts that failed without an answer (the twin's real-time
   * timeout or a broken connection) and invocations the edge cut at 10 s real. Both should be 0;
   * otherwise real time leaked into the virtual figures (retries on the virtual clock).
   */
  harness: { webhookNoAnswer: number; edge504: number };
  /** Real time of the whole step, and of its set-up (N agents logged in and on a call) alone. */
  realSeconds: number;
  setupRealSeconds: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(values: number[]): { p50: number; p95: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50) / 1000, p95: percentile(sorted, 95) / 1000 };
}

export async function measureBurst(stack: Stack, n: number): Promise<BurstResult> {
  const realStart = performance.now();
  stack.setFaults({ syncWriteLimit: true });
  stack.twin.concurrencyLimit = BURST_CONCURRENCY_LIMIT;
  stack.engine.webhooks.concurrency = BURST_PACING;
  stack.setFunctionConcurrency(BURST_PACING);
  const world = new World(stack);
  const offs: (() => void)[] = [];
  try {
    const agents: Agent[] = [];
    const calls: Awaited<ReturnType<typeof connectedCall>>[] = [];
    for (let i = 0; i < n; i++) {
      const agent = await world.login(`P3-${i}`);
      agents.push(agent);
      calls.push(await connectedCall(world, agent));
    }
    const setupRealSeconds = (performance.now() - realStart) / 1000;
    const index = new Map(agents.map((a, i) => [a.workerSid, i]));
    const pingWorkflow = String(stack.outputs.recoveryPingWorkflowSid);
    const clockMs = () => stack.twin.clock.now().getTime();
    const pings = new Array<number>(n).fill(0);
    const pingAt = new Array<number | null>(n).fill(null);
    const backAt = new Array<number | null>(n).fill(null);
    const throttled = { sync54009: 0, rest20429: 0 };
    const logMark = stack.twin.requestLog.list().at(-1)?.seq ?? 0;
    offs.push(
      stack.twin.events.on("taskCreated", ({ task }) => {
        if (task.workflowSid !== pingWorkflow) return;
        const attributes = JSON.parse(task.attributes) as Record<string, unknown>;
        const i = index.get(String(attributes[TaskAttribute.disconnectedWorkerSid]));
        if (i === undefined) return;
        pings[i]++;
        pingAt[i] ??= clockMs();
      }),
    );
    const edgeMark = stack.edgeRequests.length;
    const webhookMark = stack.engine.webhooks.attempts().length;
    const meter = new FunctionCpuMeter();
    const cpuStart = process.cpuUsage();
    const stop = meter.start();
    const dropped = clockMs();
    for (const agent of agents) agent.refreshPage(RELOAD_SECONDS);
    await world.until(() => {
      let all = true;
      for (let i = 0; i < n; i++) {
        if (backAt[i] === null && together(world, calls[i].customer, agents[i])) backAt[i] = clockMs();
        if (backAt[i] === null) all = false;
      }
      return all;
    }, BURST_WAIT_MS);
    // The outcome is appended by the step that ended the recovery, beside its actions.
    const outcomeAppends = () =>
      stack.twin.requestLog.list(
        (e) =>
          e.seq > logMark &&
          e.method === "POST" &&
          e.path.includes(`/Lists/${OUTCOME_LIST_PREFIX}`) &&
          e.path.endsWith("/Items"),
      );
    await world.until(() => outcomeAppends().filter((e) => e.status === 201).length >= n, OUTCOME_WAIT_MS);
    stop();
    const cpu = process.cpuUsage(cpuStart);
    const appends = outcomeAppends();
    const outcomes = {
      recorded: appends.filter((e) => e.status === 201).length,
      refused: appends.filter((e) => e.errorCode === 54009).length,
    };
    for (const entry of stack.twin.requestLog.list((e) => e.seq > logMark)) {
      if (entry.errorCode === 54009) throttled.sync54009++;
      if (entry.errorCode === 20429) throttled.rest20429++;
    }
    const harness = {
      webhookNoAnswer: stack.engine.webhooks
        .attempts()
        .slice(webhookMark)
        .filter((a) => a.status === null).length,
      edge504: stack.edgeRequests.slice(edgeMark).filter((r) => r.status === 504).length,
    };
    const back = backAt.filter((t) => t !== null).length;
    const pingsPerAgent = {
      exactlyOne: pings.filter((c) => c === 1).length,
      none: pings.filter((c) => c === 0).length,
      more: pings.filter((c) => c > 1).length,
    };
    return {
      n,
      ok: back === n && pingsPerAgent.exactlyOne === n && outcomes.recorded === n,
      back,
      outcomes,
      pingsPerAgent,
      dropToPingS: summary(pingAt.filter((t): t is number => t !== null).map((t) => t - dropped)),
      dropToBackS: summary(backAt.filter((t): t is number => t !== null).map((t) => t - dropped)),
      events: stack.edgeRequests.length - edgeMark,
      functionCpuMs: meter.cpuMs,
      processCpuMs: (cpu.user + cpu.system) / 1000,
      throttled,
      harness,
      realSeconds: (performance.now() - realStart) / 1000,
      setupRealSeconds,
    };
  } finally {
    for (const off of offs) off();
    stack.twin.concurrencyLimit = null;
    stack.engine.webhooks.concurrency = null;
    stack.setFunctionConcurrency(null);
    await world.close();
    stack.setFaults({});
  }
}

/**
 * The ladder of N: doubling from `first` up to `max`, stopping at the first N that fails or when a
 * step took longer than `budgetSeconds` of real time (the harness's limit, reported as such).
 */
export async function burstLadder(
  stack: Stack,
  options: { first: number; max: number; budgetSeconds: number; log: (line: string) => void },
): Promise<{ largestOk: number; steps: BurstResult[]; stoppedBy: "failure" | "budget" | "max" }> {
  const steps: BurstResult[] = [];
  let largestOk = 0;
  for (let n = options.first; ; n = Math.min(options.max, n * 2)) {
    const result = await measureBurst(stack, n);
    steps.push(result);
    options.log(
      `P3 burst N=${n}: ${result.back}/${n} back, pings ${JSON.stringify(result.pingsPerAgent)}, ` +
        `outcomes recorded ${result.outcomes.recorded}/${n} (54009 ${result.outcomes.refused}), ` +
        `drop→back p95 ${result.dropToBackS?.p95 ?? "–"} s, webhooks unanswered ${result.harness.webhookNoAnswer}, ` +
        `edge 504 ${result.harness.edge504}, functions ${(result.functionCpuMs / Math.max(1, result.events)).toFixed(2)} ms CPU/event, ` +
        `${result.realSeconds.toFixed(0)} s real (set-up ${result.setupRealSeconds.toFixed(0)} s)`,
    );
    if (!result.ok) return { largestOk, steps, stoppedBy: "failure" };
    largestOk = n;
    if (n >= options.max) return { largestOk, steps, stoppedBy: "max" };
    if (result.realSeconds > options.budgetSeconds) return { largestOk, steps, stoppedBy: "budget" };
  }
}
