// The functions' Serverless service, first of all: its unique name is account-wide and carries
// this stack's mark, so it doubles as the stack's claim on the account. Every other component
// waits for it, so a second stack with the same service name stops here, before it writes
// anything, with an error naming the stack that owns the name.
import * as pulumi from "@pulumi/pulumi";
import { type AdoptedOnDelete, ServerlessService } from "pulumi-twilio";

export interface FunctionsServiceArgs {
  serviceName: pulumi.Input<string>;
  /** Who owns it: `<project>/<stack>`. */
  owner: pulumi.Input<string>;
  adopt: pulumi.Input<boolean>;
  adoptedOnDelete: pulumi.Input<AdoptedOnDelete>;
}

export class FunctionsService extends pulumi.ComponentResource {
  public readonly sid: pulumi.Output<string>;
  public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: FunctionsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flex-call-recovery:index:FunctionsService", name, {}, opts);
    // Its own resource, recorded before anything is built into it: a first deploy that fails
    // half-way is picked up again by the next `pulumi up`.
    const service = new ServerlessService(
      `${name}-service`,
      { uniqueName: args.serviceName, owner: args.owner, adopt: args.adopt, adoptedOnDelete: args.adoptedOnDelete },
      { parent: this },
    );
    this.sid = service.sid;
    this.adopted = service.adopted;
    this.registerOutputs({ sid: this.sid, adopted: this.adopted });
  }
}
