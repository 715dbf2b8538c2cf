// The default when no voice workflows are configured: "Direct to agent" first in every workflow
// of the workspace (paged to the end) except Recovery Ping, against the twin.
import { DIRECT_TO_AGENT_FILTER_NAME, RECOVERY_PING_WORKFLOW_NAME } from "@flex-call-recovery/vocabulary";
import { canonicalJson } from "../../src/client";
import type { WorkflowConfiguration } from "../../src/workflow";
import { workspaceFilterPatchProvider } from "../../src/workflowFilter";
import { directToAgentFilter } from "../sample";
import { logMark, useTwin, writesSince } from "../twinHarness";

jest.setTimeout(30_000);
const ctx = useTwin();

test("patches every workflow on every page except Recovery Ping; refresh finds new ones; destroy restores all", async () => {
  const ws = (await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: "Many workflows" })).sid;
  const queue = (await ctx.sdk.taskrouter.v1.workspaces(ws).taskQueues.create({ friendlyName: "Everyone" })).sid;
  const plain: WorkflowConfiguration = {
    task_routing: {
      filters: [{ filter_friendly_name: "Sales", expression: "department == 'sales'", targets: [{ queue }] }],
      default_filter: { queue },
    },
  };
  const handMade = {
    filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
    expression: "targetWorkerSid != null",
    targets: [{ queue, known_worker_sid: "task.targetWorkerSid" }],
  };
  const withHandMade: WorkflowConfiguration = {
    task_routing: { filters: [...plain.task_routing.filters, handMade], default_filter: { queue } },
  };
  const create = async (friendlyName: string, configuration: WorkflowConfiguration) =>
    (
      await ctx.sdk.taskrouter.v1
        .workspaces(ws)
        .workflows.create({ friendlyName, configuration: JSON.stringify(configuration) })
    ).sid;
  // More than one page (Twilio's default page size is 50): the lookup must not stop at the first.
  const voice: string[] = [];
  for (let i = 0; i < 52; i++) voice.push(await create(`Voice ${i}`, plain));
  const handPatched = await create("Hand-patched", withHandMade);
  const ping = await create("ping of this stack", plain);
  const otherStacksPing = await create(RECOVERY_PING_WORKFLOW_NAME, plain);
  const configOf = async (sid: string) =>
    JSON.parse(
      (await ctx.sdk.taskrouter.v1.workspaces(ws).workflows(sid).fetch()).configuration,
    ) as WorkflowConfiguration;

  const filter = directToAgentFilter(queue);
  const inputs = {
    workspaceSid: ws,
    excludeWorkflowSids: [ping],
    excludeWorkflowNames: [RECOVERY_PING_WORKFLOW_NAME],
    filter,
    providerVersion: "2",
  };
  const created = (await workspaceFilterPatchProvider.create(inputs)).outs!;
  expect([...created.workflowSids].sort()).toEqual([...voice, handPatched].sort());
  for (const sid of [voice[0], voice[51], handPatched]) {
    expect((await configOf(sid)).task_routing.filters[0]).toEqual(filter);
  }
  expect((await configOf(handPatched)).task_routing.filters).toHaveLength(2);
  for (const sid of [ping, otherStacksPing]) expect(canonicalJson(await configOf(sid))).toBe(canonicalJson(plain));

  // Nothing changed: read and diff agree, no write.
  let mark = logMark(ctx.twin);
  const read = (await workspaceFilterPatchProvider.read!(created.id ?? "", created)).props!;
  expect(await workspaceFilterPatchProvider.diff!("", read, inputs)).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  // A workflow created after the deploy: refresh finds it, the update patches it (and only it).
  const later = await create("Voice later", plain);
  const refreshed = (await workspaceFilterPatchProvider.read!("", read)).props!;
  expect(refreshed.unpatched).toEqual([later]);
  expect(await workspaceFilterPatchProvider.diff!("", refreshed, inputs)).toMatchObject({
    changes: true,
    replaces: [],
  });
  mark = logMark(ctx.twin);
  const updated = (await workspaceFilterPatchProvider.update!("", refreshed, inputs)).outs!;
  expect(writesSince(ctx.twin, mark)).toHaveLength(1);
  expect(updated.workflowSids).toContain(later);

  await workspaceFilterPatchProvider.delete!("", updated);
  for (const sid of [...voice, later]) expect(canonicalJson(await configOf(sid))).toBe(canonicalJson(plain));
  // The filter it found there by hand is back where it was.
  expect(canonicalJson(await configOf(handPatched))).toBe(canonicalJson(withHandMade));
});
