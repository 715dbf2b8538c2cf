// TaskRouter Workflow (`/v1/Workspaces/{ws}/Workflows`). The configuration is typed (vocabulary) and sent
// as JSON; diff compares it canonically (key order and whitespace never count as a change).
// The parent workspace cannot change in place: a new one replaces the workflow.
import * as pulumi from "@pulumi/pulumi";
import {
  type AdoptionArgs,
  type AdoptionInputs,
  type AdoptionOutputs,
  adoptableByName,
  mayDelete,
  withAdoptionDefaults,
} from "./adoption";
import { callApi, configureCredentials, diffProperties, readOrGone, valueChanged } from "./client";
// The configuration document is typed once, in the vocabulary (the twin evaluates the same type).
import type { WorkflowConfiguration } from "@flex-call-recovery/vocabulary";

const PROVIDER_VERSION = "2";

export type { WorkflowConfiguration, WorkflowFilter, WorkflowTarget } from "@flex-call-recovery/vocabulary";

export interface WorkflowArgs extends AdoptionArgs {
  workspaceSid: pulumi.Input<string>;
  friendlyName: pulumi.Input<string>;
  configuration: pulumi.Input<WorkflowConfiguration>;
  /** Seconds a worker has to accept a reservation (Twilio default 120, max 86,400). */
  taskReservationTimeout: pulumi.Input<number>;
}

interface ResolvedInputs extends AdoptionInputs {
  workspaceSid: string;
  friendlyName: string;
  configuration: WorkflowConfiguration;
  taskReservationTimeout: number;
  providerVersion: string;
}

type ResolvedOutputs = ResolvedInputs & AdoptionOutputs;

function workflowsOf(workspaceSid: string) {
  return (client: import("twilio").Twilio) => client.taskrouter.v1.workspaces(workspaceSid).workflows;
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
    return { inputs: withAdoptionDefaults(news), failures };
  },

  async create(inputs: ResolvedInputs) {
    const workflows = workflowsOf(inputs.workspaceSid);
    // Twilio keeps workflow names unique per workspace too: look first, adopt or fail clearly.
    const existing = await adoptableByName("Workflow", inputs, (client) =>
      workflows(client).list({ friendlyName: inputs.friendlyName }),
    );
    if (existing) {
      const same =
        !valueChanged(JSON.parse(existing.configuration), inputs.configuration) &&
        existing.taskReservationTimeout === inputs.taskReservationTimeout;
      // One update brings it to the declared routing: no moment without a Recovery Ping workflow.
      if (!same) {
        await callApi(`update adopted Workflow ${existing.sid}`, (client) =>
          workflows(client)
            .get(existing.sid)
            .update({
              configuration: JSON.stringify(inputs.configuration),
              taskReservationTimeout: inputs.taskReservationTimeout,
            }),
        );
      }
      return { id: existing.sid, outs: { ...inputs, sid: existing.sid, adopted: true } satisfies ResolvedOutputs };
    }
    const workflow = await callApi(`create Workflow "${inputs.friendlyName}"`, (client) =>
      workflows(client).create({
        friendlyName: inputs.friendlyName,
        configuration: JSON.stringify(inputs.configuration),
        taskReservationTimeout: inputs.taskReservationTimeout,
      }),
    );
    return { id: workflow.sid, outs: { ...inputs, sid: workflow.sid, adopted: false } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const workflow = await callApi(`fetch Workflow ${id}`, (client) =>
        workflowsOf(props.workspaceSid)(client).get(id).fetch(),
      );
      const outs = {
        ...props,
        workspaceSid: workflow.workspaceSid,
        friendlyName: workflow.friendlyName,
        configuration: JSON.parse(workflow.configuration) as WorkflowConfiguration,
        taskReservationTimeout: workflow.taskReservationTimeout,
        sid: workflow.sid,
        adopted: props.adopted ?? false,
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return diffProperties(olds, news, {
      replace: ["workspaceSid"],
      update: ["friendlyName", "configuration", "taskReservationTimeout", "adopt", "adoptedOnDelete"],
    });
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
    return { outs: { ...news, sid: id, adopted: olds.adopted ?? false } satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    if (!mayDelete(props)) return;
    await callApi(`delete Workflow ${id}`, (client) =>
      client.taskrouter.v1.workspaces(props.workspaceSid).workflows(id).remove(),
    );
  },
};

/** A Workflow the stack owns (created, or adopted by name). */
export class Workflow extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly configuration: pulumi.Output<WorkflowConfiguration>;
  declare readonly taskReservationTimeout: pulumi.Output<number>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: WorkflowArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, sid: undefined, adopted: undefined };
    super(provider, name, props, opts, "twilio", "Workflow");
  }
}

export { provider as workflowProvider };
