// Shared set-up for the twin's tests: a validated twin and a `twilio` client pointed at it.
import type twilio from "twilio";
import { RunningTwin, startTwin, twilioClientForTwin, TwinOptions } from "../src";

export interface TwinHarness {
  twin: RunningTwin;
  client: twilio.Twilio;
}

/** Starts a twin (spec validation on) before all tests of a file and stops it after. */
export function useTwin(options: TwinOptions = {}): TwinHarness {
  const harness = {} as TwinHarness;
  beforeAll(async () => {
    harness.twin = await startTwin({ validateAgainstSpec: true, ...options });
    harness.client = twilioClientForTwin(harness.twin, { autoRetry: false });
  });
  afterAll(async () => {
    // Every answer a file's tests got must have matched Twilio's spec.
    const stats = harness.twin.validator!.stats;
    await harness.twin.stop();
    expect(stats.failures).toEqual([]);
    expect(stats.responsesChecked).toBe(stats.responsesServed);
  });
  return harness;
}

/** Runs `fn` expecting a Twilio RestException; returns it. */
export async function restError(
  fn: () => Promise<unknown>,
): Promise<{ status: number; code: number; message: string }> {
  try {
    await fn();
  } catch (error) {
    return error as { status: number; code: number; message: string };
  }
  throw new Error("expected the call to fail");
}
