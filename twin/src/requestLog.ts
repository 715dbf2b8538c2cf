// Every API call the twin answered, in arrival order. Benchmarks count round trips from it and
// tests assert on it. Times are milliseconds from a monotonic source (performance.now()), so
// durations stay right even when a test moves the twin's Clock.
import { performance } from "perf_hooks";

export interface RequestLogEntry {
  /** Arrival order, from 1. */
  seq: number;
  method: string;
  /** Twilio host the caller addressed (e.g. `taskrouter.twilio.com`); `null` for control routes. */
  host: string | null;
  /** The matched spec path template, or null for unknown routes. */
  route: string | null;
  /** Twilio operation name of the route (e.g. `createTask`), or null. */
  operation: string | null;
  /** Path as requested (without query). */
  path: string;
  query: string;
  /** Form or JSON parameters the caller sent (file contents left out). */
  params: Record<string, unknown>;
  status: number;
  startMs: number;
  endMs: number;
  /** Value of the x-twin-correlation-id header, if any. */
  correlationId: string | null;
  accountSid: string | null;
  /** Twilio error code of an error answer. */
  errorCode: number | null;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly listeners = new Set<(entry: RequestLogEntry) => void>();

  static now(): number {
    return performance.now();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** A copy of the entries, optionally filtered. */
  list(filter?: (entry: RequestLogEntry) => boolean): RequestLogEntry[] {
    return filter ? this.entries.filter(filter) : [...this.entries];
  }

  /** Calls `listener` after each recorded request; returns the unsubscribe function. */
  onRecord(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.entries = [];
  }
}
