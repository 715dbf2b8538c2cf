// `pulumi-twilio/testing`: starts the twin for a test file (jest hooks) and points the providers at
// it through the one environment variable their client helper reads, with the twin's request log to
// count writes. Used by this package's provider tests and by infra's program tests.
import { startTwin, twilioClientForTwin, type RequestLogEntry, type RunningTwin } from "@flex-call-recovery/twin";
import type { Twilio } from "twilio";
import { TWILIO_API_BASE_URL_ENV } from "../src/client";

export interface TwinContext {
  twin: RunningTwin;
  /** An SDK client on the twin, for seeding and inspecting behind the providers' back. */
  sdk: Twilio;
}

/** Registers beforeAll/afterAll hooks; read the context inside tests. */
export function useTwin(): TwinContext {
  const ctx = {} as TwinContext;
  const saved: Record<string, string | undefined> = {};
  const vars = () => ({
    [TWILIO_API_BASE_URL_ENV]: ctx.twin.baseUrl,
    TWILIO_ACCOUNT_SID: ctx.twin.accountSid,
    TWILIO_AUTH_TOKEN: ctx.twin.authToken,
  });
  beforeAll(async () => {
    ctx.twin = await startTwin({ port: 0 });
    ctx.sdk = twilioClientForTwin(ctx.twin);
    for (const [k, v] of Object.entries(vars())) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await ctx.twin?.stop();
  });
  return ctx;
}

/** Requests the twin answered after `mark` (a seq number from `logMark`). */
export function requestsSince(twin: RunningTwin, mark: number): RequestLogEntry[] {
  return twin.requestLog.list((e) => e.seq > mark);
}

/** Everything but GET: the calls that change something. */
export function writesSince(twin: RunningTwin, mark: number): string[] {
  return requestsSince(twin, mark)
    .filter((e) => e.method !== "GET")
    .map((e) => `${e.method} ${e.host}${e.path}`);
}

export function logMark(twin: RunningTwin): number {
  const all = twin.requestLog.list();
  return all.length ? all[all.length - 1].seq : 0;
}
