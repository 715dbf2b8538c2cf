// The whole stack for one test file, on a spec-validated twin: started before the file's tests,
// stopped after them, and then every request and answer of the run must have matched Twilio's
// OpenAPI description.
import { STACK_START_TIMEOUT_MS, startStack, type Stack } from "../../src/harness/stack";

/** Registers the hooks; call the returned function inside tests for the running stack. */
export function useValidatedStack(): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ validate: true });
  }, STACK_START_TIMEOUT_MS);
  afterAll(async () => {
    await stack?.stop();
    expect(stack?.twin.validator?.stats.failures ?? []).toEqual([]);
  });
  return () => {
    if (!stack) throw new Error("the stack is not started (useValidatedStack's beforeAll failed)");
    return stack;
  };
}
