// Stands in for the Serverless runtime around a handler: the `Twilio.Response` global, the
// context (environment) and a callback turned into a promise. One place installs and removes the
// globals, so no test leaves them behind (docs/development.md#conventions).
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import { FakeTwilio } from "./fakeTwilio";

export class TestResponse {
  statusCode = 200;
  body: unknown = undefined;
  headers: Record<string, string> = {};
  setStatusCode(code: number) {
    this.statusCode = code;
    return this;
  }
  setBody(body: unknown) {
    this.body = body;
    return this;
  }
  appendHeader(key: string, value: string) {
    this.headers[key] = value;
    return this;
  }
  setHeaders(headers: Record<string, string>) {
    Object.assign(this.headers, headers);
    return this;
  }
}

const globals = globalThis as unknown as { Twilio?: unknown };

export function installRuntime(): void {
  globals.Twilio = { Response: TestResponse };
}
export function removeRuntime(): void {
  delete globals.Twilio;
}

export const ACCOUNT_SID = `AC${"a".repeat(32)}`;
export const WORKSPACE_SID = `WS${"b".repeat(32)}`;
export const SYNC_SERVICE_SID = `IS${"c".repeat(32)}`;
export const PING_WORKFLOW_SID = `WW${"d".repeat(32)}`;
export const CALL_WORKFLOW_SID = `WW${"e".repeat(32)}`;

/** The environment of a deployment whose Twilio is the fake at `baseUrl`. */
export function contextFor(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [FunctionEnv.accountSid]: ACCOUNT_SID,
    [FunctionEnv.authToken]: "0".repeat(32),
    [FunctionEnv.workspaceSid]: WORKSPACE_SID,
    [FunctionEnv.syncServiceSid]: SYNC_SERVICE_SID,
    [FunctionEnv.recoveryPingWorkflowSid]: PING_WORKFLOW_SID,
    [FunctionEnv.syncApiKey]: `SK${"f".repeat(32)}`,
    [FunctionEnv.syncApiSecret]: "sync-secret-not-for-answers",
    [FunctionEnv.twilioApiBaseUrl]: baseUrl,
    DOMAIN_NAME: "flex-call-recovery-1234-dev.twil.io",
    ...extra,
  };
}

export interface Answer {
  statusCode: number;
  body: unknown;
  headers: Record<string, string>;
}

type AnyHandler = (context: never, event: never, callback: (error: unknown, payload?: unknown) => void) => unknown;

/** Calls `handler(context, event, callback)` and resolves with what it answered. */
export function callHandler(handler: AnyHandler, context: object, event: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const callback = (error: unknown, payload?: unknown) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      if (payload instanceof TestResponse) {
        resolve({ statusCode: payload.statusCode, body: payload.body, headers: payload.headers });
      } else {
        resolve({ statusCode: 200, body: payload, headers: {} });
      }
    };
    Promise.resolve(handler(context as never, event as never, callback)).catch(reject);
  });
}

/**
 * The handler suites' set-up: the runtime globals for the file, a fresh fake Twilio per test
 * (handed over with a context pointing at it), mocks restored and the fake stopped after each.
 */
export function withFakeTwilio(use: (fake: FakeTwilio, context: Record<string, string>) => void): void {
  let fake: FakeTwilio | null = null;
  beforeAll(installRuntime);
  afterAll(removeRuntime);
  beforeEach(async () => {
    fake = await new FakeTwilio().start();
    use(fake, contextFor(fake.url));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fake?.stop();
  });
}
