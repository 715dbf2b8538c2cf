// The scenarios on the whole product offline: the twin (spec-validated, virtual
// clock), the stack deployed by the infra's offline deploy, the functions under twilio-run, agents
// driven by the plugin's controller. The same scenarios `npm run demo` plays.
import { formatTimelineLine } from "../src/report/timeline";
import { STACK_START_TIMEOUT_MS, startStack, type Stack } from "../src/harness/stack";
import { SCENARIOS } from "../src/scenarios";
import { runScenario } from "../src/scenarios/runner";

jest.setTimeout(60_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ validate: true });
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack?.stop();
  // Every request and answer of the run checked against Twilio's OpenAPI description.
  expect(stack?.twin.validator?.stats.failures ?? []).toEqual([]);
});

test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
  const record = await runScenario(stack, scenario);
  if (!record.passed) {
    // The timeline says what happened; printed only for a failure.
    console.log(`${scenario.title}\n${record.entries.map(formatTimelineLine).join("\n")}`);
  }
  expect(record.failure ?? "").toBe("");
  expect(record.passed).toBe(true);
});
