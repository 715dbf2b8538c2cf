// How each recovery ended, recorded once by the functions and read by the operations views (the
// `recoveries` command, the supervisor view in Flex, the demo's report). A few Sync Lists per UTC
// day in the functions' Sync service (OUTCOME_LIST_SHARDS); one item per finished recovery.

/** How a recovery ended. */
export const RecoveryOutcomeKind = {
  /** The customer is back with the agent who dropped. */
  sameAgent: "sameAgent",
  /** The customer is with another agent (the ping failed or timed out and the requeue reached someone else). */
  otherAgent: "otherAgent",
  /** The customer hung up before an agent had them back. */
  abandoned: "abandoned",
} as const;
export type RecoveryOutcomeKind = (typeof RecoveryOutcomeKind)[keyof typeof RecoveryOutcomeKind];

/** What the functions write as a list item's data (kept small: Sync caps an item at 16 KiB). */
export interface RecoveryOutcomeData {
  v: 1;
  outcome: RecoveryOutcomeKind;
  conferenceSid: string;
  /** The dropped leg's call SID: one drop, one record (a duplicate write is counted once). */
  droppedCallSid: string;
  droppedWorkerSid: string;
  droppedWorkerName: string;
  /** Who has the customer now (null when abandoned). */
  reconnectedWorkerSid: string | null;
  /** ISO-8601 of the drop (the conference callback's Timestamp, Twilio's clock). */
  disconnectedTime: string;
}

/** A record as read back: the item's data and when Sync stored it (the end, on Twilio's clock too). */
export interface RecoveryOutcomeRecord extends RecoveryOutcomeData {
  /** ISO-8601: the list item's `date_created`. */
  endedTime: string;
}

/** Prefix of the daily lists' unique names. */
export const OUTCOME_LIST_PREFIX = "recovery-outcomes-";
/** Lists expire after 31 days: the `recoveries` command reads at most 30 days back. */
export const OUTCOME_LIST_TTL_SECONDS = 31 * 86_400;
/** The longest `--since` the lists can answer. */
export const OUTCOME_MAX_LOOKBACK_SECONDS = 30 * 86_400;

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * How many lists hold one day's outcomes. Sync limits writes to 20/s per object, counted at the top
 * of each list, with a 10 s burst window (https://www.twilio.com/docs/sync/limits, error 54009): a
 * regional outage ends hundreds of recoveries within seconds, which one list per day cannot take.
 * Eight lists take 1,600 appends in a burst window and 160/s sustained; readers read all eight.
 */
export const OUTCOME_LIST_SHARDS = 8;

/** The list a recovery's outcome goes to first: a stable hash (FNV-1a) of the dropped leg's call SID. */
export function outcomeShard(droppedCallSid: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < droppedCallSid.length; i++) {
    hash ^= droppedCallSid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % OUTCOME_LIST_SHARDS;
}

/** Unique name of list `shard` (0 … OUTCOME_LIST_SHARDS − 1) of the recoveries that ended on `time`'s UTC day. */
export function outcomeListName(time: Date, shard: number): string {
  if (!Number.isInteger(shard) || shard < 0 || shard >= OUTCOME_LIST_SHARDS) {
    throw new RangeError(`outcome list shard ${shard} is not in 0…${OUTCOME_LIST_SHARDS - 1}`);
  }
  return `${OUTCOME_LIST_PREFIX}${utcDay(time)}-${shard}`;
}

/** Names of every list that can hold recoveries ended from `since` to `until` (oldest day first). */
export function outcomeListNames(since: Date, until: Date): string[] {
  const names: string[] = [];
  const day = new Date(`${utcDay(since)}T00:00:00.000Z`);
  while (day.getTime() <= until.getTime()) {
    for (let shard = 0; shard < OUTCOME_LIST_SHARDS; shard++) names.push(outcomeListName(day, shard));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return names;
}

export interface AgentDrops {
  workerSid: string;
  workerName: string;
  drops: number;
}

export interface RecoverySummary {
  dropped: number;
  sameAgent: number;
  otherAgent: number;
  abandoned: number;
  /** Seconds from the drop to the end (reconnected or abandoned); null without records. */
  waitP50Seconds: number | null;
  waitP95Seconds: number | null;
  /** Most drops first, then by name. */
  agents: AgentDrops[];
}

/** Nearest-rank percentile (p in 0..100) of sorted values; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Records → the summary every view shows. Records of the same drop (same dropped call) count
 * once; records outside [since, until) of their end are left out when bounds are given.
 */
export function summarizeOutcomes(
  records: readonly RecoveryOutcomeRecord[],
  bounds: { since?: Date; until?: Date } = {},
): RecoverySummary {
  const byDrop = new Map<string, RecoveryOutcomeRecord>();
  for (const record of records) {
    const ended = Date.parse(record.endedTime);
    if (bounds.since && ended < bounds.since.getTime()) continue;
    if (bounds.until && ended >= bounds.until.getTime()) continue;
    if (!byDrop.has(record.droppedCallSid)) byDrop.set(record.droppedCallSid, record);
  }
  const kept = [...byDrop.values()];
  const count = (kind: RecoveryOutcomeKind) => kept.filter((r) => r.outcome === kind).length;
  const waits = kept
    .map((r) => Math.max(0, (Date.parse(r.endedTime) - Date.parse(r.disconnectedTime)) / 1000))
    .filter((s) => Number.isFinite(s))
    .sort((a, b) => a - b);
  const agents = new Map<string, AgentDrops>();
  for (const r of kept) {
    const agent = agents.get(r.droppedWorkerSid) ?? {
      workerSid: r.droppedWorkerSid,
      workerName: r.droppedWorkerName,
      drops: 0,
    };
    agent.drops += 1;
    agents.set(r.droppedWorkerSid, agent);
  }
  return {
    dropped: kept.length,
    sameAgent: count(RecoveryOutcomeKind.sameAgent),
    otherAgent: count(RecoveryOutcomeKind.otherAgent),
    abandoned: count(RecoveryOutcomeKind.abandoned),
    waitP50Seconds: percentile(waits, 50),
    waitP95Seconds: percentile(waits, 95),
    agents: [...agents.values()].sort((a, b) => b.drops - a.drops || a.workerName.localeCompare(b.workerName)),
  };
}

/** Whether a list item's data is an outcome this version understands (anything else is skipped). */
export function isRecoveryOutcomeData(value: unknown): value is RecoveryOutcomeData {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    Object.values(RecoveryOutcomeKind).includes(v.outcome as RecoveryOutcomeKind) &&
    typeof v.droppedCallSid === "string" &&
    typeof v.droppedWorkerSid === "string" &&
    typeof v.droppedWorkerName === "string" &&
    typeof v.disconnectedTime === "string"
  );
}

/** Roles (Flex's `manager.user.roles`, iam's token validation) that may see the recoveries. */
export const SUPERVISOR_ROLES = ["supervisor", "admin"] as const;

export function isSupervisor(roles: readonly string[] | undefined | null): boolean {
  return (roles ?? []).some((role) => (SUPERVISOR_ROLES as readonly string[]).includes(role));
}

/** The `flex/recoveries` answer (besides `success: true`). */
export interface RecoveriesResponse {
  /** The UTC day summarised (`YYYY-MM-DD`). */
  day: string;
  summary: RecoverySummary;
}

/** The summary as the `recoveries` command prints it (also the demo's console and report). */
export function formatSummary(summary: RecoverySummary, heading: string): string {
  const seconds = (s: number | null) => (s === null ? "—" : `${s.toFixed(1)} s`);
  const lines = [
    heading,
    `  dropped               ${summary.dropped}`,
    `  back to same agent    ${summary.sameAgent}`,
    `  to another agent      ${summary.otherAgent}`,
    `  abandoned             ${summary.abandoned}`,
    `  wait p50 / p95        ${seconds(summary.waitP50Seconds)} / ${seconds(summary.waitP95Seconds)}`,
    "drops per agent",
  ];
  if (summary.agents.length === 0) lines.push("  (none)");
  const width = Math.max(0, ...summary.agents.map((a) => a.workerName.length));
  for (const a of summary.agents) lines.push(`  ${a.workerName.padEnd(width)}  ${a.workerSid}  ${a.drops}`);
  return lines.join("\n");
}
