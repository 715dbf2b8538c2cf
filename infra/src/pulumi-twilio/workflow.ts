// TaskRouter Workflow (`/v1/Workspaces/{ws}/Workflows`). The configuration is typed here and sent
// as JSON; diff compares it canonically (key order and whitespace never count as a change,
// pitfall 2). The parent workspace cannot change in place: a new one replaces the workflow.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, isNotFound, valueChanged } from "./client";

const PROVIDER_VERSION = "1";

/** One routing step of a filter (Twilio's `targets[]`). */
export interface WorkflowTarget {
  queue: string;
  /** Worker expression, evaluated per worker of the queue. */
  expression?: string;
  /** Known Worker routing: a task attribute path holding the worker SID, e.g. `task.x`. */
  known_worker_sid?: string;
  priority?: number;
  timeout?: number;
  /** Twilio's skip_if expression; absent means "do not skip". */
  skip_if?: string;
}

export interface WorkflowFilter {
  filter_friendly_name: string;
  /** Task expression that selects the tasks this filter routes. */
  expression: string;
  targets: WorkflowTarget[];
}

/** Twilio's workflow configuration document. */
export interface WorkflowConfiguration {
  task_routing: {
    filters: WorkflowFilter[];
    default_filter?: { queue: string };
  };
}

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
