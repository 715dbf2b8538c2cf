// TaskRouter providers against the twin: Workspace (adopted lookup), TaskQueue, Workflow and the
// filter patch of an adopted workflow. Each: create, read, no-change diff with no writes, update
// in place, replace, delete, drift seen by read; adopted things survive destroy.
import {
  DIRECT_TO_AGENT_FILTER_NAME,
  FLEX_WORKSPACE_NAME,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
} from "@flex-call-recovery/vocabulary";
import { canonicalJson } from "../../src/client";
import { taskQueueProvider } from "../../src/taskQueue";
import { workflowProvider, type WorkflowConfiguration } from "../../src/workflow";
import { workflowFilterPatchProvider } from "../../src/workflowFilter";
import { workspaceProvider } from "../../src/workspace";
import { directToAgentFilter, pingWorkflowConfiguration } from "../sample";
import { logMark, useTwin, writesSince } from "../../testing";

const ctx = useTwin();
let flexWs = "";
let otherWs = "";

beforeAll(async () => {
  // Decoys around the Flex workspace: the lookup must page and match the exact name.
  for (let i = 0; i < 3; i++) await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: `Other ${i}` });
  flexWs = (await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: FLEX_WORKSPACE_NAME })).sid;
  otherWs = (await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: "Second" })).sid;
});

describe("Workspace (adopted)", () => {
  test("the one the Flex configuration names (never found by name), or by SID; no writes; delete leaves it", async () => {
    // Flex routes to "Second"; a workspace carrying Flex's default name is a decoy the lookup ignores.
    await ctx.sdk.flexApi.v1.configuration().update({ taskrouter_workspace_sid: otherWs } as never);
    const mark = logMark(ctx.twin);
    const fromFlex = await workspaceProvider.create({ workspaceSid: null, providerVersion: "2" });
    expect(fromFlex.outs).toMatchObject({ sid: otherWs, actualFriendlyName: "Second" });
    const bySid = await workspaceProvider.create({ workspaceSid: flexWs, providerVersion: "2" });
    expect(bySid.id).toBe(flexWs);
    const read = await workspaceProvider.read!(fromFlex.id, fromFlex.outs);
    expect(read.props).toEqual(fromFlex.outs);
    await workspaceProvider.delete!(fromFlex.id, fromFlex.outs);
    expect(writesSince(ctx.twin, mark)).toEqual([]);
    expect((await ctx.sdk.taskrouter.v1.workspaces(otherWs).fetch()).friendlyName).toBe("Second");
  });
});

describe("adoption by name (a manual set-up)", () => {
  test("a taken queue name: a clear error without adoption; adopted, updated in place and kept on delete with it", async () => {
    const ws = (await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: "Hand-made" })).sid;
    const handMade = await ctx.sdk.taskrouter.v1
      .workspaces(ws)
      .taskQueues.create({ friendlyName: "Recovery Ping", targetWorkers: "1==1" });
    const inputs = {
      workspaceSid: ws,
      friendlyName: "Recovery Ping",
      targetWorkers: RECOVERY_PING_QUEUE_TARGET_WORKERS,
      adopt: false,
      adoptedOnDelete: "keep",
      providerVersion: "2",
    };
    await expect(taskQueueProvider.create(inputs)).rejects.toThrow(
      new RegExp(`TaskQueue "Recovery Ping" already exists in ${ws} \\(${handMade.sid}\\)`),
    );
    const adopted = await taskQueueProvider.create({ ...inputs, adopt: true });
    expect(adopted).toMatchObject({ id: handMade.sid, outs: { adopted: true } });
    expect((await ctx.sdk.taskrouter.v1.workspaces(ws).taskQueues(handMade.sid).fetch()).targetWorkers).toBe(
      RECOVERY_PING_QUEUE_TARGET_WORKERS,
    );
    await taskQueueProvider.delete!(adopted.id, adopted.outs);
    expect((await ctx.sdk.taskrouter.v1.workspaces(ws).taskQueues(handMade.sid).fetch()).sid).toBe(handMade.sid);
    await taskQueueProvider.delete!(adopted.id, { ...adopted.outs, adoptedOnDelete: "delete" });
    await expect(ctx.sdk.taskrouter.v1.workspaces(ws).taskQueues(handMade.sid).fetch()).rejects.toMatchObject({
      status: 404,
    });
  });

  test("a hand-made Recovery Ping workflow (15 s reservation timeout) is adopted and brought to the declared routing", async () => {
    const ws = (await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: "Hand-made 2" })).sid;
    const queue = (await ctx.sdk.taskrouter.v1.workspaces(ws).taskQueues.create({ friendlyName: "Recovery Ping" })).sid;
    const handMade = await ctx.sdk.taskrouter.v1.workspaces(ws).workflows.create({
      friendlyName: "Recovery Ping",
      taskReservationTimeout: 15,
      configuration: JSON.stringify({
        task_routing: { filters: [{ filter_friendly_name: "x", expression: "1==1", targets: [{ queue }] }] },
      }),
    });
    const inputs = {
      workspaceSid: ws,
      friendlyName: "Recovery Ping",
      configuration: pingWorkflowConfiguration(queue),
      taskReservationTimeout: 10,
      adopt: true,
      adoptedOnDelete: "keep",
      providerVersion: "2",
    };
    const adopted = await workflowProvider.create(inputs);
    expect(adopted).toMatchObject({ id: handMade.sid, outs: { adopted: true } });
    const now = await ctx.sdk.taskrouter.v1.workspaces(ws).workflows(handMade.sid).fetch();
    expect(now.taskReservationTimeout).toBe(10);
    expect(canonicalJson(JSON.parse(now.configuration))).toBe(canonicalJson(pingWorkflowConfiguration(queue)));
    const mark = logMark(ctx.twin);
    expect(await workflowProvider.diff!(adopted.id, adopted.outs, inputs)).toMatchObject({ changes: false });
    await workflowProvider.delete!(adopted.id, adopted.outs);
    expect(writesSince(ctx.twin, mark)).toEqual([]);
  });
});

describe("TaskQueue", () => {
  const inputs = () => ({
    workspaceSid: flexWs,
    friendlyName: "Recovery Ping",
    targetWorkers: RECOVERY_PING_QUEUE_TARGET_WORKERS,
    adopt: false,
    adoptedOnDelete: "keep",
    providerVersion: "1",
  });

  test("create, read, no-change diff, update, drift, replace, delete", async () => {
    const created = await taskQueueProvider.create(inputs());
    const queue = await ctx.sdk.taskrouter.v1.workspaces(flexWs).taskQueues(created.id).fetch();
    expect(queue.targetWorkers).toBe("1 == 1");

    const read = await taskQueueProvider.read!(created.id, created.outs);
    expect(read.props).toEqual(created.outs);

    const mark = logMark(ctx.twin);
    expect(await taskQueueProvider.diff!(created.id, created.outs, inputs())).toMatchObject({ changes: false });
    const same = await taskQueueProvider.update!(created.id, created.outs, inputs());
    expect(writesSince(ctx.twin, mark)).toEqual([]);

    const changed = { ...inputs(), targetWorkers: "skills HAS 'voice'" };
    expect(await taskQueueProvider.diff!(created.id, same.outs, changed)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const updated = await taskQueueProvider.update!(created.id, same.outs, changed);
    expect((await ctx.sdk.taskrouter.v1.workspaces(flexWs).taskQueues(created.id).fetch()).targetWorkers).toBe(
      "skills HAS 'voice'",
    );

    // Drift: edited outside the stack; read sees it and diff wants it back.
    await ctx.sdk.taskrouter.v1.workspaces(flexWs).taskQueues(created.id).update({ targetWorkers: "1 == 2" });
    const drifted = await taskQueueProvider.read!(created.id, updated.outs!);
    expect(drifted.props).toMatchObject({ targetWorkers: "1 == 2" });
    expect(await taskQueueProvider.diff!(created.id, drifted.props, changed)).toMatchObject({ changes: true });

    // Another workspace: replace = create the new one, then delete the old.
    const moved = { ...inputs(), workspaceSid: otherWs };
    expect(await taskQueueProvider.diff!(created.id, drifted.props, moved)).toMatchObject({
      replaces: ["workspaceSid"],
    });
    const replacement = await taskQueueProvider.create(moved);
    await taskQueueProvider.delete!(created.id, drifted.props);
    await expect(ctx.sdk.taskrouter.v1.workspaces(flexWs).taskQueues(created.id).fetch()).rejects.toMatchObject({
      status: 404,
    });
    expect(await taskQueueProvider.read!(created.id, drifted.props)).toEqual({});

    await taskQueueProvider.delete!(replacement.id, replacement.outs);
    await expect(ctx.sdk.taskrouter.v1.workspaces(otherWs).taskQueues(replacement.id).fetch()).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("Workflow", () => {
  let queueSid = "";
  beforeAll(async () => {
    queueSid = (
      await ctx.sdk.taskrouter.v1
        .workspaces(flexWs)
        .taskQueues.create({ friendlyName: "Ping Q", targetWorkers: "1 == 1" })
    ).sid;
  });
  const inputs = () => ({
    workspaceSid: flexWs,
    friendlyName: "Recovery Ping",
    configuration: pingWorkflowConfiguration(queueSid),
    taskReservationTimeout: 15,
    providerVersion: "1",
  });

  test("create, read (canonical configuration), no-change diff, update, drift, delete", async () => {
    const created = await workflowProvider.create(inputs());
    const remote = await ctx.sdk.taskrouter.v1.workspaces(flexWs).workflows(created.id).fetch();
    expect(JSON.parse(remote.configuration)).toEqual(pingWorkflowConfiguration(queueSid));
    expect(remote.taskReservationTimeout).toBe(15);

    const read = await workflowProvider.read!(created.id, created.outs);
    const mark = logMark(ctx.twin);
    // What Twilio echoes back reads as the same configuration.
    expect(await workflowProvider.diff!(created.id, read.props, inputs())).toMatchObject({ changes: false });
    expect(writesSince(ctx.twin, mark)).toEqual([]);

    const updated = await workflowProvider.update!(created.id, read.props, { ...inputs(), taskReservationTimeout: 20 });
    expect((await ctx.sdk.taskrouter.v1.workspaces(flexWs).workflows(created.id).fetch()).taskReservationTimeout).toBe(
      20,
    );

    const edited: WorkflowConfiguration = { task_routing: { filters: [], default_filter: { queue: queueSid } } };
    await ctx.sdk.taskrouter.v1
      .workspaces(flexWs)
      .workflows(created.id)
      .update({ configuration: JSON.stringify(edited) });
    const drifted = await workflowProvider.read!(created.id, updated.outs!);
    expect(drifted.props).toMatchObject({ configuration: edited });
    expect(await workflowProvider.diff!(created.id, drifted.props, inputs())).toMatchObject({
      changes: true,
      replaces: [],
    });

    await workflowProvider.delete!(created.id, drifted.props);
    expect(await workflowProvider.read!(created.id, drifted.props)).toEqual({});
  });

  test("another workspace replaces: the new workflow is created there, the old one deleted", async () => {
    const created = await workflowProvider.create(inputs());
    const otherQueue = await ctx.sdk.taskrouter.v1
      .workspaces(otherWs)
      .taskQueues.create({ friendlyName: "Ping Q2", targetWorkers: "1 == 1" });
    const moved = { ...inputs(), workspaceSid: otherWs, configuration: pingWorkflowConfiguration(otherQueue.sid) };
    expect(await workflowProvider.diff!(created.id, created.outs, moved)).toMatchObject({ replaces: ["workspaceSid"] });
    const replacement = await workflowProvider.create(moved);
    await workflowProvider.delete!(created.id, created.outs);
    expect(await workflowProvider.read!(created.id, created.outs)).toEqual({});
    expect((await ctx.sdk.taskrouter.v1.workspaces(otherWs).workflows(replacement.id).fetch()).friendlyName).toBe(
      "Recovery Ping",
    );
    await workflowProvider.delete!(replacement.id, replacement.outs);
  });
});

describe("WorkflowFilterPatch on an adopted voice workflow", () => {
  let queueSid = "";
  let voiceWorkflow = "";
  const original: WorkflowConfiguration = {
    task_routing: {
      filters: [{ filter_friendly_name: "Sales", expression: "department == 'sales'", targets: [{ queue: "" }] }],
      default_filter: { queue: "" },
    },
  };
  beforeAll(async () => {
    queueSid = (
      await ctx.sdk.taskrouter.v1
        .workspaces(flexWs)
        .taskQueues.create({ friendlyName: "Everyone", targetWorkers: "1 == 1" })
    ).sid;
    original.task_routing.filters[0].targets[0].queue = queueSid;
    original.task_routing.default_filter = { queue: queueSid };
    voiceWorkflow = (
      await ctx.sdk.taskrouter.v1.workspaces(flexWs).workflows.create({
        friendlyName: "Assign to Anyone",
        configuration: JSON.stringify(original),
      })
    ).sid;
  });
  const inputs = () => ({
    workspaceSid: flexWs,
    workflowSid: voiceWorkflow,
    filter: directToAgentFilter(queueSid),
    providerVersion: "1",
  });
  const remoteConfig = async () =>
    JSON.parse(
      (await ctx.sdk.taskrouter.v1.workspaces(flexWs).workflows(voiceWorkflow).fetch()).configuration,
    ) as WorkflowConfiguration;

  test("prepends once, idempotently; drift shows; destroy restores the rest and keeps the workflow", async () => {
    const created = await workflowFilterPatchProvider.create(inputs());
    let config = await remoteConfig();
    expect(config.task_routing.filters.map((f) => f.filter_friendly_name)).toEqual([
      DIRECT_TO_AGENT_FILTER_NAME,
      "Sales",
    ]);
    expect(config.task_routing.default_filter).toEqual(original.task_routing.default_filter);

    // Running create again (state lost) and a no-change diff write nothing.
    let mark = logMark(ctx.twin);
    await workflowFilterPatchProvider.create(inputs());
    expect(await workflowFilterPatchProvider.diff!(created.id, created.outs, inputs())).toMatchObject({
      changes: false,
    });
    expect(writesSince(ctx.twin, mark)).toEqual([]);
    expect((await remoteConfig()).task_routing.filters).toHaveLength(2);

    // Someone moves our filter down in the console: read shows it, diff repairs it in place.
    config = await remoteConfig();
    const moved = {
      ...config,
      task_routing: { ...config.task_routing, filters: [...config.task_routing.filters].reverse() },
    };
    await ctx.sdk.taskrouter.v1
      .workspaces(flexWs)
      .workflows(voiceWorkflow)
      .update({ configuration: JSON.stringify(moved) });
    const drifted = await workflowFilterPatchProvider.read!(created.id, created.outs);
    expect(drifted.props).toMatchObject({ position: 1 });
    expect(await workflowFilterPatchProvider.diff!(created.id, drifted.props, inputs())).toMatchObject({
      changes: true,
      replaces: [],
    });
    const repaired = await workflowFilterPatchProvider.update!(created.id, drifted.props, inputs());
    expect((await remoteConfig()).task_routing.filters[0].filter_friendly_name).toBe(DIRECT_TO_AGENT_FILTER_NAME);

    // Another workflow replaces the patch.
    expect(
      await workflowFilterPatchProvider.diff!(created.id, repaired.outs, {
        ...inputs(),
        workflowSid: `WW${"0".repeat(32)}`,
      }),
    ).toMatchObject({ replaces: ["workflowSid"] });

    mark = logMark(ctx.twin);
    await workflowFilterPatchProvider.delete!(created.id, repaired.outs);
    expect(writesSince(ctx.twin, mark)).toHaveLength(1);
    expect(canonicalJson(await remoteConfig())).toBe(canonicalJson(original));
    // Deleting again finds nothing to remove and writes nothing.
    mark = logMark(ctx.twin);
    await workflowFilterPatchProvider.delete!(created.id, repaired.outs);
    expect(writesSince(ctx.twin, mark)).toEqual([]);
  });

  test("a same-named filter made by hand is remembered with its place and restored on destroy", async () => {
    // The old manual guide had agents add "Direct to agent" themselves, anywhere in the list.
    const handMade = {
      filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
      expression: "targetWorkerSid != null",
      targets: [{ queue: queueSid, known_worker_sid: "task.targetWorkerSid", timeout: 30 }],
    };
    const sales = original.task_routing.filters[0];
    const support = { ...sales, filter_friendly_name: "Support", expression: "department == 'support'" };
    const before: WorkflowConfiguration = {
      task_routing: { filters: [sales, handMade, support], default_filter: { queue: queueSid } },
    };
    const workflowSid = (
      await ctx.sdk.taskrouter.v1
        .workspaces(flexWs)
        .workflows.create({ friendlyName: "Hand-patched", configuration: JSON.stringify(before) })
    ).sid;
    const configOf = async () =>
      JSON.parse(
        (await ctx.sdk.taskrouter.v1.workspaces(flexWs).workflows(workflowSid).fetch()).configuration,
      ) as WorkflowConfiguration;
    const patchInputs = { ...inputs(), workflowSid };

    const created = await workflowFilterPatchProvider.create(patchInputs);
    expect(created.outs).toMatchObject({ position: 0, previous: { filter: handMade, position: 1 } });
    expect((await configOf()).task_routing.filters).toEqual([directToAgentFilter(queueSid), sales, support]);

    // Refresh and a no-change update keep what delete must restore.
    const read = await workflowFilterPatchProvider.read!(created.id, created.outs);
    expect(read.props).toMatchObject({ previous: { filter: handMade, position: 1 } });
    const updated = await workflowFilterPatchProvider.update!(created.id, read.props, patchInputs);
    expect(updated.outs).toMatchObject({ previous: { filter: handMade, position: 1 } });

    await workflowFilterPatchProvider.delete!(created.id, updated.outs!);
    expect(canonicalJson(await configOf())).toBe(canonicalJson(before));
    // Idempotent: a second delete writes nothing and leaves one copy.
    const mark = logMark(ctx.twin);
    await workflowFilterPatchProvider.delete!(created.id, updated.outs!);
    expect(writesSince(ctx.twin, mark)).toEqual([]);

    // State written by provider version 1 (no `previous`): delete just removes ours.
    const again = await workflowFilterPatchProvider.create(patchInputs);
    await workflowFilterPatchProvider.delete!(again.id, { ...again.outs, previous: undefined });
    expect((await configOf()).task_routing.filters).toEqual([sales, support]);
  });
});
