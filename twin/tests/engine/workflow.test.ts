import {
  DIRECT_TO_AGENT_EXPRESSION,
  DIRECT_TO_AGENT_FILTER_NAME,
  DIRECT_TO_AGENT_KNOWN_WORKER,
  TaskAttribute,
} from "@flex-call-recovery/vocabulary";
import {
  DEFAULT_FILTER_NAME,
  eligibleWorkers,
  matchFilter,
  parseWorkflowConfiguration,
  resolveKnownWorker,
  WorkflowConfigurationError,
} from "../../src/taskrouter/routing/workflow";

const config = parseWorkflowConfiguration(
  JSON.stringify({
    task_routing: {
      filters: [
        {
          filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
          expression: DIRECT_TO_AGENT_EXPRESSION,
          targets: [{ queue: "WQall", known_worker_sid: DIRECT_TO_AGENT_KNOWN_WORKER }],
        },
        { filter_friendly_name: "spanish", expression: "language == 'es'", targets: [{ queue: "WQes" }] },
        { filter_friendly_name: "spanish again", expression: "language IN ['es']", targets: [{ queue: "WQx" }] },
      ],
      default_filter: { queue: "WQall" },
    },
  }),
);

describe("workflow evaluation", () => {
  it("takes the first matching filter, top to bottom", () => {
    expect(matchFilter(config, { [TaskAttribute.targetWorkerSid]: "WK1", language: "es" })?.filterFriendlyName).toBe(
      DIRECT_TO_AGENT_FILTER_NAME,
    );
    expect(matchFilter(config, { language: "es" })).toMatchObject({ filterFriendlyName: "spanish", filterIndex: 1 });
  });

  it("falls back to the default filter, or to nothing without one", () => {
    expect(matchFilter(config, { language: "de" })).toMatchObject({
      filterFriendlyName: DEFAULT_FILTER_NAME,
      filterIndex: -1,
      targets: [{ queue: "WQall" }],
    });
    const noDefault = parseWorkflowConfiguration({ task_routing: { filters: [] } });
    expect(matchFilter(noDefault, {})).toBeNull();
  });

  it("resolves known workers by SID and by friendly name", () => {
    expect(resolveKnownWorker("task.a.b", { a: { b: "WK1" } })).toBe("WK1");
    expect(resolveKnownWorker("task.missing", {})).toBeNull();
    const queue = { sid: "WQ1", friendlyName: "All", targetWorkers: "1 == 1" };
    const workers = [
      { sid: "WK1", friendlyName: "alice", attributes: {} },
      { sid: "WK2", friendlyName: "bob", attributes: {} },
    ];
    const byName = eligibleWorkers(
      { queue: "WQ1", known_worker_friendly_name: "task.agent" },
      queue,
      { agent: "bob" },
      workers,
    );
    expect(byName.map((w) => w.sid)).toEqual(["WK2"]);
    const bySid = eligibleWorkers({ queue: "WQ1", known_worker_sid: "task.who" }, queue, {}, workers);
    expect(bySid).toEqual([]);
  });

  it("applies the queue's target workers and the target's expression", () => {
    const queue = { sid: "WQ1", friendlyName: "Support", targetWorkers: "skills HAS 'support'" };
    const workers = [
      { sid: "WK1", friendlyName: "a", attributes: { skills: ["support"], languages: ["en"] } },
      { sid: "WK2", friendlyName: "b", attributes: { skills: ["support"], languages: ["es"] } },
      { sid: "WK3", friendlyName: "c", attributes: { skills: ["sales"], languages: ["es"] } },
    ];
    const found = eligibleWorkers(
      { queue: "WQ1", expression: "worker.languages HAS task.language" },
      queue,
      { language: "es" },
      workers,
    );
    expect(found.map((w) => w.sid)).toEqual(["WK2"]);
  });

  const invalid: [unknown, RegExp][] = [
    ["{not json", /not JSON/],
    [{}, /task_routing missing/],
    [{ task_routing: { filters: {} } }, /filters must be an array/],
    [{ task_routing: { filters: [{ expression: "a ==", targets: [{ queue: "WQ" }] }] } }, /filters\[0\]\.expression/],
    [{ task_routing: { filters: [{ expression: "1 == 1", targets: [] }] } }, /non-empty/],
    [{ task_routing: { filters: [{ expression: "1 == 1", targets: [{}] }] } }, /queue is required/],
    [
      { task_routing: { filters: [{ expression: "1 == 1", targets: [{ queue: "WQ", known_worker_sid: "WK1" }] }] } },
      /task.<attribute>/,
    ],
    [{ task_routing: { filters: [{ expression: "1 == 1", targets: [{ queue: "WQ", timeout: -1 }] }] } }, /timeout/],
    [{ task_routing: { filters: [], default_filter: { queue: "WQgone" } } }, /WQgone does not exist/],
  ];
  it.each(invalid)("rejects %j", (value, message) => {
    const check = () => parseWorkflowConfiguration(value, (q) => q !== "WQgone");
    expect(check).toThrow(WorkflowConfigurationError);
    expect(check).toThrow(message);
  });
});
