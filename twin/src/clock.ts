// Every timestamp, TTL and timeout of the twin goes through a Clock, so tests can move time
// forward (`ManualClock.advance`) instead of sleeping.

/** Opaque timer handle returned by `setTimer`. */
export type TimerHandle = { readonly id: number };

export interface Clock {
  now(): Date;
  /** Calls `fn` once after `ms` milliseconds of this clock's time. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Wall-clock time and node timers. Timers are unref'd so a forgotten TTL never keeps a process alive. */
export class RealClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): Date {
    return new Date();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const handle = { id: this.nextId++ };
    const timer = setTimeout(
      () => {
        this.timers.delete(handle.id);
        fn();
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.timers.set(handle.id, timer);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}

interface PendingTimer {
  id: number;
  dueMs: number;
  fn: () => void;
}

/** Virtual time: nothing happens until `advance(ms)`; timers fire in due order, each seeing `now()` at its due time. */
export class ManualClock implements Clock {
  private currentMs: number;
  private nextId = 1;
  // Pending timers by id; fired in (dueMs, id) order.
  private readonly timers = new Map<number, PendingTimer>();

  constructor(start: Date | number = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.currentMs = typeof start === "number" ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.currentMs);
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueMs: this.currentMs + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones set by fired timers). */
  advance(ms: number): void {
    const target = this.currentMs + ms;
    for (;;) {
      const due = [...this.timers.values()]
        .filter((t) => t.dueMs <= target)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!due) break;
      this.timers.delete(due.id);
      this.currentMs = Math.max(this.currentMs, due.dueMs);
      due.fn();
    }
    this.currentMs = target;
  }

  /** Number of timers not yet fired (tests use it to check nothing leaks). */
  pendingTimers(): number {
    return this.timers.size;
  }
}
