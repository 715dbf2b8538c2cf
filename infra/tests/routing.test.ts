// The routing the stack declares (built in the vocabulary), evaluated by the twin's TaskRouter routing rules: who could be
// offered a task.
import { pingWorkflowConfiguration, TaskAttribute } from "@flex-call-recovery/vocabulary";
import { eligibleWorkers, matchFilter } from "@flex-call-recovery/twin";

const PING_QUEUE = { sid: `WQ${"1".repeat(32)}`, friendlyName: "Recovery Ping", targetWorkers: "1 == 1" };
const ALICE = { sid: `WK${"a".repeat(32)}`, friendlyName: "alice", attributes: {} };
const BOB = { sid: `WK${"b".repeat(32)}`, friendlyName: "bob", attributes: {} };

/** Every worker some target of the matching filter (or the default) could reserve. */
function offeredTo(attributes: Record<string, unknown>): string[] {
  const match = matchFilter(pingWorkflowConfiguration(PING_QUEUE.sid), attributes);
  if (!match) return [];
  return match.targets.flatMap((target) => {
    // Every target must name the ping queue (the only queue the workflow may use).
    expect(target.queue).toBe(PING_QUEUE.sid);
    return eligibleWorkers(target, PING_QUEUE, attributes, [ALICE, BOB]).map((w) => w.friendlyName);
  });
}

test("a ping goes to the dropped agent only", () => {
  expect(
    offeredTo({ [TaskAttribute.disconnectedWorkerSid]: ALICE.sid, [TaskAttribute.recoveryAttemptFailed]: false }),
  ).toEqual(["alice"]);
});

test("a ping that misses the filter expression is offered to nobody (no catch-all into the every-worker queue)", () => {
  expect(offeredTo({})).toEqual([]);
  expect(offeredTo({ [TaskAttribute.recoveryAttemptFailed]: false })).toEqual([]);
  expect(
    offeredTo({ [TaskAttribute.disconnectedWorkerSid]: ALICE.sid, [TaskAttribute.recoveryAttemptFailed]: true }),
  ).toEqual([]);
});
