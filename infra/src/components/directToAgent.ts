// "Direct to agent": the filter that sends a reconnect task back to the agent it names, first in
// each voice workflow. One resource whichever way the workflows are chosen, so changing the
// choice is an update that never leaves a targeted workflow without the filter.
import * as pulumi from "@pulumi/pulumi";
import { WorkflowsFilterPatch } from "pulumi-twilio";
import { directToAgentFilter } from "@flex-call-recovery/vocabulary";

export interface DirectToAgentArgs {
  workspaceSid: pulumi.Input<string>;
  /** The ping queue (`1 == 1`): it holds every agent, so the named agent is always a member. */
  queueSid: pulumi.Input<string>;
  /** Voice workflows to patch; null: the Flex configuration's target workflow. */
  voiceWorkflowSids: string[] | null;
}

export class DirectToAgent extends pulumi.ComponentResource {
  public readonly patchedWorkflowSids: pulumi.Output<string[]>;

  constructor(name: string, args: DirectToAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flex-call-recovery:index:DirectToAgent", name, {}, opts);
    const patch = new WorkflowsFilterPatch(
      `${name}-filter`,
      {
        workspaceSid: args.workspaceSid,
        workflowSids: args.voiceWorkflowSids,
        filter: pulumi.output(args.queueSid).apply(directToAgentFilter),
      },
      { parent: this },
    );
    this.patchedWorkflowSids = patch.patchedWorkflowSids;
    this.registerOutputs({ patchedWorkflowSids: this.patchedWorkflowSids });
  }
}
