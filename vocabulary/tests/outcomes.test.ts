import {
  formatSummary,
  isRecoveryOutcomeData,
  isSupervisor,
  OUTCOME_LIST_SHARDS,
  outcomeListName,
  outcomeListNames,
  outcomeShard,
  percentile,
  summarizeOutcomes,
  type RecoveryOutcomeKind,
  type RecoveryOutcomeRecord,
} from "../src";

const T0 = Date.parse("2026-12-02T10:00:00.000Z");

/** A record: `drop` is the dropped call, `wait` seconds from the drop to the end. */
function record(
  drop: string,
  outcome: RecoveryOutcomeKind,
  wait: number,
  worker: [string, string] = ["WK1", "Alice"],
  startsAt = 0,
): RecoveryOutcomeRecord {
  const disconnected = T0 + startsAt * 1000;
  return {
    v: 1,
    outcome,
    conferenceSid: `CF-${drop}`,
    droppedCallSid: drop,
    droppedWorkerSid: worker[0],
    droppedWorkerName: worker[1],
    reconnectedWorkerSid: outcome === "abandoned" ? null : outcome === "sameAgent" ? worker[0] : "WK9",
    disconnectedTime: new Date(disconnected).toISOString(),
    endedTime: new Date(disconnected + wait * 1000).toISOString(),
  };
}

const ALICE: [string, string] = ["WK1", "Alice"];
const BOB: [string, string] = ["WK2", "Bob"];

describe("summarizeOutcomes", () => {
  it.each<[string, RecoveryOutcomeRecord[], object]>([
    [
      "no records",
      [],
      { dropped: 0, sameAgent: 0, otherAgent: 0, abandoned: 0, waitP50Seconds: null, waitP95Seconds: null, agents: [] },
    ],
    [
      "one reconnect to the same agent",
      [record("CA1", "sameAgent", 12)],
      {
        dropped: 1,
        sameAgent: 1,
        otherAgent: 0,
        abandoned: 0,
        waitP50Seconds: 12,
        waitP95Seconds: 12,
        agents: [{ workerSid: "WK1", workerName: "Alice", drops: 1 }],
      },
    ],
    [
      "each outcome, two agents, most drops first",
      [
        record("CA1", "sameAgent", 10, BOB),
        record("CA2", "otherAgent", 30, ALICE),
        record("CA3", "abandoned", 20, ALICE),
        record("CA4", "sameAgent", 40, ALICE),
      ],
      {
        dropped: 4,
        sameAgent: 2,
        otherAgent: 1,
        abandoned: 1,
        waitP50Seconds: 20,
        waitP95Seconds: 40,
        agents: [
          { workerSid: "WK1", workerName: "Alice", drops: 3 },
          { workerSid: "WK2", workerName: "Bob", drops: 1 },
        ],
      },
    ],
    [
      "the same drop recorded twice counts once (the first record wins)",
      [record("CA1", "sameAgent", 5), record("CA1", "abandoned", 50)],
      {
        dropped: 1,
        sameAgent: 1,
        abandoned: 0,
        waitP50Seconds: 5,
        waitP95Seconds: 5,
        agents: [{ workerSid: "WK1", workerName: "Alice", drops: 1 }],
      },
    ],
    [
      "equal drop counts sort by name",
      [record("CA1", "abandoned", 1, BOB), record("CA2", "abandoned", 1, ALICE)],
      {
        agents: [
          { workerSid: "WK1", workerName: "Alice", drops: 1 },
          { workerSid: "WK2", workerName: "Bob", drops: 1 },
        ],
      },
    ],
    [
      "an end stamped before the drop (clock skew) waits 0 s, never less",
      [record("CA1", "sameAgent", -3)],
      { waitP50Seconds: 0, waitP95Seconds: 0 },
    ],
  ])("%s", (_name, records, expected) => {
    expect(summarizeOutcomes(records)).toMatchObject(expected);
  });

  it("p50/p95 of twenty waits 1..20 s are the 10th and 19th (nearest rank)", () => {
    const records = Array.from({ length: 20 }, (_, i) => record(`CA${i}`, "sameAgent", 20 - i));
    expect(summarizeOutcomes(records)).toMatchObject({ waitP50Seconds: 10, waitP95Seconds: 19 });
  });

  it("keeps only records that ended within [since, until)", () => {
    const records = [
      record("CA1", "sameAgent", 10, ALICE, -3600), // ended 09:00:10
      record("CA2", "abandoned", 10, ALICE, 0), // ended 10:00:10
      record("CA3", "otherAgent", 10, ALICE, 3600), // ended 11:00:10
    ];
    const summary = summarizeOutcomes(records, {
      since: new Date("2026-12-02T10:00:10.000Z"),
      until: new Date("2026-12-02T11:00:10.000Z"),
    });
    expect(summary).toMatchObject({ dropped: 1, abandoned: 1, sameAgent: 0, otherAgent: 0 });
  });
});

describe("percentile", () => {
  it.each([
    [[], 50, null],
    [[7], 95, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[1, 2, 3, 4], 0, 1],
  ])("of %p at p%p is %p", (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("daily lists", () => {
  it("names a day's lists by their UTC date and shard", () => {
    expect(outcomeListName(new Date("2026-12-01T23:59:59.999Z"), 0)).toBe("recovery-outcomes-2026-12-01-0");
    expect(outcomeListName(new Date("2026-12-02T00:00:00.000Z"), 7)).toBe("recovery-outcomes-2026-12-02-7");
  });

  it.each([-1, 8, 1.5, Number.NaN])("refuses shard %p", (shard) => {
    expect(() => outcomeListName(new Date("2026-12-02T00:00:00Z"), shard)).toThrow(RangeError);
  });

  it("lists every shard of every day from since to until", () => {
    const names = outcomeListNames(new Date("2026-11-30T18:00:00Z"), new Date("2026-12-02T01:00:00Z"));
    expect(names).toHaveLength(3 * OUTCOME_LIST_SHARDS);
    expect(names.slice(0, 2)).toEqual(["recovery-outcomes-2026-11-30-0", "recovery-outcomes-2026-11-30-1"]);
    expect(names.at(-1)).toBe(`recovery-outcomes-2026-12-02-${OUTCOME_LIST_SHARDS - 1}`);
    expect(new Set(names).size).toBe(names.length);
    expect(outcomeListNames(new Date("2026-12-02T08:00:00Z"), new Date("2026-12-02T09:00:00Z"))).toEqual(
      Array.from({ length: OUTCOME_LIST_SHARDS }, (_, shard) => `recovery-outcomes-2026-12-02-${shard}`),
    );
  });

  it("spreads call SIDs over every shard, each SID always to the same one", () => {
    const sids = Array.from({ length: 800 }, (_, i) => `CA${i.toString(16).padStart(32, "0")}`);
    const counts = new Array<number>(OUTCOME_LIST_SHARDS).fill(0);
    for (const sid of sids) counts[outcomeShard(sid)]! += 1;
    // Even enough that a burst fills no list much faster than the others (100 each if perfectly even).
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
    expect(sids.map(outcomeShard)).toEqual(sids.map(outcomeShard));
  });
});

describe("reading items", () => {
  it.each([
    [{ ...record("CA1", "sameAgent", 1) }, true],
    [{ ...record("CA1", "sameAgent", 1), v: 2 }, false],
    [{ ...record("CA1", "sameAgent", 1), outcome: "lost" }, false],
    [{ outcome: "abandoned" }, false],
    [null, false],
    ["text", false],
  ])("item data %# is an outcome: %p", (data, expected) => {
    expect(isRecoveryOutcomeData(data)).toBe(expected);
  });

  it.each([
    [["agent"], false],
    [["supervisor"], true],
    [["agent", "admin"], true],
    [[], false],
    [undefined, false],
  ])("roles %p may see the recoveries: %p", (roles, expected) => {
    expect(isSupervisor(roles)).toBe(expected);
  });
});

describe("formatSummary", () => {
  it("prints the counts, the waits and the drops per agent", () => {
    const text = formatSummary(
      summarizeOutcomes([record("CA1", "sameAgent", 10, BOB), record("CA2", "abandoned", 20, ALICE)]),
      "recoveries",
    );
    expect(text.split("\n")).toEqual([
      "recoveries",
      "  dropped               2",
      "  back to same agent    1",
      "  to another agent      0",
      "  abandoned             1",
      "  wait p50 / p95        10.0 s / 20.0 s",
      "drops per agent",
      "  Alice  WK1  1",
      "  Bob    WK2  1",
    ]);
  });

  it("says (none) without drops and — without waits", () => {
    const text = formatSummary(summarizeOutcomes([]), "h");
    expect(text).toContain("wait p50 / p95        — / —");
    expect(text).toContain("  (none)");
  });
});
