// TaskRouter TaskQueue (`/v1/Workspaces/{ws}/TaskQueues`). The parent workspace cannot change
// in place, so a new workspace SID replaces the queue; name and expression update in place. A
// queue of the same name already there (names are unique per workspace) is adopted when allowed.
import * as pulumi from "@pulumi/pulumi";
import {
  type AdoptionArgs,
  type AdoptionInputs,
  type AdoptionOutputs,
  adoptableByName,
  mayDelete,
  withAdoptionDefaults,
} from "./adoption";
import { callApi, configureCredentials, diffProperties, readOrGone } from "./client";

/** Bump when the provider's behaviour changes, so stacks roll the change out (code is not diffed). */
const PROVIDER_VERSION = "2";

export interface TaskQueueArgs extends AdoptionArgs {
  workspaceSid: pulumi.Input<string>;
  friendlyName: pulumi.Input<string>;
  /** TaskRouter expression selecting the workers the queue may reserve. */
  targetWorkers: pulumi.Input<string>;
}

interface ResolvedInputs extends AdoptionInputs {
  workspaceSid: string;
  friendlyName: string;
  targetWorkers: string;
  providerVersion: string;
}

type ResolvedOutputs = ResolvedInputs & AdoptionOutputs;

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    // Twilio validates the expression itself; during preview values may be unknown, so no parsing here.
    return { inputs: withAdoptionDefaults(news) };
  },

  async create(inputs: ResolvedInputs) {
    const queues = queuesOf(inputs.workspaceSid);
    const existing = await adoptableByName("TaskQueue", inputs, (client) =>
      queues(client).list({ friendlyName: inputs.friendlyName }),
    );
    if (existing) {
      // Brought to the declared state in place: the SID (and whatever routes to it) stays.
      if (existing.targetWorkers !== inputs.targetWorkers) {
        await callApi(`update adopted TaskQueue ${existing.sid}`, (client) =>
          queues(client).get(existing.sid).update({ targetWorkers: inputs.targetWorkers }),
        );
      }
      return { id: existing.sid, outs: { ...inputs, sid: existing.sid, adopted: true } satisfies ResolvedOutputs };
    }
    const queue = await callApi(`create TaskQueue "${inputs.friendlyName}"`, (client) =>
      queues(client).create({ friendlyName: inputs.friendlyName, targetWorkers: inputs.targetWorkers }),
    );
    return { id: queue.sid, outs: { ...inputs, sid: queue.sid, adopted: false } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    // What Twilio has, not what we last sent: `pulumi refresh` shows edits made in the console.
    return readOrGone(async () => {
      const queue = await callApi(`fetch TaskQueue ${id}`, (client) =>
        queuesOf(props.workspaceSid)(client).get(id).fetch(),
      );
      const outs = {
        ...props,
        workspaceSid: queue.workspaceSid,
        friendlyName: queue.friendlyName,
        targetWorkers: queue.targetWorkers,
        sid: queue.sid,
        adopted: props.adopted ?? false,
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return diffProperties(olds, news, {
      replace: ["workspaceSid"],
      update: ["friendlyName", "targetWorkers", "adopt", "adoptedOnDelete"],
    });
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // A provider-version or adoption-setting change alone writes nothing.
    if (olds.friendlyName !== news.friendlyName || olds.targetWorkers !== news.targetWorkers) {
      await callApi(`update TaskQueue ${id}`, (client) =>
        queuesOf(news.workspaceSid)(client)
          .get(id)
          .update({ friendlyName: news.friendlyName, targetWorkers: news.targetWorkers }),
      );
    }
    return { outs: { ...news, sid: id, adopted: olds.adopted ?? false } satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    if (!mayDelete(props)) return;
    // Twilio refuses while tasks are still queued; the error names the queue and the status.
    await callApi(`delete TaskQueue ${id}`, (client) => queuesOf(props.workspaceSid)(client).get(id).remove());
  },
};

/** The workspace's TaskQueues list of a client. */
function queuesOf(workspaceSid: string) {
  return (client: import("twilio").Twilio) => client.taskrouter.v1.workspaces(workspaceSid).taskQueues;
}

/** A TaskQueue the stack owns (created, or adopted by name, then updated and deleted by it). */
export class TaskQueue extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly workspaceSid: pulumi.Output<string>;
  declare readonly friendlyName: pulumi.Output<string>;
  declare readonly targetWorkers: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: TaskQueueArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, sid: undefined, adopted: undefined };
    super(provider, name, props, opts, "twilio", "TaskQueue");
  }
}

export { provider as taskQueueProvider };
