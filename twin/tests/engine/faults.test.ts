import { ControlError } from "../../src/control/api";
import { FaultInjector, SeededRandom, validateFaultConfig } from "../../src/faults";

describe("fault injection decisions", () => {
  it("is reproducible from its seed", () => {
    const draw = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(7).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("answers about the configured share of calls with 429/500/503", () => {
    const faults = new FaultInjector({ seed: 5, errorRate: 0.2 });
    const errors = Array.from({ length: 1000 }, () => faults.nextError()).filter((e) => e !== null);
    expect(errors.length).toBeGreaterThan(150);
    expect(errors.length).toBeLessThan(250);
    expect(new Set(errors.map((e) => e.status))).toEqual(new Set([429, 500, 503]));
    const c = faults.counters.injectedErrors;
    expect(c[429] + c[500] + c[503]).toBe(errors.length);
    const only429 = new FaultInjector({ seed: 5, errorRate: 1, errorStatuses: [429] });
    expect(only429.nextError()).toEqual({ status: 429, code: 20429, message: "Too Many Requests" });
    expect(new FaultInjector({ errorRate: 0 }).nextError()).toBeNull();
  });

  it("draws latency from a fixed value or a distribution", () => {
    expect(new FaultInjector({ latency: { kind: "fixed", ms: 50 } }).latencyMs()).toBe(50);
    const uniform = new FaultInjector({ seed: 3, latency: { kind: "uniform", minMs: 10, maxMs: 20 } });
    const u = Array.from({ length: 200 }, () => uniform.latencyMs());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...u)).toBeLessThanOrEqual(20);
    const normal = new FaultInjector({ seed: 3, latency: { kind: "normal", meanMs: 100, stdDevMs: 10 } });
    const n = Array.from({ length: 500 }, () => normal.latencyMs());
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    expect(mean).toBeGreaterThan(95);
    expect(mean).toBeLessThan(105);
    const exp = new FaultInjector({ seed: 3, latency: { kind: "exponential", meanMs: 40 } });
    expect(Array.from({ length: 50 }, () => exp.latencyMs()).every((x) => x >= 0)).toBe(true);
    expect(new FaultInjector().latencyMs()).toBe(0);
  });

  it("limits the hosts it applies to", () => {
    const faults = new FaultInjector({ hosts: ["sync.twilio.com"] });
    expect(faults.applies("sync.twilio.com")).toBe(true);
    expect(faults.applies("taskrouter.twilio.com")).toBe(false);
    expect(new FaultInjector().applies("taskrouter.twilio.com")).toBe(true);
  });

  it("rejects bad configurations", () => {
    expect(validateFaultConfig({ errorRate: 2 })).toMatch(/errorRate/);
    expect(validateFaultConfig({ seed: 1.5 })).toMatch(/seed/);
    expect(validateFaultConfig({ errorStatuses: [404 as 429] })).toMatch(/errorStatuses/);
    expect(validateFaultConfig({ latency: { kind: "fixed", ms: -1 } })).toMatch(/non-negative/);
    expect(validateFaultConfig({ errorRate: 0.1, latency: { kind: "normal", meanMs: 5, stdDevMs: 1 } })).toBeNull();
    expect(() => new FaultInjector().configure({ duplicateWebhookRate: -1 })).toThrow(ControlError);
    expect(() => new FaultInjector().configure({ duplicateWebhookRate: -1 })).toThrow(/duplicateWebhookRate/);
  });
});
