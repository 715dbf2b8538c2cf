// Ping routing: the Flex workspace (adopted), the "Recovery Ping" TaskQueue (`1 == 1`, every
// worker) and the "Recovery Ping" Workflow that offers a ping only to the agent who dropped.
import * as pulumi from "@pulumi/pulumi";
import {
  pingWorkflowConfiguration,
  RECOVERY_PING_QUEUE_NAME,
  RECOVERY_PING_QUEUE_TARGET_WORKERS,
  RECOVERY_PING_WORKFLOW_NAME,
} from "@flex-call-recovery/vocabulary";
import { type AdoptedOnDelete, TaskQueue, Workflow, Workspace } from "pulumi-twilio";

export interface PingRoutingArgs {
  /** Adopt this workspace; null: the one the Flex configuration names. */
  workspaceSid: pulumi.Input<string | null>;
  pingReservationTimeoutSeconds: pulumi.Input<number>;
  /** Take over a queue/workflow of the same name (a manual set-up) instead of failing. */
  adopt: pulumi.Input<boolean>;
  adoptedOnDelete: pulumi.Input<AdoptedOnDelete>;
}

export class PingRouting extends pulumi.ComponentResource {
  public readonly workspaceSid: pulumi.Output<string>;
  public readonly queueSid: pulumi.Output<string>;
  public readonly workflowSid: pulumi.Output<string>;

  constructor(name: string, args: PingRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flex-call-recovery:index:PingRouting", name, {}, opts);
    const adoption = { adopt: args.adopt, adoptedOnDelete: args.adoptedOnDelete };

    // Flex's own workspace: read only. retainOnDelete makes sure no future provider version could remove it.
    const workspace = new Workspace(
      `${name}-workspace`,
      { workspaceSid: args.workspaceSid },
      { parent: this, retainOnDelete: true },
    );

    const queue = new TaskQueue(
      `${name}-queue`,
      {
        workspaceSid: workspace.sid,
        friendlyName: RECOVERY_PING_QUEUE_NAME,
        targetWorkers: RECOVERY_PING_QUEUE_TARGET_WORKERS,
        ...adoption,
      },
      { parent: this },
    );

    const workflow = new Workflow(
      `${name}-workflow`,
      {
        workspaceSid: workspace.sid,
        friendlyName: RECOVERY_PING_WORKFLOW_NAME,
        configuration: queue.sid.apply(pingWorkflowConfiguration),
        taskReservationTimeout: args.pingReservationTimeoutSeconds,
        ...adoption,
      },
      { parent: this },
    );

    this.workspaceSid = workspace.sid;
    this.queueSid = queue.sid;
    this.workflowSid = workflow.sid;
    this.registerOutputs({ workspaceSid: this.workspaceSid, queueSid: this.queueSid, workflowSid: this.workflowSid });
  }
}
