// The figures of docs/development.md#benchmarks, measured on the offline stack. Figures, not assertions: ratios within
// one run mean something, absolute times across runs do not.
import { ManualClock, startTwin, type RequestLogEntry } from "@flex-call-recovery/twin";
import { RELOAD_SECONDS, WAIT_MS, connectedCall, pingTasks, together } from "../scenarios/helpers";
import { summaryLines } from "@flex-call-recovery/infra/engine";
import type { Stack } from "../harness/stack";
import { World } from "../world/world";
import type { Agent } from "../world/agent";

/**
 * Longest chain of requests where each starts after the previous one ended, ending at `last`:
 * the number of dependent round trips that led to it.
 */
export function dependentRoundTrips(entries: RequestLogEntry[], last: RequestLogEntry): number {
  const sorted = entries.filter((e) => e.endMs <= last.endMs).sort((a, b) => a.startMs - b.startMs);
  const depth = new Map<number, number>();
  for (const entry of sorted) {
    const before = sorted.filter((e) => e.endMs <= entry.startMs).map((e) => depth.get(e.seq) ?? 1);
    depth.set(entry.seq, 1 + Math.max(0, ...before));
  }
  return depth.get(last.seq) ?? 0;
}

/** P1: dependent Twilio round trips from the worker's participant-leave to the ping task created. */
export async function measureP1(stack: Stack, latencyMs: number): Promise<{ roundTrips: number; calls: string[] }> {
  stack.setFaults({ latencyMs });
  const world = new World(stack);
  try {
    const alice = await world.login("P1-Alice");
    await connectedCall(world, alice);
    const mark = stack.twin.requestLog.list().at(-1)?.seq ?? 0;
    alice.refreshPage(RELOAD_SECONDS);
    await world.settle();
    const pingWorkflow = String(stack.outputs.recoveryPingWorkflowSid);
    const log = stack.twin.requestLog.list((e) => e.seq > mark);
    const create = log.find((e) => e.operation === "createTask" && e.params.WorkflowSid === pingWorkflow);
    if (!create || pingTasks(world).length !== 1) throw new Error("P1: no recovery ping was created");
    const caused = log.filter((e) => e.correlationId !== null && e.correlationId === create.correlationId);
    return {
      roundTrips: dependentRoundTrips(caused, create),
      calls: caused.filter((e) => e.endMs <= create.endMs).map((e) => e.operation ?? e.path),
    };
  } finally {
    await world.close();
    stack.setFaults({});
  }
}

/**
 * P2: with `latencyMs` per Twilio call, agent leg drop → customer bridged back to the agent, minus
 * the agent's reload time. The reload runs on the virtual clock (it costs no real time); the drop
 * handling that overlaps it counts only where it outlasts the reload.
 */
export async function measureP2(
  stack: Stack,
  latencyMs: number,
): Promise<{ seconds: number; dropHandlingSeconds: number; afterReloadSeconds: number }> {
  stack.setFaults({ latencyMs });
  const world = new World(stack);
  try {
    const alice = await world.login("P2-Alice");
    const call = await connectedCall(world, alice);
    const dropped = performance.now();
    alice.refreshPage(RELOAD_SECONDS);
    await world.settle();
    const dropHandling = (performance.now() - dropped) / 1000;
    // The moment the customer joins Alice's new conference (checked on every participant change).
    let bridgedAt: number | null = null;
    const off = stack.twin.events.on("participantCreated", () => {
      setImmediate(() => {
        if (bridgedAt === null && together(world, call.customer, alice)) bridgedAt = performance.now();
      });
    });
    const reloaded = performance.now();
    stack.clock!.advance(RELOAD_SECONDS * 1000);
    const back = await world.until(() => together(world, call.customer, alice), WAIT_MS);
    off();
    if (!back || bridgedAt === null) throw new Error("P2: the customer was not bridged back");
    const afterReload = ((bridgedAt as number) - reloaded) / 1000;
    return {
      seconds: afterReload + Math.max(0, dropHandling - RELOAD_SECONDS),
      dropHandlingSeconds: dropHandling,
      afterReloadSeconds: afterReload,
    };
  } finally {
    await world.close();
    stack.setFaults({});
  }
}

/** One Sync write of a conference's lifecycle, at its offset from the call's start. */
export interface LifecycleWrite {
  offsetMs: number;
  /** Which of the lifecycle's documents (0 = the first conference's, 1 = the reconnect's …). */
  document: number;
  kind: "create" | "update" | "delete";
}

/**
 * The Sync writes of one full call lifecycle as the functions make them: connected at 0, the agent's
 * page reloads at 30 s, recovered, the customer hangs up at 120 s.
 */
export async function lifecycleWrites(stack: Stack): Promise<LifecycleWrite[]> {
  stack.setFaults({});
  const world = new World(stack);
  const writes: LifecycleWrite[] = [];
  const documents: string[] = [];
  const start = stack.twin.clock.now().getTime();
  const record = (name: string | null, kind: LifecycleWrite["kind"]) => {
    const key = name ?? "?";
    if (!documents.includes(key)) documents.push(key);
    writes.push({ offsetMs: stack.twin.clock.now().getTime() - start, document: documents.indexOf(key), kind });
  };
  const off = [
    stack.twin.events.on("documentCreated", ({ document }) => record(document.uniqueName, "create")),
    stack.twin.events.on("documentUpdated", ({ document }) => record(document.uniqueName, "update")),
    stack.twin.events.on("documentDeleted", ({ document }) => record(document.uniqueName, "delete")),
  ];
  try {
    const alice = await world.login("P3-Alice");
    const call = await connectedCall(world, alice);
    await world.advance(30_000);
    alice.refreshPage(RELOAD_SECONDS);
    if (!(await world.until(() => together(world, call.customer, alice), WAIT_MS))) throw new Error("P3: no recovery");
    const now = stack.twin.clock.now().getTime() - start;
    await world.advance(Math.max(0, 120_000 - now));
    world.customerHangsUp(call.customer);
    await world.settle();
    return writes;
  } finally {
    for (const unsubscribe of off) unsubscribe();
    await world.close();
  }
}

/**
 * Replays `n` concurrent lifecycles (calls arriving evenly over `arrivalWindowMs`) against the twin's
 * Sync with its per-object write limit on; returns how many writes were throttled (54009). Layout
 * "per-conference": each conference writes its own documents; "global": every write goes to one
 * object (a map's items count against their map, so one document stands for it).
 */
export async function throttledWrites(
  template: LifecycleWrite[],
  n: number,
  layout: "per-conference" | "global",
  arrivalWindowMs = 60_000,
): Promise<number> {
  const clock = new ManualClock(0);
  const twin = await startTwin({ clock, validateAgainstSpec: false });
  try {
    const sync = twin.store.sync;
    sync.enforceWriteRateLimit = true;
    const service = sync.createService({ friendlyName: "bench" }).sid;
    if (layout === "global") sync.enforceWriteRateLimit = false;
    const global =
      layout === "global" ? sync.createDocument(service, { uniqueName: "all-conferences", data: {} }) : null;
    sync.enforceWriteRateLimit = true;
    const schedule = Array.from({ length: n }, (_, i) =>
      template.map((w) => ({ ...w, at: Math.floor((i * arrivalWindowMs) / n) + w.offsetMs, conference: i })),
    )
      .flat()
      .sort((a, b) => a.at - b.at);
    let throttled = 0;
    for (const write of schedule) {
      if (write.at > clock.now().getTime()) clock.advance(write.at - clock.now().getTime());
      const name = `c${write.conference}-d${write.document}`;
      try {
        if (global) sync.updateDocument(service, global.sid, { data: { last: name } });
        else if (write.kind === "create") sync.createDocument(service, { uniqueName: name, data: {} });
        else if (write.kind === "update") sync.updateDocument(service, name, { data: { at: write.at } });
        else sync.deleteDocument(service, name);
      } catch (error) {
        if ((error as { code?: number }).code === 54009) throttled++;
        else if (write.kind !== "delete") throw error;
      }
    }
    return throttled;
  } finally {
    await twin.stop();
  }
}

/** The largest n in [1, max] with zero throttled writes (writes per object only grow with n). */
export async function largestUnthrottled(
  template: LifecycleWrite[],
  layout: "per-conference" | "global",
  max: number,
): Promise<number> {
  if ((await throttledWrites(template, max, layout)) === 0) return max;
  let low = 0;
  let high = max;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if ((await throttledWrites(template, mid, layout)) === 0) low = mid;
    else high = mid;
  }
  return low;
}

/** P5: Twilio writes of a second `pulumi up` with nothing changed (the real engine, same stack and state). */
export async function measureP5(stack: Stack): Promise<{ writes: number; requests: number; steps: string[] }> {
  stack.setFaults({});
  const mark = stack.twin.requestLog.list().at(-1)?.seq ?? 0;
  const result = await stack.pulumi.up("--skip-preview");
  const log = stack.twin.requestLog.list((e) => e.seq > mark && e.host !== null);
  return {
    writes: log.filter((e) => e.method !== "GET").length,
    requests: log.length,
    steps: summaryLines(result.stdout),
  };
}

/** What one call cost the project: function invocations and Twilio REST calls by product. */
export interface CallCost {
  invocations: number;
  /** Function invocations by route. */
  byRoute: Record<string, number>;
  /** Every Twilio REST call the functions made (Sync, TaskRouter, Voice, iam …). */
  rest: number;
  sync: number;
  /** REST calls by Twilio host, and by operation. */
  byHost: Record<string, number>;
  byOperation: Record<string, number>;
}

function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/**
 * Counts what happens between `run` starting and every webhook it caused having been answered:
 * the function invocations that reached the functions (edge requests the edge did not refuse) and
 * the Twilio REST calls in the twin's request log (API hosts only; the twin's control routes and
 * the harness's own reads of the twin's store are not REST calls).
 */
async function costOf(stack: Stack, run: () => Promise<void>): Promise<CallCost> {
  const markSeq = stack.twin.requestLog.list().at(-1)?.seq ?? 0;
  const markEdge = stack.edgeRequests.length;
  await run();
  const invoked = stack.edgeRequests.slice(markEdge).filter((r) => !r.refused);
  const rest = stack.twin.requestLog.list((e) => e.seq > markSeq && e.host !== null);
  return {
    invocations: invoked.length,
    byRoute: tally(invoked.map((r) => r.path.split("?")[0])),
    rest: rest.length,
    sync: rest.filter((e) => e.host === "sync.twilio.com").length,
    byHost: tally(rest.map((e) => e.host ?? "?")),
    byOperation: tally(rest.map((e) => `${e.method} ${e.operation ?? e.path}`)),
  };
}

/**
 * P6: what one ordinary call (no drop: connected, a minute's talk, the agent clicks Hangup and
 * completes the task) and one recovered call (the agent's page reloads mid-call, the same agent is
 * back, then hangs up the same way) cost the project, and the daily totals of `callsPerDay` calls of which
 * `dropShare` are recovered.
 */
export async function measureP6(
  stack: Stack,
  callsPerDay = 10_000,
  dropShare = 0.01,
): Promise<{
  ordinary: CallCost;
  recovered: CallCost;
  daily: { calls: number; dropShare: number; invocations: number; rest: number; sync: number };
}> {
  stack.setFaults({});
  const world = new World(stack);
  try {
    const alice = await world.login("P6-Alice");
    const ordinary = await costOf(stack, async () => {
      await connectedCall(world, alice);
      await world.advance(60_000);
      await alice.hangup();
      await wrapUp(world, alice);
    });
    const recovered = await costOf(stack, async () => {
      const call = await connectedCall(world, alice);
      await world.advance(30_000);
      alice.refreshPage(RELOAD_SECONDS);
      if (!(await world.until(() => together(world, call.customer, alice), WAIT_MS))) {
        throw new Error("P6: the customer was not brought back");
      }
      await world.advance(30_000);
      await alice.hangup();
      await wrapUp(world, alice);
    });
    return { ordinary, recovered, daily: dailyTotals(ordinary, recovered, callsPerDay, dropShare) };
  } finally {
    await world.close();
  }
}

type Cost = Pick<CallCost, "invocations" | "rest" | "sync">;

/** A day's totals: `callsPerDay` calls of which `dropShare` cost what a recovered call costs. */
export function dailyTotals(ordinary: Cost, recovered: Cost, callsPerDay: number, dropShare: number) {
  const drops = callsPerDay * dropShare;
  const perDay = (pick: (c: Cost) => number) =>
    Math.round((callsPerDay - drops) * pick(ordinary) + drops * pick(recovered));
  return {
    calls: callsPerDay,
    dropShare,
    invocations: perDay((c) => c.invocations),
    rest: perDay((c) => c.rest),
    sync: perDay((c) => c.sync),
  };
}

/** The agent completes every wrapping reservation (Flex's "Complete" after the call). */
async function wrapUp(world: World, agent: Agent): Promise<void> {
  for (const view of agent.reservationViews().filter((r) => r.status === "wrapping")) {
    await agent.completeInTwin(view.sid);
  }
  await world.settle();
}
