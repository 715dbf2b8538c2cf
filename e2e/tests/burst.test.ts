// The P3 burst's own arithmetic: percentiles of virtual times, and the CPU meter that counts only
// the functions' async context.
import { summary } from "../src/bench/burst";
import { FunctionCpuMeter } from "../src/bench/cpu";
import { functionsContext } from "../src/harness/functionsServer";

/** Burns `ms` of this process's CPU time (not wall time: the machine may be busy). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe("P3 burst figures", () => {
  it("gives p50 and p95 in seconds (nearest rank)", () => {
    const ms = Array.from({ length: 20 }, (_, i) => (i + 1) * 1000);
    expect(summary(ms)).toEqual({ p50: 10, p95: 19 });
    expect(summary([5000])).toEqual({ p50: 5, p95: 5 });
    expect(summary([])).toBeNull();
  });

  it("counts CPU of callbacks in the functions' context only", async () => {
    const meter = new FunctionCpuMeter();
    const stop = meter.start();
    try {
      await new Promise<void>((resolve) => setTimeout(() => (spin(40), resolve()), 0));
      const outside = meter.cpuMs;
      await functionsContext.run(
        true,
        () => new Promise<void>((resolve) => setTimeout(() => (spin(40), resolve()), 0)),
      );
      expect(outside).toBe(0);
      expect(meter.cpuMs).toBeGreaterThanOrEqual(40);
    } finally {
      stop();
    }
  });

  it("stops counting when a callback of another context takes the CPU", async () => {
    const meter = new FunctionCpuMeter();
    const stop = meter.start();
    try {
      await functionsContext.run(
        true,
        () => new Promise<void>((resolve) => setTimeout(() => (spin(10), resolve()), 0)),
      );
      await new Promise<void>((resolve) => setTimeout(() => (spin(60), resolve()), 0));
      expect(meter.cpuMs).toBeGreaterThanOrEqual(10);
      expect(meter.cpuMs).toBeLessThan(60);
    } finally {
      stop();
    }
  });
});
