// Standard API key (`/2010-04-01/Accounts/{ac}/Keys`). Twilio returns the secret once, on
// create; it lives only in state as a Pulumi secret (`additionalSecretOutputs`). Nothing about a
// key can be updated but its name, so there is nothing else to diff.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, diffProperties, readOrGone } from "./client";

const PROVIDER_VERSION = "1";

export interface ApiKeyArgs {
  friendlyName: pulumi.Input<string>;
}

interface ResolvedInputs {
  friendlyName: string;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
  /** Shown once by Twilio; encrypted in state. */
  secret: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    return { inputs: news };
  },

  async create(inputs: ResolvedInputs) {
    const key = await callApi(`create API Key "${inputs.friendlyName}"`, (client) =>
      client.newKeys.create({ friendlyName: inputs.friendlyName }),
    );
    return { id: key.sid, outs: { ...inputs, sid: key.sid, secret: key.secret } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const key = await callApi(`fetch API Key ${id}`, (client) => client.keys(id).fetch());
      // The secret cannot be read back: keep the one from create.
      return { id, props: { ...props, friendlyName: key.friendlyName } satisfies ResolvedOutputs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return diffProperties(olds, news, { update: ["friendlyName"] });
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    if (olds.friendlyName !== news.friendlyName) {
      await callApi(`update API Key ${id}`, (client) => client.keys(id).update({ friendlyName: news.friendlyName }));
    }
    return { outs: { ...news, sid: id, secret: olds.secret } satisfies ResolvedOutputs };
  },

  async delete(id) {
    // Revokes the key: the functions' Sync tokens stop working, as they should once the stack is gone.
    await callApi(`delete API Key ${id}`, (client) => client.keys(id).remove());
  },
};

/** An API key; `secret` is a Pulumi secret. */
export class ApiKey extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly secret: pulumi.Output<string>;

  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    const secretOpts = pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secret"] });
    const props = { ...args, providerVersion: PROVIDER_VERSION, sid: undefined, secret: undefined };
    super(provider, name, props, secretOpts, "twilio", "ApiKey");
  }
}

export { provider as apiKeyProvider };
