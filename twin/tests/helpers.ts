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

/** A raw HTTP call to the twin (for what the SDK refuses to send): form body, Basic auth by default. */
export async function raw(
  twin: RunningTwin,
  method: string,
  url: string,
  options: {
    form?: Record<string, string>;
    auth?: string | null;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth === undefined ? `${twin.accountSid}:${twin.authToken}` : options.auth;
  if (auth !== null) headers.Authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  let body = options.body;
  if (options.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  const target = url.startsWith("http") ? url : `${twin.baseUrl}/${url.replace(/^\//, "")}`;
  const response = await fetch(target, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
