import {
  DEFAULT_PING_PRIORITY,
  DEFAULT_RECONNECT_PRIORITY,
  TASK_PRIORITY_MAX,
  TASK_PRIORITY_MIN,
  DIRECT_TO_AGENT_EXPRESSION,
  FOLLOWED_BY_RECONNECT,
  isMarkedForReconnect,
  isReconnectTask,
  isRecoveryPingTask,
  parseTaskAttributes,
  PING_FILTER_EXPRESSION,
  stateDocumentName,
} from "../src";

describe("vocabulary", () => {
  it("spells the routing expressions of the set-up guide", () => {
    expect(PING_FILTER_EXPRESSION).toBe("disconnectedWorkerSid != null && recoveryAttemptFailed == false");
    expect(DIRECT_TO_AGENT_EXPRESSION).toBe("targetWorkerSid != null");
  });

  it.each([
    ['{"a":1}', { a: 1 }],
    ["[]", null],
    ["null", null],
    ["not json", null],
    [undefined, null],
  ])("parses task attributes %p", (json, expected) => {
    expect(parseTaskAttributes(json)).toEqual(expected);
  });

  it("recognises reconnect tasks and tasks marked for reconnect", () => {
    expect(isReconnectTask({ isReconnect: true })).toBe(true);
    expect(isReconnectTask({ isReconnect: "true" })).toBe(false);
    expect(isMarkedForReconnect({ conversations: { followed_by: FOLLOWED_BY_RECONNECT } })).toBe(true);
    expect(isMarkedForReconnect({ conversations: {} })).toBe(false);
    expect(isMarkedForReconnect(null)).toBe(false);
  });

  it("recognises recovery pings by their attributes", () => {
    expect(isRecoveryPingTask({ disconnectedWorkerSid: "WK1", recoveryAttemptFailed: false })).toBe(true);
    expect(isRecoveryPingTask({ disconnectedWorkerSid: "WK1", isReconnect: true })).toBe(false);
    expect(isRecoveryPingTask({ name: "Customer" })).toBe(false);
    expect(isRecoveryPingTask(null)).toBe(false);
  });

  it("names a state document after its conference", () => {
    expect(stateDocumentName("CF0123")).toBe("recovery-CF0123");
  });
});

describe("task priorities", () => {
  it("are bounded like TaskRouter's (0 … 2^31 − 1), defaults inside", () => {
    expect([TASK_PRIORITY_MIN, TASK_PRIORITY_MAX]).toEqual([0, 2 ** 31 - 1]);
    for (const priority of [DEFAULT_PING_PRIORITY, DEFAULT_RECONNECT_PRIORITY]) {
      expect(priority).toBeGreaterThanOrEqual(TASK_PRIORITY_MIN);
      expect(priority).toBeLessThanOrEqual(TASK_PRIORITY_MAX);
    }
  });
});
