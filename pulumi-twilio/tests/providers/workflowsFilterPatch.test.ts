// "Direct to agent" in several workflows through one resource, against the twin: unset (the Flex
// configuration's target workflow) → a list → unset. After each step every targeted workflow has
// the filter first exactly once, and the others are untouched; destroy restores what was there.
import { DIRECT_TO_AGENT_FILTER_NAME } from "@flex-call-recovery/vocabulary";
import { canonicalJson } from "../../src/client";
import type { WorkflowConfiguration } from "../../src/workflow";
import { workflowsFilterPatchProvider as provider } from "../../src/workflowFilter";
import { directToAgentFilter } from "../sample";
import { logMark, useTwin, writesSince } from "../../testing";

jest.setTimeout(30_000);
const ctx = useTwin();

test("unset → list → unset keeps the filter first, once, in each targeted workflow; destroy restores", async () => {
  const ws = (await ctx.sdk.taskrouter.v1.workspaces.create({ friendlyName: "Flex Task Assignment" })).sid;
  const queue = (await ctx.sdk.taskrouter.v1.workspaces(ws).taskQueues.create({ friendlyName: "Everyone" })).sid;
  const plain: WorkflowConfiguration = {
    task_routing: {
      filters: [{ filter_friendly_name: "Sales", expression: "department == 'sales'", targets: [{ queue }] }],
      default_filter: { queue },
    },
  };
  const create = async (friendlyName: string) =>
    (
      await ctx.sdk.taskrouter.v1
        .workspaces(ws)
        .workflows.create({ friendlyName, configuration: JSON.stringify(plain) })
    ).sid;
  const flexTarget = await create("Assign to Anyone");
  const second = await create("Callbacks");
  const otherTeam = await create("Other team (chat)");
  await ctx.sdk.flexApi.v1
    .configuration()
    .update({ taskrouter_workspace_sid: ws, taskrouter_target_workflow_sid: flexTarget } as never);

  const filter = directToAgentFilter(queue);
  const config = async (sid: string) =>
    JSON.parse(
      (await ctx.sdk.taskrouter.v1.workspaces(ws).workflows(sid).fetch()).configuration,
    ) as WorkflowConfiguration;
  const expectPatched = async (patched: string[]) => {
    for (const sid of [flexTarget, second, otherTeam]) {
      const filters = (await config(sid)).task_routing.filters;
      const ours = filters.filter((f) => f.filter_friendly_name === DIRECT_TO_AGENT_FILTER_NAME);
      if (patched.includes(sid)) {
        expect(ours).toHaveLength(1);
        expect(canonicalJson(filters[0])).toBe(canonicalJson(filter));
        expect(canonicalJson(filters.slice(1))).toBe(canonicalJson(plain.task_routing.filters));
      } else {
        expect(canonicalJson(await config(sid))).toBe(canonicalJson(plain));
      }
    }
  };

  const unset = { workspaceSid: ws, workflowSids: null, filter, providerVersion: "3" };
  const created = await provider.create(unset);
  await expectPatched([flexTarget]);
  expect(created.outs.patchedWorkflowSids).toEqual([flexTarget]);

  // Unset → a list that keeps the Flex target and adds one: an update, no moment without the filter.
  const list = { ...unset, workflowSids: [flexTarget, second] };
  const read1 = (await provider.read!(created.id, created.outs)).props!;
  expect(await provider.diff!(created.id, read1, list)).toMatchObject({ changes: true, replaces: [] });
  let mark = logMark(ctx.twin);
  const listed = (await provider.update!(created.id, read1, list)).outs!;
  // Only the newly listed workflow is written.
  expect(writesSince(ctx.twin, mark)).toEqual([`POST taskrouter.twilio.com/v1/Workspaces/${ws}/Workflows/${second}`]);
  await expectPatched([flexTarget, second]);

  // List → unset: the extra one restored, the Flex target keeps its filter.
  const read2 = (await provider.read!(created.id, listed)).props!;
  const back = (await provider.update!(created.id, read2, unset)).outs!;
  await expectPatched([flexTarget]);

  // No change: no writes.
  mark = logMark(ctx.twin);
  const read3 = (await provider.read!(created.id, back)).props!;
  expect(await provider.diff!(created.id, read3, unset)).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  // Drift: the filter moved down by hand → read sees it, update puts it first again.
  const moved = await config(flexTarget);
  moved.task_routing.filters.reverse();
  await ctx.sdk.taskrouter.v1
    .workspaces(ws)
    .workflows(flexTarget)
    .update({ configuration: JSON.stringify(moved) });
  const drifted = (await provider.read!(created.id, back)).props!;
  expect(await provider.diff!(created.id, drifted, unset)).toMatchObject({ changes: true });
  const fixed = (await provider.update!(created.id, drifted, unset)).outs!;
  await expectPatched([flexTarget]);

  await provider.delete!(created.id, fixed);
  await expectPatched([]);
});
