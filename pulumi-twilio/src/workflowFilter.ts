// A filter the stack places first in a workflow it does not own (a customer's voice workflow).
// The workflow is adopted: create prepends the filter (replacing an older copy with the same
// name, so running twice changes nothing, and remembering that copy and its place), delete
// removes ours and puts the remembered one back where it was; every other filter, the default
// filter and the workflow's settings are written back exactly as read.
import * as pulumi from "@pulumi/pulumi";
import { callApi, canonicalJson, configureCredentials, diffProperties, isNotFound, readOrGone } from "./client";
import type { WorkflowConfiguration, WorkflowFilter } from "./workflow";

const PROVIDER_VERSION = "2";

export interface WorkflowFilterPatchArgs {
  workspaceSid: pulumi.Input<string>;
  workflowSid: pulumi.Input<string>;
  filter: pulumi.Input<WorkflowFilter>;
}

interface ResolvedInputs {
  workspaceSid: string;
  workflowSid: string;
  filter: WorkflowFilter;
  providerVersion: string;
}

/** A filter of our name that the workflow had before the stack placed its own (e.g. made by hand). */
interface PreviousFilter {
  filter: WorkflowFilter;
  /** Its index among the workflow's filters then. */
  position: number;
}

interface ResolvedOutputs extends ResolvedInputs {
  /** Where a filter of that name sits in the workflow now (0 = first; null = absent). */
  position: number | null;
  /** What delete puts back (null: there was no filter of that name). */
  previous: PreviousFilter | null;
}

/** The configuration with `filter` first and no other filter of the same name. */
function withFilterFirst(config: WorkflowConfiguration, filter: WorkflowFilter): WorkflowConfiguration {
  const others = config.task_routing.filters.filter((f) => f.filter_friendly_name !== filter.filter_friendly_name);
  return { ...config, task_routing: { ...config.task_routing, filters: [filter, ...others] } };
}

function withoutFilter(config: WorkflowConfiguration, name: string): WorkflowConfiguration {
  const filters = config.task_routing.filters.filter((f) => f.filter_friendly_name !== name);
  return { ...config, task_routing: { ...config.task_routing, filters } };
}

/** The filter named `name` in `config`, with its index; null when there is none. */
function findPrevious(config: WorkflowConfiguration, name: string): PreviousFilter | null {
  const position = config.task_routing.filters.findIndex((f) => f.filter_friendly_name === name);
  return position >= 0 ? { filter: config.task_routing.filters[position], position } : null;
}

/**
 * The configuration without our filter `name` and, when there was one before us, with that one
 * back at its old index (or last, if the workflow has fewer filters now). Idempotent: the
 * restored filter carries the same name, so a second run removes and re-inserts it in place.
 */
function restored(config: WorkflowConfiguration, name: string, previous: PreviousFilter | null): WorkflowConfiguration {
  const cleaned = withoutFilter(config, name);
  if (!previous) return cleaned;
  const filters = [...cleaned.task_routing.filters];
  filters.splice(Math.min(previous.position, filters.length), 0, previous.filter);
  return { ...cleaned, task_routing: { ...cleaned.task_routing, filters } };
}

async function fetchConfiguration(workspaceSid: string, workflowSid: string): Promise<WorkflowConfiguration> {
  const workflow = await callApi(`fetch Workflow ${workflowSid}`, (client) =>
    client.taskrouter.v1.workspaces(workspaceSid).workflows(workflowSid).fetch(),
  );
  const config = JSON.parse(workflow.configuration) as WorkflowConfiguration;
  // Twilio accepts a configuration without filters; treat it as an empty list.
  return { ...config, task_routing: { ...config.task_routing, filters: config.task_routing?.filters ?? [] } };
}

/** Writes the configuration only when it differs in meaning (a no-change deploy makes no write). */
async function writeIfChanged(inputs: ResolvedInputs, before: WorkflowConfiguration, after: WorkflowConfiguration) {
  if (canonicalJson(before) === canonicalJson(after)) return;
  await callApi(`update Workflow ${inputs.workflowSid} (filter "${inputs.filter.filter_friendly_name}")`, (client) =>
    client.taskrouter.v1
      .workspaces(inputs.workspaceSid)
      .workflows(inputs.workflowSid)
      .update({ configuration: JSON.stringify(after) }),
  );
}

async function place(inputs: ResolvedInputs): Promise<ResolvedOutputs> {
  const before = await fetchConfiguration(inputs.workspaceSid, inputs.workflowSid);
  // A same-named filter already there (the manual setup guide had one made by hand) is replaced
  // now and put back on delete, so destroy leaves the workflow as the stack found it.
  const previous = findPrevious(before, inputs.filter.filter_friendly_name);
  await writeIfChanged(inputs, before, withFilterFirst(before, inputs.filter));
  return { ...inputs, position: 0, previous };
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    return { inputs: news };
  },

  async create(inputs: ResolvedInputs) {
    const outs = await place(inputs);
    return { id: `${inputs.workflowSid}/${inputs.filter.filter_friendly_name}`, outs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const config = await fetchConfiguration(props.workspaceSid, props.workflowSid);
      const index = config.task_routing.filters.findIndex(
        (f) => f.filter_friendly_name === props.filter.filter_friendly_name,
      );
      // Drift: the filter edited, moved or removed in the console shows up as a changed filter/position.
      const filter = index >= 0 ? config.task_routing.filters[index] : props.filter;
      const previous = props.previous ?? null;
      return {
        id,
        props: { ...props, filter, position: index >= 0 ? index : null, previous } satisfies ResolvedOutputs,
      };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Drift seen by the last read: our filter moved or gone.
    return diffProperties(olds, news, {
      replace: ["workspaceSid", "workflowSid"],
      update: ["filter"],
      also: olds.position !== 0,
    });
  },

  async update(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const before = await fetchConfiguration(news.workspaceSid, news.workflowSid);
    // State from provider version 1 has no `previous`.
    let previous = olds.previous ?? null;
    let cleaned = before;
    if (olds.filter.filter_friendly_name !== news.filter.filter_friendly_name) {
      // A renamed filter: the old name goes (its predecessor back in place), and a filter already
      // holding the new name is the one to restore from now on.
      cleaned = restored(before, olds.filter.filter_friendly_name, previous);
      previous = findPrevious(cleaned, news.filter.filter_friendly_name);
    }
    await writeIfChanged(news, before, withFilterFirst(cleaned, news.filter));
    return { outs: { ...news, position: 0, previous } satisfies ResolvedOutputs };
  },

  async delete(_id, props: ResolvedOutputs) {
    try {
      const before = await fetchConfiguration(props.workspaceSid, props.workflowSid);
      await writeIfChanged(props, before, restored(before, props.filter.filter_friendly_name, props.previous ?? null));
    } catch (err) {
      // The workflow itself is gone: nothing left to restore.
      if (!isNotFound(err)) throw err;
    }
  },
};

/** Keeps `filter` first in an adopted workflow; removing the resource removes only that filter. */
export class WorkflowFilterPatch extends pulumi.dynamic.Resource {
  declare readonly position: pulumi.Output<number | null>;
  declare readonly workflowSid: pulumi.Output<string>;
  /** The same-named filter the workflow had before (restored on delete), or null. */
  declare readonly previous: pulumi.Output<{ filter: WorkflowFilter; position: number } | null>;

  constructor(name: string, args: WorkflowFilterPatchArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, position: undefined, previous: undefined };
    super(provider, name, props, opts, "twilio", "WorkflowFilterPatch");
  }
}

export { provider as workflowFilterPatchProvider };

// --- several workflows, one resource -----------------------------------------------------------
// "Direct to agent" first in a set of workflows: a list, or (null) the workflow Flex routes its
// calls to, the Flex configuration's `taskrouter_target_workflow_sid`. One resource for both, so
// switching between them (or editing the list) is an in-place update that patches the new
// workflows, keeps the ones in both sets untouched and restores only the ones no longer wanted.
// Two resources would be created before the old one is deleted, and that delete would take out
// the filter the new one had just put in the same workflow.

export interface WorkflowsFilterPatchArgs {
  workspaceSid: pulumi.Input<string>;
  /** The workflows to patch; null: the Flex configuration's target workflow, looked up at deploy time. */
  workflowSids: pulumi.Input<pulumi.Input<string>[] | null>;
  filter: pulumi.Input<WorkflowFilter>;
}

interface WorkflowsInputs {
  workspaceSid: string;
  workflowSids: string[] | null;
  filter: WorkflowFilter;
  providerVersion: string;
}

/** One workflow the stack patched: where our filter sits and what delete puts back. */
interface PatchedWorkflow {
  workflowSid: string;
  position: number | null;
  previous: PreviousFilter | null;
}

interface WorkflowsOutputs extends WorkflowsInputs {
  workflows: PatchedWorkflow[];
  /** The workflows the inputs named at the last read (differs from `workflows` after drift). */
  targets: string[];
  /** The patched workflows' SIDs (a stack output). */
  patchedWorkflowSids: string[];
}

/** The Flex configuration's target workflow: where Flex's own voice entry points send calls. */
async function flexTargetWorkflow(): Promise<string> {
  const config = await callApi("fetch Flex Configuration", (client) => client.flexApi.v1.configuration().fetch());
  if (!config.taskrouterTargetWorkflowSid) {
    throw new Error(
      "the Flex configuration names no target workflow (taskrouter_target_workflow_sid is empty): list the voice " +
        "workflows to patch explicitly",
    );
  }
  return config.taskrouterTargetWorkflowSid;
}

async function targetsOf(inputs: WorkflowsInputs): Promise<string[]> {
  return inputs.workflowSids ? [...new Set(inputs.workflowSids)] : [await flexTargetWorkflow()];
}

/** Takes our filter out of one workflow (its predecessor restored); a deleted workflow is skipped. */
async function unpatchOne(inputs: WorkflowsInputs, patched: PatchedWorkflow): Promise<void> {
  const one = { ...inputs, workflowSid: patched.workflowSid };
  try {
    const before = await fetchConfiguration(inputs.workspaceSid, patched.workflowSid);
    await writeIfChanged(one, before, restored(before, inputs.filter.filter_friendly_name, patched.previous));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Places the filter first in every target; `known` keeps what earlier runs must restore. */
async function patchWorkflows(inputs: WorkflowsInputs, known: PatchedWorkflow[]): Promise<WorkflowsOutputs> {
  const targets = await targetsOf(inputs);
  const workflows: PatchedWorkflow[] = [];
  for (const sid of targets) {
    const one = { ...inputs, workflowSid: sid };
    const before = await fetchConfiguration(inputs.workspaceSid, sid);
    const prior = known.find((k) => k.workflowSid === sid);
    // Remember a same-named filter only the first time: later it is our own.
    const previous = prior ? prior.previous : findPrevious(before, inputs.filter.filter_friendly_name);
    await writeIfChanged(one, before, withFilterFirst(before, inputs.filter));
    workflows.push({ workflowSid: sid, position: 0, previous });
  }
  // Patched before but no target now: restore it (only after the new ones have the filter).
  for (const k of known) if (!targets.includes(k.workflowSid)) await unpatchOne(inputs, k);
  return { ...inputs, workflows, targets, patchedWorkflowSids: workflows.map((w) => w.workflowSid) };
}

const workflowsProvider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: WorkflowsInputs) {
    return { inputs: { ...news, workflowSids: news.workflowSids ?? null } };
  },

  async create(inputs: WorkflowsInputs) {
    const outs = await patchWorkflows(inputs, []);
    return { id: `${inputs.workspaceSid}/${inputs.filter.filter_friendly_name}`, outs };
  },

  async read(id, props: WorkflowsOutputs) {
    const targets = await targetsOf(props);
    const name = props.filter.filter_friendly_name;
    const workflows: PatchedWorkflow[] = [];
    for (const w of props.workflows) {
      try {
        const config = await fetchConfiguration(props.workspaceSid, w.workflowSid);
        const index = config.task_routing.filters.findIndex((f) => f.filter_friendly_name === name);
        workflows.push({ ...w, position: index >= 0 ? index : null });
      } catch (err) {
        // A deleted workflow drops out.
        if (!isNotFound(err)) throw err;
      }
    }
    const outs = { ...props, workflows, targets, patchedWorkflowSids: workflows.map((w) => w.workflowSid) };
    return { id, props: outs satisfies WorkflowsOutputs };
  },

  async diff(_id, olds: WorkflowsOutputs, news: WorkflowsInputs) {
    const patched = olds.workflows.map((w) => w.workflowSid);
    // Drift seen by the last read: our filter moved or gone, or the Flex target workflow changed.
    const drift =
      olds.workflows.some((w) => w.position !== 0) ||
      (news.workflowSids === null && canonicalJson([...olds.targets].sort()) !== canonicalJson([...patched].sort()));
    return diffProperties(olds, news, { replace: ["workspaceSid"], update: ["workflowSids", "filter"], also: drift });
  },

  async update(_id, olds: WorkflowsOutputs, news: WorkflowsInputs) {
    if (olds.filter.filter_friendly_name !== news.filter.filter_friendly_name) {
      // Renamed: take the old name out everywhere first, then start over under the new one.
      for (const w of olds.workflows) await unpatchOne(olds, w);
      return { outs: await patchWorkflows(news, []) };
    }
    return { outs: await patchWorkflows(news, olds.workflows) };
  },

  async delete(_id, props: WorkflowsOutputs) {
    for (const w of props.workflows) await unpatchOne(props, w);
  },
};

/**
 * Keeps `filter` first in several workflows (a list, or Flex's target workflow); removing the
 * resource removes only that filter (restoring any same-named one it replaced).
 */
export class WorkflowsFilterPatch extends pulumi.dynamic.Resource {
  declare readonly patchedWorkflowSids: pulumi.Output<string[]>;

  constructor(name: string, args: WorkflowsFilterPatchArgs, opts?: pulumi.CustomResourceOptions) {
    const outs = { workflows: undefined, targets: undefined, patchedWorkflowSids: undefined };
    super(
      workflowsProvider,
      name,
      { ...args, providerVersion: PROVIDER_VERSION, ...outs },
      opts,
      "twilio",
      "WorkflowsFilterPatch",
    );
  }
}

export { workflowsProvider as workflowsFilterPatchProvider };
