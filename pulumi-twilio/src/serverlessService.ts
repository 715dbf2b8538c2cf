// A Twilio Serverless service (`/v1/Services` on serverless.twilio.com), on its own so it is in
// state before anything is built into it: a deploy that fails half-way leaves a service the next
// `pulumi up` already knows. Unique names are account-wide; the friendly name carries `owner`
// (e.g. `<project>/<stack>`), so a create that finds the unique name taken can tell apart
//  - this stack's own service, made by a run that died before recording it: taken back;
//  - another stack's service: a clear error naming that stack;
//  - one made by hand (`twilio serverless:deploy`): adopted when allowed, else a clear error.
import * as pulumi from "@pulumi/pulumi";
import {
  type AdoptionArgs,
  type AdoptionInputs,
  type AdoptionOutputs,
  mayDelete,
  takenNameError,
  withAdoptionDefaults,
} from "./adoption";
import { callApi, configureCredentials, diffProperties, isNotFound, readOrGone } from "./client";

const PROVIDER_VERSION = "1";

export interface ServerlessServiceArgs extends AdoptionArgs {
  /** The service's unique name (part of every environment's domain). */
  uniqueName: pulumi.Input<string>;
  /** Who owns it, written into the friendly name (`<uniqueName> (<owner>)`), e.g. `project/stack`. */
  owner: pulumi.Input<string>;
}

interface ResolvedInputs extends AdoptionInputs {
  uniqueName: string;
  owner: string;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs, AdoptionOutputs {
  friendlyName: string;
}

const friendlyNameOf = (inputs: { uniqueName: string; owner: string }) => `${inputs.uniqueName} (${inputs.owner})`;
/** The owner written in a friendly name by this provider, or null (made some other way). */
const ownerIn = (friendlyName: string, uniqueName: string) =>
  friendlyName.startsWith(`${uniqueName} (`) && friendlyName.endsWith(")")
    ? friendlyName.slice(uniqueName.length + 2, -1)
    : null;

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    return { inputs: withAdoptionDefaults(news) };
  },

  async create(inputs: ResolvedInputs) {
    const friendlyName = friendlyNameOf(inputs);
    // Fetch by unique name (Twilio accepts it in place of the SID); 404 means free.
    const existing = await callApi(`look up Serverless Service "${inputs.uniqueName}"`, async (client) => {
      try {
        return await client.serverless.v1.services(inputs.uniqueName).fetch();
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
    if (existing) {
      const owner = ownerIn(existing.friendlyName, inputs.uniqueName);
      if (owner === inputs.owner) {
        return { id: existing.sid, outs: { ...inputs, sid: existing.sid, friendlyName, adopted: false } };
      }
      if (owner !== null) {
        throw new Error(
          `Serverless Service "${inputs.uniqueName}" (${existing.sid}) belongs to ${owner}, not ${inputs.owner}: ` +
            "give this stack another service name, or destroy the other stack first",
        );
      }
      if (!inputs.adopt) throw takenNameError("Serverless Service", inputs.uniqueName, existing.sid, "this account");
      await callApi(`update adopted Serverless Service ${existing.sid}`, (client) =>
        client.serverless.v1.services(existing.sid).update({ friendlyName, includeCredentials: true }),
      );
      return { id: existing.sid, outs: { ...inputs, sid: existing.sid, friendlyName, adopted: true } };
    }
    // Credentials on: the functions call Twilio with context.getTwilioClient().
    const svc = await callApi(`create Serverless Service "${inputs.uniqueName}"`, (client) =>
      client.serverless.v1.services.create({ uniqueName: inputs.uniqueName, friendlyName, includeCredentials: true }),
    );
    return { id: svc.sid, outs: { ...inputs, sid: svc.sid, friendlyName, adopted: false } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const svc = await callApi(`fetch Serverless Service ${id}`, (client) =>
        client.serverless.v1.services(id).fetch(),
      );
      return { id, props: { ...props, uniqueName: svc.uniqueName, friendlyName: svc.friendlyName } };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return diffProperties(olds, news, {
      replace: ["uniqueName"],
      update: ["owner", "adopt", "adoptedOnDelete"],
      also: olds.friendlyName !== friendlyNameOf(news),
      // The unique name is taken until the old service is gone.
      deleteBeforeReplace: true,
    });
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const friendlyName = friendlyNameOf(news);
    if (olds.friendlyName !== friendlyName) {
      await callApi(`update Serverless Service ${id}`, (client) =>
        client.serverless.v1.services(id).update({ friendlyName }),
      );
    }
    return { outs: { ...news, sid: id, friendlyName, adopted: olds.adopted } satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    if (!mayDelete(props)) return;
    try {
      await callApi(`delete Serverless Service ${id}`, (client) => client.serverless.v1.services(id).remove());
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

/** A Serverless service the stack owns (created, taken back after a failed run, or adopted). */
export class ServerlessService extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: ServerlessServiceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, sid: undefined, friendlyName: undefined };
    super(provider, name, { ...props, adopted: undefined }, opts, "twilio", "ServerlessService");
  }
}

export { provider as serverlessServiceProvider };
