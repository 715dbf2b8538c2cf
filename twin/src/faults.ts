// Fault injection, reproducible from a seed: latency per API call (fixed or from a distribution),
// a rate of 429/500/503 answers, duplicated and reordered webhooks, and whether Sync's per-object
// write limit (https://www.twilio.com/docs/sync/limits: 20 writes/s per object over a 10 s burst
// window, above it 54009 as HTTP 429) is enforced — the Sync backend enforces it; this switches it.
// The decisions, and `faultMiddleware`, which applies them to the twin's requests.
import { ControlError } from "./control/api";
import type { WebhookFaultPolicy } from "./events/webhooks";
import type { RequestMiddleware } from "./hooks";
import { errorAnswer, TwilioError } from "./http/errors";
import { parseBasicAuth } from "./server";
import type { Twin } from "./twin";

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Standard normal by Box–Muller. */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

export type LatencySpec =
  | { kind: "fixed"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "normal"; meanMs: number; stdDevMs: number }
  | { kind: "exponential"; meanMs: number };

export type InjectedStatus = 429 | 500 | 503;

export interface FaultConfig {
  seed: number;
  /** Added before each matching API call is handled. */
  latency: LatencySpec | null;
  /** Fraction (0..1) of matching API calls answered with an error instead of being handled. */
  errorRate: number;
  /** Statuses the injected errors are drawn from. */
  errorStatuses: InjectedStatus[];
  /** Only calls to these Twilio hosts are affected (empty = all). */
  hosts: string[];
  /** Fraction of webhooks delivered twice. */
  duplicateWebhookRate: number;
  /** Fraction of webhooks held back so that the next one to the same URL overtakes them. */
  reorderWebhookRate: number;
  /** Enforce Sync's per-object write limit. */
  syncWriteLimit: boolean;
}

export const DEFAULT_FAULTS: FaultConfig = {
  seed: 1,
  latency: null,
  errorRate: 0,
  errorStatuses: [429, 500, 503],
  hosts: [],
  duplicateWebhookRate: 0,
  reorderWebhookRate: 0,
  syncWriteLimit: true,
};

/** Twilio error bodies of the injected answers. */
export const INJECTED_ERRORS: Record<InjectedStatus, { code: number; message: string }> = {
  429: { code: 20429, message: "Too Many Requests" },
  500: { code: 20500, message: "Internal Server Error" },
  503: { code: 20503, message: "Service Unavailable" },
};

/** Checks a fault configuration a client sent; returns the problem or null. */
export function validateFaultConfig(config: Partial<FaultConfig>): string | null {
  const rate = (name: keyof FaultConfig) => {
    const v = config[name];
    return v !== undefined && (typeof v !== "number" || v < 0 || v > 1) ? `${name} must be a number in [0, 1]` : null;
  };
  const problem = rate("errorRate") ?? rate("duplicateWebhookRate") ?? rate("reorderWebhookRate");
  if (problem) return problem;
  if (config.seed !== undefined && !Number.isInteger(config.seed)) return "seed must be an integer";
  if (config.errorStatuses?.some((s) => !(s in INJECTED_ERRORS))) return "errorStatuses may hold 429, 500, 503";
  const l = config.latency;
  if (l) {
    const numbers = Object.entries(l).filter(([k]) => k !== "kind");
    if (!["fixed", "uniform", "normal", "exponential"].includes(l.kind))
      return `latency.kind ${String(l.kind)} unknown`;
    if (numbers.some(([, v]) => typeof v !== "number" || v < 0)) return "latency values must be non-negative numbers";
  }
  return null;
}

const emptyCounters = () => ({
  delayedCalls: 0,
  totalDelayMs: 0,
  injectedErrors: { 429: 0, 500: 0, 503: 0 } as Record<InjectedStatus, number>,
  duplicatedWebhooks: 0,
  reorderedWebhooks: 0,
  throttledSyncWrites: 0,
});

export type FaultCounters = ReturnType<typeof emptyCounters>;

/** The seeded decisions: how long to delay a call, whether to fail it, whether to duplicate a webhook. */
export class FaultInjector implements WebhookFaultPolicy {
  private config: FaultConfig;
  private random: SeededRandom;
  readonly counters: FaultCounters = emptyCounters();

  constructor(config: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS, ...config };
    this.random = new SeededRandom(this.config.seed);
  }

  /** Replaces the configuration (and reseeds when a seed is given). */
  configure(config: Partial<FaultConfig>): void {
    const problem = validateFaultConfig(config);
    if (problem) throw new ControlError(400, `faults: ${problem}`);
    this.config = { ...this.config, ...config };
    if (config.seed !== undefined) this.random = new SeededRandom(config.seed);
  }

  reset(): void {
    this.config = { ...DEFAULT_FAULTS };
    this.random = new SeededRandom(this.config.seed);
    Object.assign(this.counters, emptyCounters());
  }

  current(): FaultConfig {
    return { ...this.config };
  }

  /** Whether a call to `host` is subject to latency and errors. */
  applies(host: string): boolean {
    return this.config.hosts.length === 0 || this.config.hosts.includes(host);
  }

  /** Delay (ms) for the next call, from the configured distribution. */
  latencyMs(): number {
    const l = this.config.latency;
    if (!l) return 0;
    let ms: number;
    switch (l.kind) {
      case "fixed":
        ms = l.ms;
        break;
      case "uniform":
        ms = l.minMs + this.random.next() * (l.maxMs - l.minMs);
        break;
      case "normal":
        ms = l.meanMs + this.random.gaussian() * l.stdDevMs;
        break;
      case "exponential":
        ms = -Math.log(1 - this.random.next()) * l.meanMs;
        break;
    }
    ms = Math.max(0, ms);
    this.counters.delayedCalls++;
    this.counters.totalDelayMs += ms;
    return ms;
  }

  /** The error to answer the next call with, or null to let it through. */
  nextError(): { status: InjectedStatus; code: number; message: string } | null {
    if (!this.random.chance(this.config.errorRate)) return null;
    const status = this.random.pick(this.config.errorStatuses);
    this.counters.injectedErrors[status]++;
    return { status, ...INJECTED_ERRORS[status] };
  }

  duplicate(): boolean {
    const yes = this.random.chance(this.config.duplicateWebhookRate);
    if (yes) this.counters.duplicatedWebhooks++;
    return yes;
  }

  reorder(): boolean {
    const yes = this.random.chance(this.config.reorderWebhookRate);
    if (yes) this.counters.reorderedWebhooks++;
    return yes;
  }
}

/**
 * Applies the faults to the twin's API calls: latency and injected errors on the hosts they apply
 * to, and Sync's per-object write limit switched on or off for the calling account.
 */
export function faultMiddleware(twin: Twin, faults: FaultInjector): RequestMiddleware {
  return async (request, next) => {
    if (!request.route) return next();
    if (faults.applies(request.host)) {
      const delay = faults.latencyMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const error = faults.nextError();
      if (error) return errorAnswer(new TwilioError(error.status, error.code, error.message));
    }
    if (request.host !== "sync.twilio.com") return next();
    // The account the Basic credentials name (middleware runs before authentication).
    const header = request.headers.authorization;
    const credentials = parseBasicAuth(Array.isArray(header) ? header[0] : header);
    const account = credentials ? twin.authenticate(credentials.username, credentials.password) : null;
    if (account) account.sync.enforceWriteRateLimit = faults.current().syncWriteLimit;
    const response = await next();
    const code = (response.body as { code?: unknown } | undefined)?.code;
    if (response.status === 429 && code === 54009) faults.counters.throttledSyncWrites++;
    return response;
  };
}
