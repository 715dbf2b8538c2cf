// The clock the engine needs: the same shape as the twin's Clock (twin/src/clock.ts), restated
// here so the engine's pure modules stand alone; the twin's RealClock and ManualClock satisfy it.

export type TimerHandle = { readonly id: number };

export interface Clock {
  now(): Date;
  /** Calls `fn` once after `ms` milliseconds of this clock's time. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
