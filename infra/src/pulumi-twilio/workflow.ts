// TaskRouter Workflow (`/v1/Workspaces/{ws}/Workflows`). The configuration is typed (vocabulary) and sent
// as JSON; diff compares it canonically (key order and whitespace never count as a change,
// pitfall 2). The parent workspace cannot change in place: a new one replaces the workflow.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, isNotFound, valueChanged } from "./client";
// The configuration document is typed once, in the vocabulary (the twin evaluates the same type).
import type { WorkflowConfiguration } from "@flex-call-recovery/vocabulary";

const PROVIDER_VERSION = "1";

export type { WorkflowConfiguration, WorkflowFilter, WorkflowTarget } from "@flex-call-recovery/vocabulary";

export interface WorkflowArgs {
  workspaceSid: pulumi.Input<string>;
  friendlyName: pulumi.Input<string>;
  configuration: pulumi.Input<WorkflowConfiguration>;
  /** Seconds a worker has to accept a reservation (Twilio default 120, max 86,400). */
  taskReservationTimeout: pulumi.Input<number>;
}

interface ResolvedInputs {
  workspaceSid: string;
  friendlyName: string;
  configuration: WorkflowConfiguration;
  taskReservationTimeout: number;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const timeout = news.taskReservationTimeout;
    // A number here, or the unknown sentinel string during preview (left alone).
    if (typeof timeout === "number" && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 86400)) {
      failures.push({ property: "taskReservationTimeout", reason: `must be 1..86400 seconds, got ${timeout}` });
    }
    return { inputs: news, failures };
  },

  async create(inputs: ResolvedInputs) {
    const workflow = await callApi(`create Workflow "${inputs.friendlyName}"`, (client) =>
      client.taskrouter.v1.workspaces(inputs.workspaceSid).workflows.create({
        friendlyName: inputs.friendlyName,
        configuration: JSON.stringify(inputs.configuration),
        taskReservationTimeout: inputs.taskReservationTimeout,
      }),
    );
    return { id: workflow.sid, outs: { ...inputs, sid: workflow.sid } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    try {
      const workflow = await callApi(`fetch Workflow ${id}`, (client) =>
        client.taskrouter.v1.workspaces(props.workspaceSid).workflows(id).fetch(),
      );
      const outs = {
        workspaceSid: workflow.workspaceSid,
        friendlyName: workflow.friendlyName,
        configuration: JSON.parse(workflow.configuration) as WorkflowConfiguration,
        taskReservationTimeout: workflow.taskReservationTimeout,
        providerVersion: props.providerVersion,
        sid: workflow.sid,
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const replaces = valueChanged(olds.workspaceSid, news.workspaceSid) ? ["workspaceSid"] : [];
    const updates = (["friendlyName", "configuration", "taskReservationTimeout", "providerVersion"] as const).filter(
      (key) => valueChanged(olds[key], news[key]),
    );
    return { changes: replaces.length + updates.length > 0, replaces };
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const same =
      !valueChanged(olds.friendlyName, news.friendlyName) &&
      !valueChanged(olds.configuration, news.configuration) &&
      !valueChanged(olds.taskReservationTimeout, news.taskReservationTimeout);
    if (!same) {
      await callApi(`update Workflow ${id}`, (client) =>
        client.taskrouter.v1
          .workspaces(news.workspaceSid)
          .workflows(id)
          .update({
            friendlyName: news.friendlyName,
            configuration: JSON.stringify(news.configuration),
            taskReservationTimeout: news.taskReservationTimeout,
          }),
      );
    }
    return { outs: { ...news, sid: id } satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    await callApi(`delete Workflow ${id}`, (client) =>
      client.taskrouter.v1.workspaces(props.workspaceSid).workflows(id).remove(),
    );
  },
};

/** A Workflow the stack owns. */
export class Workflow extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly configuration: pulumi.Output<WorkflowConfiguration>;
  declare readonly taskReservationTimeout: pulumi.Output<number>;

  constructor(name: string, args: WorkflowArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, providerVersion: PROVIDER_VERSION, sid: undefined }, opts, "twilio", "Workflow");
  }
}

export { provider as workflowProvider };
