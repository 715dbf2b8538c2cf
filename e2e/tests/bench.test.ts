// The bench's own arithmetic: dependent round trips from request timings, the Sync write replay,
// and the demo's options.
import type { RequestLogEntry } from "@flex-call-recovery/twin";
import { dailyTotals, dependentRoundTrips, throttledWrites, type LifecycleWrite } from "../src/bench/measures";
import { parseDemoArgs } from "../src/demo/options";

const entry = (seq: number, startMs: number, endMs: number): RequestLogEntry => ({
  seq,
  method: "GET",
  host: "sync.twilio.com",
  route: null,
  operation: `op${seq}`,
  path: "/",
  query: "",
  params: {},
  status: 200,
  startMs,
  endMs,
  correlationId: "c",
  accountSid: null,
  errorCode: null,
});

describe("dependent round trips", () => {
  it("counts the longest chain of calls that waited for each other", () => {
    // 1 ∥ 2, then 3 (after both), then 4 ∥ 5 where 5 is the last: 3 round trips.
    const log = [entry(1, 0, 50), entry(2, 1, 52), entry(3, 53, 100), entry(4, 101, 150), entry(5, 102, 151)];
    expect(dependentRoundTrips(log, log[4])).toBe(3);
    // Six calls one after the other: 6.
    const serial = Array.from({ length: 6 }, (_, i) => entry(i + 1, i * 10, i * 10 + 9));
    expect(dependentRoundTrips(serial, serial[5])).toBe(6);
    // Calls that ended after the last one started do not count.
    expect(dependentRoundTrips([entry(1, 0, 200), entry(2, 10, 100)], entry(2, 10, 100))).toBe(1);
  });
});

describe("Sync write replay", () => {
  // One call: its document created, updated 8 times within 2 s, deleted at 120 s.
  const template: LifecycleWrite[] = [
    { offsetMs: 0, document: 0, kind: "create" },
    ...Array.from({ length: 8 }, (_, i): LifecycleWrite => ({ offsetMs: 100 + i * 200, document: 0, kind: "update" })),
    { offsetMs: 120_000, document: 0, kind: "delete" },
  ];

  it("one document per conference is never throttled; one shared object is, beyond Sync's limit", async () => {
    expect(await throttledWrites(template, 500, "per-conference")).toBe(0);
    expect(await throttledWrites(template, 500, "global")).toBeGreaterThan(0);
    expect(await throttledWrites(template, 10, "global")).toBe(0);
  });
});

describe("demo options", () => {
  it("reads --scenario, --latency, --faults and --seed, and refuses nonsense", () => {
    expect(parseDemoArgs(["--scenario", "page-refresh", "--latency=50", "--faults", "0.2", "--seed", "7"])).toEqual({
      scenario: "page-refresh",
      latencyMs: 50,
      faultRate: 0.2,
      seed: 7,
    });
    expect(parseDemoArgs([])).toEqual({ scenario: null, latencyMs: 0, faultRate: 0, seed: 1 });
    expect(() => parseDemoArgs(["--scenario", "nope"])).toThrow(/unknown "nope"/);
    expect(() => parseDemoArgs(["--faults", "2"])).toThrow(/--faults must be a number from 0 to 0.9/);
  });
});

describe("P6 daily totals", () => {
  it("weighs the ordinary and the recovered call by the share of drops", () => {
    const ordinary = { invocations: 9, rest: 16, sync: 6 };
    const recovered = { invocations: 21, rest: 56, sync: 25 };
    expect(dailyTotals(ordinary, recovered, 10_000, 0.01)).toEqual({
      calls: 10_000,
      dropShare: 0.01,
      invocations: 9_900 * 9 + 100 * 21,
      rest: 9_900 * 16 + 100 * 56,
      sync: 9_900 * 6 + 100 * 25,
    });
    expect(dailyTotals(ordinary, recovered, 10, 0).invocations).toBe(90);
  });
});
