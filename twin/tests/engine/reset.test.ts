// `POST /_twin/reset` (what `npm run twin` users call between runs) must leave no engine state
// behind the emptied stores: injected faults and their counters go back to the defaults.
import { startTwin, type RunningTwin } from "../../src";
import { DEFAULT_FAULTS } from "../../src/faults";
import { attachEngine, type TwinEngine } from "../../src/engine";

let twin: RunningTwin;
let engine: TwinEngine;

beforeAll(async () => {
  twin = await startTwin();
  engine = attachEngine(twin);
});
afterAll(async () => {
  engine.dispose();
  await twin.stop();
});

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${twin.baseUrl}/_twin${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe("twin reset", () => {
  it("forgets the engine's faults with the stores", async () => {
    expect((await control("POST", "/faults", { seed: 9, errorRate: 0.5 })).status).toBe(200);
    expect((await control("GET", "/faults")).body.config).toMatchObject({ seed: 9, errorRate: 0.5 });
    expect((await control("POST", "/reset")).status).toBeLessThan(300);
    expect((await control("GET", "/faults")).body.config).toEqual(DEFAULT_FAULTS);
  });

  it("stops calling a listener once it unsubscribes", () => {
    let calls = 0;
    const off = twin.onReset(() => calls++);
    twin.reset();
    off();
    twin.reset();
    expect(calls).toBe(1);
  });
});
