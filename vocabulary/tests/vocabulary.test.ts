import {
  DIRECT_TO_AGENT_EXPRESSION,
  FOLLOWED_BY_RECONNECT,
  isMarkedForReconnect,
  isReconnectTask,
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

  it("names a state document after its conference", () => {
    expect(stateDocumentName("CF0123")).toBe("recovery-CF0123");
  });
});
