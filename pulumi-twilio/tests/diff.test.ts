// Provider `diff` and `check` as pure functions: meaning, not text, decides a change; unknown
// values during preview are never parsed; replaces list exactly what Twilio cannot update.
import { UNKNOWN } from "../src/client";
import { eventSinkProvider } from "../src/eventSink";
import { eventSubscriptionProvider } from "../src/eventSubscription";
import { flexPluginReleaseProvider } from "../src/flexPluginRelease";
import { serverlessDeploymentProvider } from "../src/serverlessDeployment";
import { taskQueueProvider } from "../src/taskQueue";
import { workflowProvider } from "../src/workflow";
import { pingWorkflowConfiguration } from "./sample";

const WS = `WS${"1".repeat(32)}`;
const WQ = `WQ${"2".repeat(32)}`;

describe("workflow diff", () => {
  const olds = {
    workspaceSid: WS,
    friendlyName: "Recovery Ping",
    configuration: pingWorkflowConfiguration(WQ),
    taskReservationTimeout: 15,
    providerVersion: "1",
    sid: "WW1",
  };

  test("the same configuration with keys in another order is no change", async () => {
    // Every object's keys reversed (the ping workflow has no default_filter to move around).
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverseKeys(x)]),
            )
          : v;
    const reordered = reverseKeys(olds.configuration);
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(olds.configuration));
    const { sid: _sid, ...news } = { ...olds, configuration: reordered };
    expect(await workflowProvider.diff!("WW1", olds, news)).toMatchObject({ changes: false, replaces: [] });
  });

  test("a changed expression or timeout updates in place; another workspace replaces", async () => {
    const filters = [{ ...olds.configuration.task_routing.filters[0], expression: "1 == 1" }];
    const changedConfig = { ...olds, configuration: { task_routing: { ...olds.configuration.task_routing, filters } } };
    expect(await workflowProvider.diff!("WW1", olds, changedConfig)).toMatchObject({ changes: true, replaces: [] });
    expect(await workflowProvider.diff!("WW1", olds, { ...olds, taskReservationTimeout: 30 })).toMatchObject({
      changes: true,
      replaces: [],
    });
    const moved = await workflowProvider.diff!("WW1", olds, { ...olds, workspaceSid: `WS${"9".repeat(32)}` });
    expect(moved).toMatchObject({ changes: true, replaces: ["workspaceSid"] });
  });

  test("an unknown configuration during preview is a possible change, not parsed", async () => {
    const news = { ...olds, configuration: UNKNOWN, taskReservationTimeout: UNKNOWN };
    expect(await workflowProvider.diff!("WW1", olds, news)).toMatchObject({ changes: true, replaces: [] });
    const checked = await workflowProvider.check!(olds, news);
    expect(checked.failures).toEqual([]);
  });

  test("check rejects a reservation timeout outside 1..86400", async () => {
    const checked = await workflowProvider.check!(olds, { ...olds, taskReservationTimeout: 0 });
    expect(checked.failures).toEqual([
      { property: "taskReservationTimeout", reason: expect.stringMatching(/1..86400/) },
    ]);
  });

  test("a new provider version rolls out as an update", async () => {
    expect(await workflowProvider.diff!("WW1", olds, { ...olds, providerVersion: "2" })).toMatchObject({
      changes: true,
      replaces: [],
    });
  });
});

describe("replace only what Twilio cannot update", () => {
  test("task queue: workspace replaces, expression updates", async () => {
    const olds = { workspaceSid: WS, friendlyName: "q", targetWorkers: "1 == 1", providerVersion: "1", sid: WQ };
    expect(await taskQueueProvider.diff!(WQ, olds, { ...olds, targetWorkers: "a == 1" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await taskQueueProvider.diff!(WQ, olds, { ...olds, workspaceSid: UNKNOWN })).toMatchObject({
      replaces: ["workspaceSid"],
    });
  });

  test("event sink: configuration replaces, description updates", async () => {
    const sinkConfiguration = {
      destination: "https://a.twil.io/task-event-handler",
      method: "POST",
      batch_events: true,
    };
    const olds = {
      description: "d",
      sinkConfiguration,
      providerVersion: "1",
      sid: "DG1",
      sinkType: "webhook",
      status: "active",
    };
    expect(await eventSinkProvider.diff!("DG1", olds, { ...olds, description: "e" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    const moved = { ...olds, sinkConfiguration: { ...sinkConfiguration, destination: "https://b.twil.io/x" } };
    expect(await eventSinkProvider.diff!("DG1", olds, moved)).toMatchObject({ replaces: ["sinkConfiguration"] });
    // Unknown in a preview (the functions being redeployed): a possible update, not a replace.
    const pending = { ...olds, sinkConfiguration: UNKNOWN };
    expect(await eventSinkProvider.diff!("DG1", olds, pending)).toMatchObject({ changes: true, replaces: [] });
    const unknown = await eventSinkProvider.check!(olds, {
      ...olds,
      sinkConfiguration: { ...sinkConfiguration, destination: UNKNOWN },
    });
    expect(unknown.failures).toEqual([]);
  });

  test("subscription: types replace regardless of order; the same types in another order are no change", async () => {
    const types = [
      { type: "com.twilio.taskrouter.task.canceled", schema_version: 1 },
      { type: "com.twilio.taskrouter.reservation.accepted", schema_version: 1 },
    ];
    const olds = { description: "d", sinkSid: "DG1", types, providerVersion: "1", sid: "DF1" };
    expect(await eventSubscriptionProvider.diff!("DF1", olds, { ...olds, types: [...types].reverse() })).toMatchObject({
      changes: false,
    });
    expect(await eventSubscriptionProvider.diff!("DF1", olds, { ...olds, types: types.slice(1) })).toMatchObject({
      replaces: ["types"],
    });
  });

  test("subscription: another sink replaces; a sink unknown in a preview (its EventSink updated) is an update", async () => {
    const types = [{ type: "com.twilio.taskrouter.task.canceled", schema_version: 1 }];
    const olds = { description: "d", sinkSid: "DG1", types, providerVersion: "1", sid: "DF1" };
    expect(await eventSubscriptionProvider.diff!("DF1", olds, { ...olds, sinkSid: "DG2" })).toMatchObject({
      changes: true,
      replaces: ["sinkSid"],
    });
    expect(await eventSubscriptionProvider.diff!("DF1", olds, { ...olds, sinkSid: UNKNOWN })).toMatchObject({
      changes: true,
      replaces: [],
    });
    // Unknown types still replace (Twilio cannot change them in place).
    expect(
      await eventSubscriptionProvider.diff!("DF1", olds, { ...olds, sinkSid: UNKNOWN, types: UNKNOWN }),
    ).toMatchObject({ replaces: ["types"] });
  });

  test("serverless deployment: a changed variable or source hash redeploys; a new local path does not", async () => {
    const inputs = {
      serviceSid: "ZS1",
      environmentSuffix: "dev",
      sourceDir: "/here",
      sourceHash: "h1",
      variables: { A: "1" },
      runtime: "node22",
      providerVersion: "1",
    };
    const { outs } = await fakeDeploymentOuts(inputs);
    const same = await serverlessDeploymentProvider.diff!("ZS1", outs, { ...inputs, sourceDir: "/elsewhere" });
    expect(same).toMatchObject({ changes: false, replaces: [] });
    expect(await serverlessDeploymentProvider.diff!("ZS1", outs, { ...inputs, variables: { A: "2" } })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await serverlessDeploymentProvider.diff!("ZS1", outs, { ...inputs, sourceHash: "h2" })).toMatchObject({
      changes: true,
    });
    // Another domain suffix is a new environment of the same service: in place.
    expect(
      await serverlessDeploymentProvider.diff!("ZS1", outs, { ...inputs, environmentSuffix: "prod" }),
    ).toMatchObject({ changes: true, replaces: [] });
    // Another service: a new environment there.
    expect(await serverlessDeploymentProvider.diff!("ZS1", outs, { ...inputs, serviceSid: "ZS2" })).toMatchObject({
      replaces: ["serviceSid"],
    });
    // A build activated by someone else (console, `twilio serverless:deploy`), seen by read: redeployed.
    const redeployedElsewhere = { ...outs, activeBuildSid: "ZBother" };
    expect(await serverlessDeploymentProvider.diff!("ZS1", redeployedElsewhere, inputs)).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  test("serverless deployment: check refuses a variable over Twilio's 450 bytes, and leaves unknowns alone", async () => {
    const inputs = { serviceSid: "ZS1", environmentSuffix: "dev", sourceDir: "/d", sourceHash: "h", runtime: "node22" };
    const tooLong = await serverlessDeploymentProvider.check!({}, { ...inputs, variables: { A: "x".repeat(451) } });
    expect(tooLong.failures).toEqual([{ property: "variables", reason: expect.stringMatching(/^A is longer/) }]);
    const unknown = await serverlessDeploymentProvider.check!({}, { ...inputs, variables: UNKNOWN });
    expect(unknown.failures).toEqual([]);
  });

  test("plugin: a changed bundle under an already registered version is refused by check", async () => {
    const olds = { pluginName: "p", version: "1.0.0", bundleHash: "a" };
    const checked = await flexPluginReleaseProvider.check!(olds, { ...olds, bundleHash: "b" });
    expect(checked.failures?.[0]).toMatchObject({ property: "version", reason: expect.stringMatching(/bump/) });
    const bumped = await flexPluginReleaseProvider.check!(olds, { ...olds, version: "1.0.1", bundleHash: "b" });
    expect(bumped.failures).toEqual([]);
  });
});

/** Outputs as create would return them, with the variables' hash computed the provider's way. */
async function fakeDeploymentOuts(inputs: { variables: Record<string, string>; sourceHash: string }) {
  const crypto = await import("crypto");
  const sorted = Object.keys(inputs.variables)
    .sort()
    .map((k) => [k, inputs.variables[k]]);
  const variablesHash = crypto.createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
  return {
    outs: {
      ...inputs,
      sid: "ZS1",
      environmentSid: "ZE1",
      buildSid: "ZB1",
      activeBuildSid: "ZB1",
      domain: "d",
      functionPaths: [],
      variableNames: Object.keys(inputs.variables),
      variablesHash,
    },
  };
}
