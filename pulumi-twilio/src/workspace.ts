// The Flex workspace, adopted: Flex created it and owns it, so this resource only looks it up and
// never writes or deletes it. Without a SID it is the workspace Flex itself routes to: the Flex
// configuration's `taskrouter_workspace_sid`
// (https://www.twilio.com/docs/flex/developer/config/flex-configuration-rest-api), never a name
// (any workspace can be renamed "Flex Task Assignment"). The lookup runs in the provider, never
// while the program is evaluated.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, diffProperties, readOrGone } from "./client";

const PROVIDER_VERSION = "2";

export interface WorkspaceArgs {
  /** Adopt this workspace; when null, the one the Flex configuration names. */
  workspaceSid: pulumi.Input<string | null>;
}

interface ResolvedInputs {
  workspaceSid: string | null;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
  /** The name Twilio reports. */
  actualFriendlyName: string;
}

async function flexWorkspaceSid(): Promise<string> {
  const config = await callApi("fetch Flex Configuration", (client) => client.flexApi.v1.configuration().fetch());
  if (!config.taskrouterWorkspaceSid) {
    throw new Error(
      "the Flex configuration names no TaskRouter workspace (taskrouter_workspace_sid is empty): is Flex set up on " +
        "this account? Set the workspace SID explicitly to use another one",
    );
  }
  return config.taskrouterWorkspaceSid;
}

async function lookUp(workspaceSid: string | null): Promise<{ sid: string; friendlyName: string }> {
  const sid = workspaceSid ?? (await flexWorkspaceSid());
  const ws = await callApi(`fetch Workspace ${sid}`, (client) => client.taskrouter.v1.workspaces(sid).fetch());
  return { sid: ws.sid, friendlyName: ws.friendlyName };
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    return { inputs: { ...news, workspaceSid: news.workspaceSid ?? null } };
  },

  async create(inputs: ResolvedInputs) {
    const ws = await lookUp(inputs.workspaceSid);
    const outs = { ...inputs, sid: ws.sid, actualFriendlyName: ws.friendlyName } satisfies ResolvedOutputs;
    return { id: ws.sid, outs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const ws = await lookUp(id);
      return { id, props: { ...props, sid: ws.sid, actualFriendlyName: ws.friendlyName } satisfies ResolvedOutputs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Another SID means another workspace: a new lookup (no write either way).
    return diffProperties(olds, news, { replace: ["workspaceSid"] });
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return { outs: { ...olds, ...news, sid: id } satisfies ResolvedOutputs };
  },

  async delete() {
    // Adopted: the workspace belongs to Flex and outlives the stack.
  },
};

/** The adopted Flex workspace (read-only). */
export class Workspace extends pulumi.dynamic.Resource {
  // `declare`, not `!`: with ES2022 class fields an emitted initializer would overwrite the
  // outputs the base constructor just set.
  declare readonly sid: pulumi.Output<string>;
  declare readonly actualFriendlyName: pulumi.Output<string>;

  constructor(name: string, args: WorkspaceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, sid: undefined, actualFriendlyName: undefined };
    super(provider, name, props, opts, "twilio", "Workspace");
  }
}

export { provider as workspaceProvider };
