// TaskRouter TaskQueue (`/v1/Workspaces/{ws}/TaskQueues`). The parent workspace cannot change
// in place, so a new workspace SID replaces the queue; name and expression update in place.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, isNotFound, valueChanged } from "./client";

/** Bump when the provider's behaviour changes, so stacks roll the change out (pitfall: code is not diffed). */
const PROVIDER_VERSION = "1";

export interface TaskQueueArgs {
  workspaceSid: pulumi.Input<string>;
  friendlyName: pulumi.Input<string>;
  /** TaskRouter expression selecting the workers the queue may reserve. */
  targetWorkers: pulumi.Input<string>;
}

interface ResolvedInputs {
  workspaceSid: string;
  friendlyName: string;
  targetWorkers: string;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    // Twilio validates the expression itself; during preview values may be unknown, so no parsing here.
    return { inputs: news };
  },

  async create(inputs: ResolvedInputs) {
    const queue = await callApi(`create TaskQueue "${inputs.friendlyName}"`, (client) =>
      client.taskrouter.v1
        .workspaces(inputs.workspaceSid)
        .taskQueues.create({ friendlyName: inputs.friendlyName, targetWorkers: inputs.targetWorkers }),
    );
    const outs = { ...inputs, sid: queue.sid } satisfies ResolvedOutputs;
    return { id: queue.sid, outs };
  },

  async read(id, props: ResolvedOutputs) {
    // What Twilio has, not what we last sent: `pulumi refresh` shows edits made in the console.
    try {
      const queue = await callApi(`fetch TaskQueue ${id}`, (client) =>
        client.taskrouter.v1.workspaces(props.workspaceSid).taskQueues(id).fetch(),
      );
      const outs = {
        workspaceSid: queue.workspaceSid,
        friendlyName: queue.friendlyName,
        targetWorkers: queue.targetWorkers,
        providerVersion: props.providerVersion,
        sid: queue.sid,
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    } catch (err) {
      // Deleted out of band: an empty read tells Pulumi the resource is gone.
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const replaces = valueChanged(olds.workspaceSid, news.workspaceSid) ? ["workspaceSid"] : [];
    const updates = (["friendlyName", "targetWorkers", "providerVersion"] as const).filter((key) =>
      valueChanged(olds[key], news[key]),
    );
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // A provider-version bump alone writes nothing.
    if (olds.friendlyName !== news.friendlyName || olds.targetWorkers !== news.targetWorkers) {
      await callApi(`update TaskQueue ${id}`, (client) =>
        client.taskrouter.v1
          .workspaces(news.workspaceSid)
          .taskQueues(id)
          .update({ friendlyName: news.friendlyName, targetWorkers: news.targetWorkers }),
      );
    }
    return { outs: { ...news, sid: id } satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    // Twilio refuses while tasks are still queued; the error names the queue and the status.
    await callApi(`delete TaskQueue ${id}`, (client) =>
      client.taskrouter.v1.workspaces(props.workspaceSid).taskQueues(id).remove(),
    );
  },
};

/** A TaskQueue the stack owns (created, updated and deleted by it). */
export class TaskQueue extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly workspaceSid: pulumi.Output<string>;
  declare readonly friendlyName: pulumi.Output<string>;
  declare readonly targetWorkers: pulumi.Output<string>;

  constructor(name: string, args: TaskQueueArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, providerVersion: PROVIDER_VERSION, sid: undefined }, opts, "twilio", "TaskQueue");
  }
}

export { provider as taskQueueProvider };
