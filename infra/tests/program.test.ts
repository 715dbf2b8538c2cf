// The program under Pulumi's mock runtime: which resources it declares, with which inputs, and
// how their SIDs flow into each other.
import {
  DIRECT_TO_AGENT_EXPRESSION,
  DIRECT_TO_AGENT_FILTER_NAME,
  DIRECT_TO_AGENT_KNOWN_WORKER,
  FunctionEnv,
  FunctionRoute,
  PING_FILTER_EXPRESSION,
  PING_FILTER_NAME,
  PING_KNOWN_WORKER,
  PLUGIN_NAME,
  PLUGIN_SETTINGS_KEY,
  RECOVERY_PING_QUEUE_NAME,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
  RECOVERY_PING_WORKFLOW_NAME,
  TASK_EVENT_SCHEMA_VERSION,
  TASK_EVENT_SUBSCRIPTION_TYPES,
} from "@flex-call-recovery/vocabulary";
import { hashDirectory } from "pulumi-twilio";
import { loadSettings, SettingsError } from "../src/settings";
import { recoveryProgram } from "../src/program";
import { ACCOUNT_SID, baseConfig, FIXTURES, isSecret, isSecretInput, runProgram } from "./mockRuntime";
import { join } from "path";

jest.setTimeout(60_000);
const WW1 = `WW${"1".repeat(32)}`;
const WW2 = `WW${"2".repeat(32)}`;

describe("recovery stack under the mock runtime", () => {
  test("declares each Twilio resource once, in four components; one filter patch whatever the workflows", async () => {
    const run = await runProgram(baseConfig({ "flex-call-recovery:voiceWorkflowSids": JSON.stringify([WW1, WW2]) }));
    const types = run.resources.map((r) => r.type).sort();
    expect(types).toEqual(
      [
        "flex-call-recovery:index:PingRouting",
        "flex-call-recovery:index:DirectToAgent",
        "flex-call-recovery:index:FunctionsDeployment",
        "flex-call-recovery:index:FunctionsService",
        "flex-call-recovery:index:PluginRelease",
        "Workspace",
        "TaskQueue",
        "Workflow",
        "WorkflowsFilterPatch",
        "SyncService",
        "ApiKey",
        "ServerlessService",
        "ServerlessDeployment",
        "EventSink",
        "EventSubscription",
        "FlexUiAttribute",
        "FlexPluginRelease",
      ].sort(),
    );
    // Every child is named after its component.
    expect(run.resources.filter((r) => !r.name.startsWith("flex-call-recovery"))).toEqual([]);
  });

  test("the functions' service (the stack's claim on the account) is registered before anything that writes", async () => {
    const run = await runProgram(baseConfig());
    const order = run.resources.filter((r) => !r.type.startsWith("flex-call-recovery:")).map((r) => r.type);
    expect(order.indexOf("ServerlessService")).toBeLessThan(order.indexOf("TaskQueue"));
    expect(order.indexOf("ServerlessService")).toBeLessThan(order.indexOf("WorkflowsFilterPatch"));
  });

  test("takes the Flex workspace from the Flex configuration unless a SID is configured", async () => {
    let run = await runProgram(baseConfig());
    expect(run.one("Workspace").inputs).toMatchObject({ workspaceSid: null });
    const ws = `WS${"b".repeat(32)}`;
    run = await runProgram(baseConfig({ "flex-call-recovery:workspaceSid": ws }));
    expect(run.one("Workspace").inputs.workspaceSid).toBe(ws);
  });

  test("the ping queue takes every worker, in the adopted workspace", async () => {
    const run = await runProgram(baseConfig());
    const workspaceSid = run.one("Workspace").state.sid;
    expect(run.one("TaskQueue").inputs).toMatchObject({
      workspaceSid,
      friendlyName: RECOVERY_PING_QUEUE_NAME,
      targetWorkers: RECOVERY_PING_QUEUE_TARGET_WORKERS,
    });
    expect(RECOVERY_PING_QUEUE_TARGET_WORKERS).toBe("1 == 1");
  });

  test("the ping workflow routes to the dropped agent only, its reservation timeout 5 s under the 15 s ping TTL by default", async () => {
    const run = await runProgram(baseConfig());
    const queueSid = run.one("TaskQueue").state.sid;
    const workflow = run.one("Workflow").inputs;
    expect(workflow.friendlyName).toBe(RECOVERY_PING_WORKFLOW_NAME);
    expect(workflow.taskReservationTimeout).toBe(10);
    expect(workflow.configuration).toEqual({
      task_routing: {
        filters: [
          {
            filter_friendly_name: PING_FILTER_NAME,
            expression: PING_FILTER_EXPRESSION,
            targets: [{ queue: queueSid, known_worker_sid: PING_KNOWN_WORKER }],
          },
        ],
      },
    });
    expect(PING_FILTER_EXPRESSION).toBe("disconnectedWorkerSid != null && recoveryAttemptFailed == false");
    expect(PING_KNOWN_WORKER).toBe("task.disconnectedWorkerSid");
  });

  test("the reservation timeout is configurable", async () => {
    const run = await runProgram(baseConfig({ "flex-call-recovery:pingReservationTimeoutSeconds": "12" }));
    expect(run.one("Workflow").inputs.taskReservationTimeout).toBe(12);
    const longer = await runProgram(baseConfig({ "flex-call-recovery:pingTimeoutSeconds": "40" }));
    expect(longer.one("Workflow").inputs.taskReservationTimeout).toBe(35);
  });

  test("a reservation timeout not shorter than the ping TTL is refused", () => {
    // Only a timed-out reservation moves the agent to Offline; canceled by the TTL first, a gone agent
    // stays Available and gets the customer back (found end to end, scenario 2).
    const config = baseConfig({
      "flex-call-recovery:pingReservationTimeoutSeconds": "15",
      "flex-call-recovery:pingTimeoutSeconds": "15",
    });
    expect(() => recoveryProgram({ get: (k) => config[k] }, {}, "dev")).toThrow(
      /pingReservationTimeoutSeconds must be shorter than flex-call-recovery:pingTimeoutSeconds/,
    );
  });

  test("puts Direct to agent first in each configured voice workflow, through one resource", async () => {
    const run = await runProgram(baseConfig({ "flex-call-recovery:voiceWorkflowSids": `${WW1},${WW2}` }));
    const queueSid = run.one("TaskQueue").state.sid;
    const patch = run.one("WorkflowsFilterPatch").inputs;
    expect(patch).toMatchObject({ workspaceSid: run.one("Workspace").state.sid, workflowSids: [WW1, WW2] });
    expect(patch.filter).toEqual({
      filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
      expression: DIRECT_TO_AGENT_EXPRESSION,
      targets: [{ queue: queueSid, known_worker_sid: DIRECT_TO_AGENT_KNOWN_WORKER }],
    });
    expect(DIRECT_TO_AGENT_EXPRESSION).toBe("targetWorkerSid != null");
    expect(run.outputs.patchedWorkflowSids).toEqual([WW1, WW2]);
  });

  test("unset voiceWorkflowSids: the same resource, told to use the Flex configuration's target workflow", async () => {
    const listed = await runProgram(baseConfig({ "flex-call-recovery:voiceWorkflowSids": WW1 }));
    const run = await runProgram(baseConfig());
    const patch = run.one("WorkflowsFilterPatch");
    // Same name in both modes: switching is an update of one resource, never create-then-delete.
    expect(patch.name).toBe(listed.one("WorkflowsFilterPatch").name);
    expect(patch.inputs).toMatchObject({ workspaceSid: run.one("Workspace").state.sid, workflowSids: null });
    expect(run.outputs.patchedWorkflowSids).toEqual(patch.state.patchedWorkflowSids);
  });

  test("an explicit empty voiceWorkflowSids list is refused (it would install Direct to agent nowhere)", () => {
    for (const empty of ["[]", "[ ]"]) {
      const config = baseConfig({ "flex-call-recovery:voiceWorkflowSids": empty });
      expect(() => recoveryProgram({ get: (k) => config[k] }, {}, "dev")).toThrow(
        /voiceWorkflowSids is an empty list.*remove the key to patch the Flex configuration's target workflow/s,
      );
    }
  });

  test("a Sync service with ACLs on is created, or one is adopted by SID", async () => {
    let run = await runProgram(baseConfig());
    expect(run.one("SyncService").inputs).toMatchObject({ adoptSid: null, aclEnabled: true });
    const is = `IS${"c".repeat(32)}`;
    run = await runProgram(baseConfig({ "flex-call-recovery:syncServiceSid": is }));
    expect(run.one("SyncService").inputs.adoptSid).toBe(is);
  });

  test("wires every SID and setting into the functions' variables, as a secret", async () => {
    const run = await runProgram(
      baseConfig({
        "flex-call-recovery:pingTimeoutSeconds": "20",
        "flex-call-recovery:reconnectPriority": "500",
        "flex-call-recovery:allowedFlexOrigins": JSON.stringify(["https://flex.twilio.com", "https://my.example"]),
        "flex-call-recovery:announceRecordingUrl": "https://example.com/hold.mp3",
        "flex-call-recovery:holdMusicUrl": "https://example.com/music.mp3",
        "twilio:region": "ie1",
        "twilio:edge": "dublin",
      }),
    );
    const deployment = run.one("ServerlessDeployment").inputs;
    expect(isSecretInput(deployment.variables)).toBe(true);
    const vars = (deployment.variables as { value: Record<string, string> }).value;
    expect(vars).toEqual({
      [FunctionEnv.workspaceSid]: run.one("Workspace").state.sid,
      [FunctionEnv.syncServiceSid]: run.one("SyncService").state.sid,
      [FunctionEnv.recoveryPingWorkflowSid]: run.one("Workflow").state.sid,
      [FunctionEnv.syncApiKey]: run.one("ApiKey").state.sid,
      [FunctionEnv.syncApiSecret]: "api-key-secret",
      [FunctionEnv.announceText]: "Please hold while we reconnect you with your agent.",
      [FunctionEnv.announceVoice]: "Polly.Joanna",
      [FunctionEnv.announceLanguage]: "en-US",
      [FunctionEnv.announceRecordingUrl]: "https://example.com/hold.mp3",
      [FunctionEnv.pingTimeoutSeconds]: "20",
      [FunctionEnv.reconnectPriority]: "500",
      [FunctionEnv.allowedOrigins]: "https://flex.twilio.com,https://my.example",
      [FunctionEnv.holdMusicUrl]: "https://example.com/music.mp3",
      [FunctionEnv.twilioRegion]: "ie1",
      [FunctionEnv.twilioEdge]: "dublin",
    });
    expect(FunctionEnv.holdMusicUrl).toBe("HOLD_MUSIC_URL");
    expect(run.one("ServerlessService").inputs).toMatchObject({
      uniqueName: "flex-call-recovery",
      owner: "flex-call-recovery/dev",
      adopt: true,
      adoptedOnDelete: "keep",
    });
    expect(deployment).toMatchObject({
      serviceSid: run.one("ServerlessService").state.sid,
      environmentSuffix: "dev",
      sourceDir: join(FIXTURES, "functions-build"),
      sourceHash: hashDirectory(join(FIXTURES, "functions-build"), "fixture"),
    });
  });

  test("the event sink points at task-event-handler and the subscription takes the three task events", async () => {
    const run = await runProgram(baseConfig());
    const sink = run.one("EventSink");
    expect(sink.inputs.sinkConfiguration).toEqual({
      destination: `https://flex-call-recovery-1234-dev.twil.io${FunctionRoute.taskEventHandler}`,
      method: "POST",
      batch_events: true,
    });
    const subscription = run.one("EventSubscription").inputs;
    expect(subscription.sinkSid).toBe(sink.state.sid);
    expect(subscription.types).toEqual(
      TASK_EVENT_SUBSCRIPTION_TYPES.map((type) => ({ type, schema_version: TASK_EVENT_SCHEMA_VERSION })),
    );
    expect(TASK_EVENT_SUBSCRIPTION_TYPES).toEqual([
      "com.twilio.taskrouter.reservation.accepted",
      "com.twilio.taskrouter.task.canceled",
      "com.twilio.taskrouter.task-queue.entered",
    ]);
  });

  test("writes the plugin settings with the functions' domain into ui_attributes", async () => {
    const run = await runProgram(baseConfig({ "flex-call-recovery:autoAcceptReconnect": "false" }));
    expect(run.one("FlexUiAttribute").inputs).toMatchObject({
      key: PLUGIN_SETTINGS_KEY,
      value: {
        serverlessDomain: "flex-call-recovery-1234-dev.twil.io",
        autoAcceptReconnect: false,
        stallTimeoutSeconds: 45,
        reconnectedNoticeSeconds: 3,
      },
    });
  });

  test("releases the plugin build, or leaves releases alone when switched off", async () => {
    let run = await runProgram(baseConfig());
    expect(run.one("FlexPluginRelease").inputs).toMatchObject({
      pluginName: PLUGIN_NAME,
      version: "1.0.0",
      mainFile: `${PLUGIN_NAME}.js`,
      buildDir: join(FIXTURES, "plugin-build"),
      bundleHash: hashDirectory(join(FIXTURES, "plugin-build"), "fixture"),
      supersedes: ["plugin-recover-non-graceful-call-disconnects"],
    });
    expect(run.outputs.pluginVersion).toBe("1.0.0");
    run = await runProgram(baseConfig({ "flex-call-recovery:pluginRelease": "false" }));
    expect(run.byType("FlexPluginRelease")).toEqual([]);
    expect(run.outputs.pluginVersion).toBeNull();
  });

  test("outputs every SID, the domain and every function URL; no output holds or is a secret", async () => {
    const run = await runProgram(baseConfig());
    expect(run.outputs).toMatchObject({
      workspaceSid: run.one("Workspace").state.sid,
      recoveryPingQueueSid: run.one("TaskQueue").state.sid,
      recoveryPingWorkflowSid: run.one("Workflow").state.sid,
      syncServiceSid: run.one("SyncService").state.sid,
      syncApiKeySid: run.one("ApiKey").state.sid,
      functionsServiceSid: run.one("ServerlessService").state.sid,
      functionsDomain: "flex-call-recovery-1234-dev.twil.io",
      eventSinkSid: run.one("EventSink").state.sid,
      eventSubscriptionSid: run.one("EventSubscription").state.sid,
    });
    expect(Object.keys(run.outputs.functionUrls as object).sort()).toEqual(Object.values(FunctionRoute).sort());
    // The API key secret reaches the functions' variables only (checked above), never an output.
    const outputs = run.stack.outputs();
    for (const [name, output] of Object.entries(outputs)) expect([name, await isSecret(output)]).toEqual([name, false]);
    expect(JSON.stringify(run.outputs)).not.toContain(String(run.one("ApiKey").state.secret));
  });
});

describe("configuration errors", () => {
  const build = (config: Record<string, string>) => () => recoveryProgram({ get: (k) => config[k] }, {}, "dev");

  test("every invalid setting is reported at once, by key", () => {
    const config = baseConfig({
      "flex-call-recovery:workspaceSid": "not-a-sid",
      "flex-call-recovery:pingReservationTimeoutSeconds": "0",
      "flex-call-recovery:voiceWorkflowSids": '["WW123"]',
      "flex-call-recovery:pluginRelease": "yes",
    });
    let error: unknown;
    try {
      build(config)();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems.join("\n");
    expect(problems).toMatch(/flex-call-recovery:workspaceSid must be a Workspace SID/);
    expect(problems).toMatch(/flex-call-recovery:pingReservationTimeoutSeconds must be an integer from 1 to 86400/);
    expect(problems).toMatch(/flex-call-recovery:voiceWorkflowSids must be a list of Workflow SIDs/);
    expect(problems).toMatch(/flex-call-recovery:pluginRelease must be true or false/);
    expect((error as SettingsError).problems).toHaveLength(4);
  });

  test("missing credentials name every way to set them", () => {
    const config = baseConfig();
    delete config["twilio:accountSid"];
    delete config["twilio:authToken"];
    expect(build(config)).toThrow(/twilio:accountSid is not set[\s\S]*twilio:apiKey[\s\S]*twilio:authToken/);
  });

  test("an API key and secret do instead of the auth token; one without the other is refused", () => {
    const config = baseConfig();
    delete config["twilio:authToken"];
    const env = { TWILIO_API_KEY: `SK${"1".repeat(32)}`, TWILIO_API_SECRET: "s" };
    expect(loadSettings({ get: (k) => config[k] }, env, "dev").accountSid).toBe(ACCOUNT_SID);
    expect(() => loadSettings({ get: (k) => config[k] }, { TWILIO_API_KEY: env.TWILIO_API_KEY }, "dev")).toThrow(
      /twilio:apiKey and twilio:apiSecret go together/,
    );
  });

  test("a Twilio base URL other than a local stand-in is refused (the credentials would go there)", () => {
    const config = baseConfig();
    const get = (k: string) => config[k];
    expect(() => loadSettings({ get }, { TWILIO_API_BASE_URL: "https://evil.example" }, "dev")).toThrow(
      /TWILIO_API_BASE_URL=https:\/\/evil.example is refused/,
    );
    expect(loadSettings({ get }, { TWILIO_API_BASE_URL: "http://127.0.0.1:4010" }, "dev").accountSid).toBe(ACCOUNT_SID);
  });

  test("adoption settings: on and keep by default; adoptedOnDelete takes keep or delete only", () => {
    const get = (c: Record<string, string>) => (k: string) => c[k];
    expect(loadSettings({ get: get(baseConfig()) }, {}, "dev")).toMatchObject({
      adoptExisting: true,
      adoptedOnDelete: "keep",
    });
    const del = baseConfig({ "flex-call-recovery:adoptedOnDelete": "delete" });
    expect(loadSettings({ get: get(del) }, {}, "dev").adoptedOnDelete).toBe("delete");
    const bad = baseConfig({ "flex-call-recovery:adoptedOnDelete": "maybe" });
    expect(() => loadSettings({ get: get(bad) }, {}, "dev")).toThrow(/adoptedOnDelete must be "keep" or "delete"/);
  });

  test("credentials may come from the environment instead", () => {
    const config = baseConfig();
    delete config["twilio:accountSid"];
    delete config["twilio:authToken"];
    const env = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: "t" };
    expect(loadSettings({ get: (k) => config[k] }, env, "dev").accountSid).toBe(ACCOUNT_SID);
  });

  test("an unbuilt functions folder says how to build it", () => {
    const config = baseConfig({ "flex-call-recovery:functionsBuildDir": join(FIXTURES, "missing") });
    expect(build(config)).toThrow(/npm run build -w functions/);
  });
});
