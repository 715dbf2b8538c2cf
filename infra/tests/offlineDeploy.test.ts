// The offline deploy: the real program under the mock runtime, every resource created by its
// real (serialized, then deserialized) provider against the twin. A second run with nothing
// changed must make zero writes; a changed setting touches only what it concerns; destroy
// deletes what the stack created and restores what it patched.
import { join } from "path";
import { DIRECT_TO_AGENT_FILTER_NAME, PLUGIN_SETTINGS_KEY } from "@flex-call-recovery/vocabulary";
import { canonicalJson } from "pulumi-twilio";
import { deployOffline, destroyOffline, type OfflineState } from "../src/offline/deployOffline";
import { seedFlexAccount, type SeededFlexAccount } from "../src/offline/seedFlexAccount";
import { FIXTURES } from "./mockRuntime";
import { logMark, requestsSince, useTwin, writesSince } from "./twinHarness";

// A deploy is a few hundred twin requests; generous for a shared, noisy machine.
jest.setTimeout(60_000);

const ctx = useTwin();
const state: OfflineState = { resources: {} };
let seeded: SeededFlexAccount;
let originalVoiceConfig = "";

const options = (config: Record<string, string> = {}) => ({
  twinBaseUrl: ctx.twin.baseUrl,
  accountSid: ctx.twin.accountSid,
  authToken: ctx.twin.authToken,
  stackName: "offline",
  state,
  config: {
    functionsBuildDir: join(FIXTURES, "functions-build"),
    pluginBuildDir: join(FIXTURES, "plugin-build"),
    pluginVersion: "1.0.0",
    voiceWorkflowSids: JSON.stringify([seeded.voiceWorkflowSid]),
    ...config,
  },
});

beforeAll(async () => {
  seeded = await seedFlexAccount(ctx.twin.baseUrl, ctx.twin.accountSid, ctx.twin.authToken);
  const wf = await ctx.sdk.taskrouter.v1.workspaces(seeded.workspaceSid).workflows(seeded.voiceWorkflowSid).fetch();
  originalVoiceConfig = canonicalJson(JSON.parse(wf.configuration));
});

test("first run creates every resource with its real provider", async () => {
  const result = await deployOffline(options());
  console.log(
    `offline deploy created:\n${result.steps.map((s) => `  ${s.step} ${s.type} ${s.name} ${s.id}`).join("\n")}`,
  );
  expect(result.steps.every((s) => s.step === "create")).toBe(true);
  expect(result.steps.map((s) => s.type).sort()).toEqual(
    [
      "ApiKey",
      "EventSink",
      "EventSubscription",
      "FlexPluginRelease",
      "FlexUiAttribute",
      "ServerlessDeployment",
      "SyncService",
      "TaskQueue",
      "Workflow",
      "WorkflowFilterPatch",
      "Workspace",
    ].sort(),
  );
  expect(result.outputs.workspaceSid).toBe(seeded.workspaceSid);
  const ws = ctx.sdk.taskrouter.v1.workspaces(seeded.workspaceSid);
  const voice = JSON.parse((await ws.workflows(seeded.voiceWorkflowSid).fetch()).configuration);
  expect(voice.task_routing.filters[0].filter_friendly_name).toBe(DIRECT_TO_AGENT_FILTER_NAME);
  const ping = await ws.workflows(result.outputs.recoveryPingWorkflowSid as string).fetch();
  expect(ping.taskReservationTimeout).toBe(10);
  const flex = await ctx.sdk.flexApi.v1.configuration().fetch();
  expect(flex.uiAttributes[PLUGIN_SETTINGS_KEY]).toMatchObject({ serverlessDomain: result.outputs.functionsDomain });
});

test("second run with nothing changed makes zero writes", async () => {
  const mark = logMark(ctx.twin);
  const result = await deployOffline(options());
  const log = requestsSince(ctx.twin, mark);
  console.log(
    `second (no-change) deploy: ${log.length} requests, ${writesSince(ctx.twin, mark).length} writes\n` +
      log.map((e) => `  ${e.method} ${e.status} ${e.host}${e.path}`).join("\n"),
  );
  expect(result.steps.every((s) => s.step === "same")).toBe(true);
  expect(writesSince(ctx.twin, mark)).toEqual([]);
});

test("with a refresh first, a no-change run reads every resource and still writes nothing", async () => {
  const mark = logMark(ctx.twin);
  const result = await deployOffline({ ...options(), refresh: true });
  const log = requestsSince(ctx.twin, mark);
  console.log(
    `refresh + no-change deploy: ${log.length} requests, ${writesSince(ctx.twin, mark).length} writes\n` +
      log.map((e) => `  ${e.method} ${e.status} ${e.host}${e.path}`).join("\n"),
  );
  expect(result.steps.every((s) => s.step === "same")).toBe(true);
  expect(log.length).toBeGreaterThan(0);
  expect(writesSince(ctx.twin, mark)).toEqual([]);
});

test("a changed reservation timeout updates only the ping workflow", async () => {
  const mark = logMark(ctx.twin);
  const result = await deployOffline(options({ pingReservationTimeoutSeconds: "12" }));
  expect(result.steps.filter((s) => s.step !== "same").map((s) => `${s.step} ${s.type}`)).toEqual(["update Workflow"]);
  expect(writesSince(ctx.twin, mark)).toEqual([
    `POST taskrouter.twilio.com/v1/Workspaces/${seeded.workspaceSid}/Workflows/${result.outputs.recoveryPingWorkflowSid}`,
  ]);
});

test("another functions environment redeploys there and replaces the sink and subscription (new domain)", async () => {
  const old = Object.values(state.resources);
  const previous = (type: string) => old.find((r) => r.type.endsWith(`:${type}`))!;
  const result = await deployOffline(options({ pingReservationTimeoutSeconds: "12", functionsEnvironment: "demo" }));
  expect(
    result.steps
      .filter((s) => s.step !== "same")
      .map((s) => `${s.step} ${s.type}`)
      .sort(),
  ).toEqual([
    "replace EventSink",
    "replace EventSubscription",
    "update FlexUiAttribute",
    "update ServerlessDeployment",
  ]);
  expect(result.outputs.functionsDomain).toMatch(/-demo\.twil\.io$/);
  const functions = previous("ServerlessDeployment");
  expect(result.outputs.functionsServiceSid).toBe(functions.id);
  // The old environment and the replaced sink and subscription are gone from the twin.
  await expect(
    ctx.sdk.serverless.v1.services(functions.id).environments(String(functions.outs.environmentSid)).fetch(),
  ).rejects.toMatchObject({ status: 404 });
  await expect(ctx.sdk.events.v1.sinks(previous("EventSink").id).fetch()).rejects.toMatchObject({ status: 404 });
  await expect(ctx.sdk.events.v1.subscriptions(previous("EventSubscription").id).fetch()).rejects.toMatchObject({
    status: 404,
  });
});

test("destroy deletes what the stack created and restores what it patched", async () => {
  const deleted = await destroyOffline(options());
  expect(deleted).toHaveLength(11);
  const ws = ctx.sdk.taskrouter.v1.workspaces(seeded.workspaceSid);
  // Adopted: the workspace and the voice workflow remain, the workflow as it was.
  const voice = await ws.workflows(seeded.voiceWorkflowSid).fetch();
  expect(canonicalJson(JSON.parse(voice.configuration))).toBe(originalVoiceConfig);
  expect((await ws.taskQueues.list()).map((q) => q.friendlyName)).toEqual(["Everyone"]);
  const flex = await ctx.sdk.flexApi.v1.configuration().fetch();
  expect(flex.uiAttributes?.[PLUGIN_SETTINGS_KEY] ?? null).toBeNull();
  expect(state.resources).toEqual({});
});
