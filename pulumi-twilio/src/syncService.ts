// Sync service (`/v1/Services` on sync.twilio.com). Created with ACLs on (the functions mint
// per-agent tokens and grant read access per document), or adopted by SID — an adopted service
// (e.g. the account's Default Service) is read, never written, never deleted.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, containsUnknown, diffProperties, readOrGone } from "./client";

const PROVIDER_VERSION = "2";

export interface SyncServiceArgs {
  /** Adopt this existing service instead of creating one. */
  adoptSid: pulumi.Input<string | null>;
  friendlyName: pulumi.Input<string>;
  aclEnabled: pulumi.Input<boolean>;
}

interface ResolvedInputs {
  adoptSid: string | null;
  friendlyName: string;
  aclEnabled: boolean;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
  adopted: boolean;
  /** What Twilio reports; for an adopted service it may differ from the input. */
  actualAclEnabled: boolean;
}

/**
 * The functions' Sync tokens grant the whole service and rely on per-document ACLs to confine an
 * agent to the recoveries it may see. With ACLs off every agent could read and write every
 * recovery document, so an adopted service must have them on.
 */
function adoptedAclProblem(sid: string, aclEnabled: boolean): string | null {
  if (aclEnabled) return null;
  return (
    `adopted Sync Service ${sid} has ACLs off (acl_enabled=false): any agent's Sync token could read and write ` +
    `every recovery document. Enable ACLs on it (POST /v1/Services/${sid} AclEnabled=true, or the console's ` +
    `"ACL enabled"), or unset flex-call-recovery:syncServiceSid so the stack creates its own service with ACLs on`
  );
}

async function fetchAdopted(sid: string) {
  const svc = await callApi(`fetch Sync Service ${sid}`, (client) => client.sync.v1.services(sid).fetch());
  const problem = adoptedAclProblem(sid, svc.aclEnabled);
  if (problem) throw new Error(problem);
  return svc;
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    const adoptSid = news.adoptSid ?? null;
    // A read, not a write: preview already tells the user the adopted service is unfit.
    if (adoptSid && !containsUnknown(adoptSid)) {
      try {
        await fetchAdopted(adoptSid);
      } catch (err) {
        return { inputs: { ...news, adoptSid }, failures: [{ property: "adoptSid", reason: (err as Error).message }] };
      }
    }
    return { inputs: { ...news, adoptSid } };
  },

  async create(inputs: ResolvedInputs) {
    if (inputs.adoptSid) {
      const svc = await fetchAdopted(inputs.adoptSid);
      const outs = { ...inputs, sid: svc.sid, adopted: true, actualAclEnabled: svc.aclEnabled };
      return { id: svc.sid, outs: outs satisfies ResolvedOutputs };
    }
    // ACLs on: an agent's token (minted by the functions) reads only the documents granted to it.
    const svc = await callApi(`create Sync Service "${inputs.friendlyName}"`, (client) =>
      client.sync.v1.services.create({ friendlyName: inputs.friendlyName, aclEnabled: inputs.aclEnabled }),
    );
    const outs = { ...inputs, sid: svc.sid, adopted: false, actualAclEnabled: svc.aclEnabled };
    return { id: svc.sid, outs: outs satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const svc = await callApi(`fetch Sync Service ${id}`, (client) => client.sync.v1.services(id).fetch());
      // Refresh catches ACLs switched off on an adopted service since it was adopted.
      const problem = props.adopted ? adoptedAclProblem(id, svc.aclEnabled) : null;
      if (problem) throw new Error(problem);
      const outs = props.adopted
        ? { ...props, actualAclEnabled: svc.aclEnabled }
        : { ...props, friendlyName: svc.friendlyName, aclEnabled: svc.aclEnabled, actualAclEnabled: svc.aclEnabled };
      return { id, props: outs satisfies ResolvedOutputs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Switching between adopting and creating (or another adopted SID) is another service.
    // An adopted service is never written: only its SID counts.
    return diffProperties(olds, news, {
      replace: ["adoptSid"],
      update: news.adoptSid ? [] : ["friendlyName", "aclEnabled"],
    });
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    if (olds.adopted) return { outs: { ...olds, providerVersion: news.providerVersion } satisfies ResolvedOutputs };
    if (olds.friendlyName !== news.friendlyName || olds.aclEnabled !== news.aclEnabled) {
      await callApi(`update Sync Service ${id}`, (client) =>
        client.sync.v1.services(id).update({ friendlyName: news.friendlyName, aclEnabled: news.aclEnabled }),
      );
    }
    const outs = { ...news, sid: id, adopted: false, actualAclEnabled: news.aclEnabled };
    return { outs: outs satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    if (props.adopted) return; // not ours to delete
    await callApi(`delete Sync Service ${id}`, (client) => client.sync.v1.services(id).remove());
  },
};

/** The Sync service holding one recovery document per conference. */
export class SyncService extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly actualAclEnabled: pulumi.Output<boolean>;

  constructor(name: string, args: SyncServiceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, sid: undefined, adopted: undefined };
    super(provider, name, { ...props, actualAclEnabled: undefined }, opts, "twilio", "SyncService");
  }
}

export { provider as syncServiceProvider };
