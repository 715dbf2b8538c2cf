// The Flex workspace, adopted: Flex created it and owns it, so this resource only looks it up
// (by SID, or by exact name, paging through every workspace) and never writes or deletes it.
// The lookup runs in the provider, never while the program is evaluated (pitfall 4).
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, isNotFound, valueChanged } from "./client";

const PROVIDER_VERSION = "1";

export interface WorkspaceArgs {
  /** Adopt this workspace; when null, find the one named `friendlyName`. */
  workspaceSid: pulumi.Input<string | null>;
  friendlyName: pulumi.Input<string>;
}

interface ResolvedInputs {
  workspaceSid: string | null;
  friendlyName: string;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
  /** The name Twilio reports (may differ from `friendlyName` when adopted by SID). */
  actualFriendlyName: string;
}

async function lookUp(inputs: ResolvedInputs): Promise<{ sid: string; friendlyName: string }> {
  if (inputs.workspaceSid) {
    const ws = await callApi(`fetch Workspace ${inputs.workspaceSid}`, (client) =>
      client.taskrouter.v1.workspaces(inputs.workspaceSid as string).fetch(),
    );
    return { sid: ws.sid, friendlyName: ws.friendlyName };
  }
  // list() without a limit follows next_page_url to the last page.
  const all = await callApi("list Workspaces", (client) => client.taskrouter.v1.workspaces.list());
  const matches = all.filter((ws) => ws.friendlyName === inputs.friendlyName);
  if (matches.length !== 1) {
    throw new Error(
      `look up Workspace "${inputs.friendlyName}": found ${matches.length} of ${all.length} workspaces with that name; ` +
        "set flex-call-recovery:workspaceSid to choose one",
    );
  }
  return { sid: matches[0].sid, friendlyName: matches[0].friendlyName };
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    return { inputs: { ...news, workspaceSid: news.workspaceSid ?? null } };
  },

  async create(inputs: ResolvedInputs) {
    const ws = await lookUp(inputs);
    const outs = { ...inputs, sid: ws.sid, actualFriendlyName: ws.friendlyName } satisfies ResolvedOutputs;
    return { id: ws.sid, outs };
  },

  async read(id, props: ResolvedOutputs) {
    try {
      const ws = await lookUp({ ...props, workspaceSid: id });
      return { id, props: { ...props, sid: ws.sid, actualFriendlyName: ws.friendlyName } satisfies ResolvedOutputs };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Another SID or name means another workspace: a new lookup (no write either way).
    const replaces = (["workspaceSid", "friendlyName"] as const).filter((k) => valueChanged(olds[k], news[k]));
    const changes = replaces.length > 0 || valueChanged(olds.providerVersion, news.providerVersion);
    return { changes, replaces };
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
