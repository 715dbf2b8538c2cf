// The repository's Pulumi program under the real Pulumi engine (tools/pulumi), against the twin as
// Twilio: preview, up, a no-change up and refresh, a config change, the Direct-to-agent targets
// switched back and forth, the secret check of `stack export`, destroy, then an `up` that fails
// half-way (a fault, then a killed process) and the `up` that must converge after it. One stack,
// steps in the order the issue lists them; each test depends on the ones before.
import { readFileSync } from "fs";
import { join } from "path";
import { TwilioError, toErrorBody } from "@flex-call-recovery/twin";
import { DIRECT_TO_AGENT_FILTER_NAME, PLUGIN_SETTINGS_KEY } from "@flex-call-recovery/vocabulary";
import type { LocalPulumi } from "../../src/engine/localPulumi";
import { REPO_ROOT } from "../../src/engine/localPulumi";
import {
  type EngineTwin,
  mark,
  openStack,
  resourceSummary,
  startFlexTwin,
  STEP_TIMEOUT_MS,
  twilioRequestsSince,
  workflowFilters,
  writesSince,
} from "./harness";

jest.setTimeout(STEP_TIMEOUT_MS);

let env: EngineTwin;
let pulumi: LocalPulumi;
let workspaceSid: string;
/** The Flex voice workflow (Flex configuration's taskrouter_target_workflow_sid) and two more. */
let flexWorkflowSid: string;
let salesWorkflowSid: string;
let supportWorkflowSid: string;
/** Every workflow's configuration before the first `up`, by SID. */
const originalWorkflows = new Map<string, string>();
let originalUiAttributes: unknown;
let previewUrns: string[] = [];

async function workflowConfig(sid: string): Promise<string> {
  return (await env.sdk.taskrouter.v1.workspaces(workspaceSid).workflows(sid).fetch()).configuration;
}

/** Which of the three voice workflows carry "Direct to agent": first, exactly once; the others as they were. */
async function expectDirectToAgentOn(targets: string[]): Promise<void> {
  for (const sid of [flexWorkflowSid, salesWorkflowSid, supportWorkflowSid]) {
    const filters = await workflowFilters(env.sdk, workspaceSid, sid);
    const names = filters.map((f) => f.filter_friendly_name);
    if (targets.includes(sid)) {
      expect({ sid, first: names[0] }).toEqual({ sid, first: DIRECT_TO_AGENT_FILTER_NAME });
      expect({ sid, count: names.filter((n) => n === DIRECT_TO_AGENT_FILTER_NAME).length }).toEqual({ sid, count: 1 });
    } else {
      expect({ sid, config: JSON.parse(await workflowConfig(sid)) }).toEqual({
        sid,
        config: JSON.parse(originalWorkflows.get(sid)!),
      });
    }
  }
}

beforeAll(async () => {
  env = await startFlexTwin();
  const seed = env.twin.flexSeed!;
  workspaceSid = seed.workspaceSid;
  flexWorkflowSid = seed.workflowSid;
  const ws = env.sdk.taskrouter.v1.workspaces(workspaceSid);
  const voiceConfig = (name: string) =>
    JSON.stringify({
      task_routing: {
        filters: [{ filter_friendly_name: name, expression: "1==1", targets: [{ queue: seed.taskQueueSid }] }],
        default_filter: { queue: seed.taskQueueSid },
      },
    });
  salesWorkflowSid = (await ws.workflows.create({ friendlyName: "Sales", configuration: voiceConfig("Sales") })).sid;
  supportWorkflowSid = (await ws.workflows.create({ friendlyName: "Support", configuration: voiceConfig("Support") }))
    .sid;
  for (const wf of await ws.workflows.list()) originalWorkflows.set(wf.sid, wf.configuration);
  originalUiAttributes = (await env.sdk.flexApi.v1.configuration().fetch()).uiAttributes;
  pulumi = await openStack(env.twin, "engine", {}, { credentialsInConfig: true });
});

afterAll(async () => {
  pulumi?.dispose();
  await env?.twin.stop();
});

test("1. preview on an empty stack lists every resource and makes no Twilio write", async () => {
  const since = mark(env.twin);
  const result = await pulumi.preview("--json");
  const plan = JSON.parse(result.stdout) as { steps: { op: string; urn: string }[] };
  previewUrns = plan.steps.filter((s) => s.op === "create").map((s) => s.urn);
  console.log(`preview: ${previewUrns.length} to create\n${previewUrns.map((u) => `  ${u}`).join("\n")}`);
  expect(plan.steps.every((s) => s.op === "create")).toBe(true);
  // The stack, its components and at least the eleven Twilio resources.
  expect(previewUrns.filter((u) => u.includes("$pulumi-nodejs:dynamic")).length).toBeGreaterThanOrEqual(11);
  expect(writesSince(env.twin, since)).toEqual([]);
});

test("2. up creates everything; the outputs are the documented ones", async () => {
  const result = await pulumi.up();
  console.log(`first pulumi up:\n${result.stdout}`);
  const created = resourceSummary(result.stdout);
  expect(Object.keys(created)).toEqual(["created"]);
  // Exactly what the preview listed.
  const { deployment } = await pulumi.exportStack();
  const urns = (deployment.resources ?? []).map((r) => r.urn).filter((u) => !u.includes("::pulumi:providers:"));
  expect([...urns].sort()).toEqual([...previewUrns].sort());
  expect(created.created).toBe(previewUrns.length);

  const outputs = await pulumi.outputs();
  const documented = documentedOutputs();
  expect(Object.keys(outputs).sort()).toEqual([...documented].sort());
  expect(outputs.workspaceSid).toBe(workspaceSid);
  await expectDirectToAgentOn([flexWorkflowSid]);
  const ping = await env.sdk.taskrouter.v1
    .workspaces(workspaceSid)
    .workflows(String(outputs.recoveryPingWorkflowSid))
    .fetch();
  expect(ping.taskReservationTimeout).toBe(10);
  const flex = await env.sdk.flexApi.v1.configuration().fetch();
  expect(flex.uiAttributes[PLUGIN_SETTINGS_KEY]).toMatchObject({ serverlessDomain: outputs.functionsDomain });
});

test("3. a second up changes nothing and writes nothing; refresh writes nothing and finds no drift", async () => {
  let since = mark(env.twin);
  const again = await pulumi.up("--expect-no-changes");
  console.log(`second pulumi up:\n${again.stdout}`);
  expect(Object.keys(resourceSummary(again.stdout))).toEqual(["unchanged"]);
  expect(writesSince(env.twin, since)).toEqual([]);

  since = mark(env.twin);
  const refresh = await pulumi.refresh("--expect-no-changes");
  console.log(`pulumi refresh:\n${refresh.stdout}`);
  expect(Object.keys(resourceSummary(refresh.stdout))).toEqual(["unchanged"]);
  expect(twilioRequestsSince(env.twin, since).length).toBeGreaterThan(0);
  expect(writesSince(env.twin, since)).toEqual([]);
});

test("4. a config change updates in place with the fewest writes; preview --diff names the properties", async () => {
  await pulumi.setConfig({ announceText: "One moment, your agent is coming back.", pingTimeoutSeconds: "20" });
  const since = mark(env.twin);
  const diff = await pulumi.preview("--diff");
  console.log(`pulumi preview --diff:\n${diff.stdout}`);
  expect(writesSince(env.twin, since)).toEqual([]);
  expect(resourceSummary(diff.stdout)).toMatchObject({ "to update": expect.any(Number) });
  // In place: nothing replaced, created or deleted.
  expect(Object.keys(resourceSummary(diff.stdout)).sort()).toEqual(["to update", "unchanged"]);
  // The detailed diff names the changed properties (not just "inputs"): the functions' variables
  // (secret as a whole: they hold the API key secret) and the ping workflow's reservation timeout.
  expect(diff.stdout).toMatch(/~ variables\s*:/);
  expect(diff.stdout).toMatch(/~ taskReservationTimeout\s*: 10 => 15/);

  const upSince = mark(env.twin);
  const up = await pulumi.up();
  console.log(`pulumi up (config change):\n${up.stdout}`);
  expect(Object.keys(resourceSummary(up.stdout)).sort()).toEqual(["unchanged", "updated"]);
  const writes = writesSince(env.twin, upSince);
  console.log(`writes:\n${writes.join("\n")}`);
  // Only the functions' environment (variables, a build, its deployment) and the ping workflow.
  for (const write of writes) {
    expect(write).toMatch(
      /^(POST|DELETE) (serverless(-upload)?\.twilio\.com\/v1\/Services\/|taskrouter\.twilio\.com\/v1\/Workspaces\/WS\w+\/Workflows\/WW)/,
    );
  }
  const outputs = await pulumi.outputs();
  const ping = await env.sdk.taskrouter.v1
    .workspaces(workspaceSid)
    .workflows(String(outputs.recoveryPingWorkflowSid))
    .fetch();
  expect(ping.taskReservationTimeout).toBe(15);
  await pulumi.up("--expect-no-changes");
});

test("5. voiceWorkflowSids unset → a list → unset: Direct to agent first, once, on exactly the targets", async () => {
  await expectDirectToAgentOn([flexWorkflowSid]);
  await pulumi.setConfig({ voiceWorkflowSids: JSON.stringify([salesWorkflowSid, supportWorkflowSid]) });
  await pulumi.up();
  await expectDirectToAgentOn([salesWorkflowSid, supportWorkflowSid]);
  await pulumi.removeConfig("voiceWorkflowSids");
  await pulumi.up();
  await expectDirectToAgentOn([flexWorkflowSid]);
  await pulumi.up("--expect-no-changes");
});

test("7. stack export holds no credential in plain text", async () => {
  const { text, deployment } = await pulumi.exportStack();
  // The auth token reached the providers through the stack's secret config (twilio:authToken).
  const credentials = [env.twin.authToken, ...env.twin.store.keys.listKey().map((k) => k.secret)];
  expect(credentials.length).toBeGreaterThan(1);
  for (const credential of credentials) expect(text).not.toContain(credential);
  // Where they would be: the serialized providers and the providers' own config.
  const providers = (deployment.resources ?? []).filter((r) => r.inputs?.__provider !== undefined);
  expect(providers.length).toBeGreaterThanOrEqual(11);
  const providerConfig = (deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi:providers:"));
  expect(providerConfig.length).toBeGreaterThan(0);
  console.log(
    `stack export: ${text.length} characters, ${providers.length} serialized providers, ` +
      `${providerConfig.length} provider resource(s): none of the ${credentials.length} credentials ` +
      `(auth token, API key secrets) in plain text`,
  );
});

test("6. destroy removes what the stack created, restores patched workflows and ui_attributes, keeps adopted", async () => {
  const outputs = await pulumi.outputs();
  const result = await pulumi.destroy();
  console.log(`pulumi destroy:\n${result.stdout}`);
  const ws = env.sdk.taskrouter.v1.workspaces(workspaceSid);
  for (const [sid, config] of originalWorkflows) {
    expect({ sid, config: JSON.parse(await workflowConfig(sid)) }).toEqual({ sid, config: JSON.parse(config) });
  }
  expect((await ws.workflows.list()).map((w) => w.sid).sort()).toEqual([...originalWorkflows.keys()].sort());
  expect((await ws.taskQueues.list()).map((q) => q.sid)).toEqual([env.twin.flexSeed!.taskQueueSid]);
  expect((await env.sdk.flexApi.v1.configuration().fetch()).uiAttributes).toEqual(originalUiAttributes);
  await expect(env.sdk.serverless.v1.services(String(outputs.functionsServiceSid)).fetch()).rejects.toMatchObject({
    status: 404,
  });
  // Adopted: the workspace and Flex's default Sync service stay.
  await expect(ws.fetch()).resolves.toMatchObject({ sid: workspaceSid });
  await expect(env.sdk.sync.v1.services(env.twin.flexSeed!.syncServiceSid).fetch()).resolves.toBeTruthy();
});

test("8a. an up that fails at the Serverless build, then an up that converges", async () => {
  const removeFault = env.twin.hooks.use(async (request, next) => {
    if (request.method === "POST" && /\/Services\/ZS\w+\/Builds$/.test(request.path)) {
      return { status: 500, body: toErrorBody(new TwilioError(500, 20500, "Internal Server Error (injected)")) };
    }
    return next();
  });
  const failed = await pulumi.run(["up", "--yes"], { allowFailure: true });
  removeFault();
  console.log(`pulumi up with the build failing:\n${failed.stdout}\n${failed.stderr}`);
  expect(failed.code).not.toBe(0);
  const result = await pulumi.up();
  console.log(`pulumi up after the failure:\n${result.stdout}`);
  await pulumi.up("--expect-no-changes");
  await expectDirectToAgentOn([flexWorkflowSid]);
});

test("8b. an up killed half-way (after the Serverless service exists), then an up that converges", async () => {
  await pulumi.destroy();
  const abort = new AbortController();
  const stopOnService = env.twin.requestLog.onRecord((entry) => {
    if (entry.method === "POST" && /\/v1\/Services$/.test(entry.path) && entry.status < 300) abort.abort();
  });
  const killed = await pulumi.run(["up", "--yes"], { allowFailure: true, signal: abort.signal });
  stopOnService();
  console.log(`pulumi up killed (SIGKILL to its processes) after the service was created: exit ${killed.code}`);
  expect(abort.signal.aborted).toBe(true);
  // What a user does after a killed `pulumi up`: follow the CLI's own instructions until an `up` succeeds.
  const followed: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const result = await pulumi.run(["up", "--yes"], { allowFailure: true });
    console.log(
      `pulumi up after the kill (${followed.join(", ") || "first try"}):\n${result.stdout}\n${result.stderr}`,
    );
    if (result.code === 0) break;
    const said = `${result.stdout}\n${result.stderr}`;
    if (/currently locked/.test(said)) {
      followed.push("pulumi cancel");
      await pulumi.run(["cancel", "--yes"]);
    } else if (/pending (create )?operations?|interrupted/i.test(said)) {
      followed.push("pulumi refresh --clear-pending-creates");
      await pulumi.refresh("--clear-pending-creates");
    } else if (/failed to load checkpoint/.test(said) && pulumi.restoreCheckpointBackup()) {
      // Killed while the checkpoint was being written: the infra README's recovery, the backup put back.
      followed.push("restore <stack>.json.bak");
    } else {
      throw new Error(`pulumi up after the kill failed with no instruction to follow:\n${said}`);
    }
  }
  console.log(`after the kill the CLI asked for: ${followed.join(", ") || "nothing"}`);
  await pulumi.up("--expect-no-changes");
  const services = await env.sdk.serverless.v1.services.list();
  expect(services.filter((s) => s.uniqueName === "flex-call-recovery")).toHaveLength(1);
});

/** The outputs the infra README documents (its "Outputs:" paragraph). */
function documentedOutputs(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "infra", "README.md"), "utf8");
  const paragraph = /(?:^|\n)Outputs: ([\s\S]*?)\n\n/.exec(readme);
  if (!paragraph) throw new Error('infra/README.md has no "Outputs:" paragraph');
  return [...paragraph[1].matchAll(/`(\w+)`/g)].map((m) => m[1]);
}
