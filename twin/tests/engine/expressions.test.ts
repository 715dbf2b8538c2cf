import {
  DIRECT_TO_AGENT_EXPRESSION,
  PING_FILTER_EXPRESSION,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
  TaskAttribute,
} from "@flex-call-recovery/vocabulary";
import {
  evaluateExpression,
  ExpressionSyntaxError,
  parseExpression,
  validateExpression,
} from "../../src/taskrouter/routing/expressions";

// One document for the whole table, shaped like the examples of Twilio's expression-syntax page
// plus the keys this project's workflows read.
const doc = {
  string_const: "foo",
  object: { array: ["a", "b", "c"], attr: "bar", nested: { deep: 3 } },
  skills: ["support", "sales"],
  languages: ["english", "spanish"],
  skill_rating: 5.5,
  customer_value: "Gold",
  type: "ticket",
  count: 0,
  flag: true,
  nothing: null,
  note: "please call back tomorrow",
  constructor: "ctor",
  [TaskAttribute.disconnectedWorkerSid]: "WK0123",
  [TaskAttribute.recoveryAttemptFailed]: false,
};

const table: [expression: string, expected: boolean][] = [
  // constants
  ["1 == 1", true],
  ["0 != 1", true],
  ['"apple" != "orange"', true],
  ["'apple' == \"apple\"", true],
  ["1.0 == 1", true],
  ["true == true", true],
  ["TRUE == true", true],
  ["null == null", true],
  // keys, dotted paths, indices
  ["string_const == 'foo'", true],
  ["object.attr == 'bar'", true],
  ["object.array[2] == 'c'", true],
  ["object.array[7] == null", true],
  ["object.nested.deep >= 3", true],
  ["object.attr.deeper == null", true],
  // missing keys resolve to NULL
  ["missing == null", true],
  ["missing != null", false],
  ["missing != 'x'", true],
  ["missing == 'x'", false],
  ["nothing == null", true],
  // names JavaScript objects inherit are attribute names like any other
  ["constructor == 'ctor'", true],
  ["toString == null", true],
  ["count != null", true],
  ["missing > 1", false],
  // comparisons
  ["skill_rating > 5", true],
  ["skill_rating >= 5.5", true],
  ["skill_rating < 5.5", false],
  ["skill_rating <= 5.5", true],
  ["'b' > 'a'", true],
  ["string_const > 1", false],
  ["customer_value = 'Gold'", true],
  ["flag == true", true],
  ["flag == 'true'", false],
  // arrays
  ["'en' IN ['en', 'es']", true],
  ["'fr' IN ['en', 'es']", false],
  ["'fr' NOT IN ['en', 'es']", true],
  ["string_const not in ['foo']", false],
  ["skills HAS 'support'", true],
  ["skills HAS 'billing'", false],
  ["skills IN ['sales', 'billing']", true],
  ["object.array == ['a', 'b', 'c']", true],
  ["[] == []", true],
  ["note CONTAINS 'call back'", true],
  ["note CONTAINS 'email'", false],
  ["skills CONTAINS 'sup'", true],
  // logic, precedence, grouping
  ["customer_value == 'Gold' AND type == 'ticket'", true],
  ["(skills HAS 'support') AND (languages HAS 'english')", true],
  ["(language == 'en' OR language == 'fr') AND skill_rating >= 5.1", false],
  ["customer_value == 'Silver' OR type == 'ticket'", true],
  ["1 == 2 OR 1 == 1 AND 2 == 3", false],
  ["(1 == 2 OR 1 == 1) AND 2 == 2", true],
  ["NOT (1 == 2)", true],
  ["NOT 1 == 1 OR 2 == 2", true],
  ["not flag == true and count == 0", false],
  ["1 == 1 && 2 == 2", true],
  ["1 == 2 || 2 == 2", true],
  ["-1 < 0", true],
  // the expressions this project uses
  [PING_FILTER_EXPRESSION, true],
  [DIRECT_TO_AGENT_EXPRESSION, false],
  [RECOVERY_PING_QUEUE_TARGET_WORKERS, true],
];

describe("TaskRouter expressions", () => {
  it.each(table)("%s → %s", (expression, expected) => {
    expect(evaluateExpression(expression, doc)).toBe(expected);
  });

  it("has at least 40 rows", () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it("evaluates the project's filters against the tasks they are meant for", () => {
    const ping = { [TaskAttribute.disconnectedWorkerSid]: "WKa", [TaskAttribute.recoveryAttemptFailed]: false };
    const failed = { ...ping, [TaskAttribute.recoveryAttemptFailed]: true };
    const plainCall = { call_sid: "CA1" };
    expect(evaluateExpression(PING_FILTER_EXPRESSION, ping)).toBe(true);
    expect(evaluateExpression(PING_FILTER_EXPRESSION, failed)).toBe(false);
    expect(evaluateExpression(PING_FILTER_EXPRESSION, plainCall)).toBe(false);
    expect(evaluateExpression(DIRECT_TO_AGENT_EXPRESSION, { [TaskAttribute.targetWorkerSid]: "WKa" })).toBe(true);
    expect(evaluateExpression(DIRECT_TO_AGENT_EXPRESSION, plainCall)).toBe(false);
  });

  it("resolves task. and worker. prefixes in target expressions", () => {
    const scopes = { task: { language: "en", tier: 2 }, worker: { languages: ["en", "de"], level: 3 } };
    expect(evaluateExpression("worker.languages HAS task.language", {}, scopes)).toBe(true);
    expect(evaluateExpression("worker.level >= task.tier AND task.missing == null", {}, scopes)).toBe(true);
    expect(evaluateExpression("worker.level < task.tier", {}, scopes)).toBe(false);
  });

  const invalid: [expression: string, position: number, message: RegExp][] = [
    ["", 0, /empty expression/],
    ["skills HAS", 10, /ends where a value is expected/],
    ["a == 'open", 5, /unterminated string/],
    ["a == 1 AND", 10, /ends where a value is expected/],
    ["(a == 1", 7, /expected '\)'/],
    ["a == 1)", 6, /unexpected '\)'/],
    ["isReconnect", 11, /expected a comparison operator after 'isReconnect'/],
    ["a ~ 1", 2, /unexpected character '~'/],
    ["customer-name == 'x'", 8, /hyphens/],
    ["a IN ['x',", 10, /ends where a value is expected/],
    ["a IN ['x' 'y']", 10, /expected '\]' or ','/],
    ["a == AND", 5, /found keyword 'AND'/],
  ];
  it.each(invalid)("rejects %j at %d", (expression, position, message) => {
    let caught: unknown;
    try {
      parseExpression(expression);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionSyntaxError);
    expect((caught as ExpressionSyntaxError).position).toBe(position);
    expect((caught as Error).message).toMatch(message);
    expect(validateExpression(expression)).toMatch(message);
  });

  it("accepts valid expressions in validateExpression", () => {
    expect(validateExpression(PING_FILTER_EXPRESSION)).toBeNull();
  });
});
