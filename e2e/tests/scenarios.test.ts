// The scenarios on the whole product offline: the twin (spec-validated, virtual
// clock), the stack deployed by the infra's offline deploy, the functions under twilio-run, agents
// driven by the plugin's controller. The same scenarios `npm run demo` plays.
import { formatTimelineLine } from "../src/report/timeline";
import { SCENARIOS } from "../src/scenarios";
import { runScenario } from "../src/scenarios/runner";
import { useValidatedStack } from "./support/validatedStack";

jest.setTimeout(60_000);

const stack = useValidatedStack();

test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
  const record = await runScenario(stack(), scenario);
  if (!record.passed) {
    // The timeline says what happened; printed only for a failure.
    console.log(`${scenario.title}\n${record.entries.map(formatTimelineLine).join("\n")}`);
  }
  expect(record.failure ?? "").toBe("");
  expect(record.passed).toBe(true);
});
