// The demo's command line: --scenario NAME, --latency MS, --faults RATE, --seed N.
import { SCENARIOS } from "../scenarios";

export interface DemoOptions {
  scenario: string | null;
  latencyMs: number;
  faultRate: number;
  seed: number;
}

export function parseDemoArgs(argv: string[]): DemoOptions {
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes("=") ? argv[i].slice(name.length + 1) : argv[i + 1];
  };
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`${name} must be a number from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  const scenario = value("--scenario") ?? null;
  if (scenario !== null && !SCENARIOS.some((s) => s.name === scenario)) {
    throw new Error(`--scenario: unknown "${scenario}"; one of ${SCENARIOS.map((s) => s.name).join(", ")}`);
  }
  return {
    scenario,
    latencyMs: number("--latency", 0, 0, 5000),
    faultRate: number("--faults", 0, 0, 0.9),
    seed: number("--seed", 1, 0, 2 ** 31),
  };
}
