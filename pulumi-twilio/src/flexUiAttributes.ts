// One key of the Flex configuration's `ui_attributes` (`/v1/Configuration` on flex-api). The
// configuration is Flex's and adopted: create merges our value under `key` and remembers what
// was there, delete puts that back (or leaves the key out); every other attribute is written back
// as read (a read-modify-write, see `writeKey`).
import * as pulumi from "@pulumi/pulumi";
import { callApi, canonicalJson, configureCredentials, diffProperties } from "./client";

const PROVIDER_VERSION = "1";

export interface FlexUiAttributeArgs {
  key: pulumi.Input<string>;
  value: pulumi.Input<Record<string, unknown>>;
}

interface ResolvedInputs {
  key: string;
  value: Record<string, unknown>;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  /** The value under `key` before the stack first wrote it (null: the key did not exist). */
  previous: unknown;
}

async function readUiAttributes(): Promise<{ accountSid: string; ui: Record<string, unknown> }> {
  const config = await callApi("fetch Flex Configuration", (client) => client.flexApi.v1.configuration().fetch());
  return { accountSid: config.accountSid, ui: (config.uiAttributes ?? {}) as Record<string, unknown> };
}

/**
 * Sets `key` to `value`, or with `value` null removes it; writes only when the meaning changes.
 * Flex replaces `ui_attributes` as a whole on update ("is completely replaced by the JSON object
 * that you provide", https://www.twilio.com/docs/flex/developer/config), so the object is sent
 * back as read with only our key changed: a removed key is left out, never written as null.
 */
async function writeKey(key: string, value: unknown): Promise<void> {
  const { accountSid, ui } = await readUiAttributes();
  // A removal also clears a key left holding null (what an earlier removal that nulled it left).
  if (value === null ? !(key in ui) : canonicalJson(ui[key]) === canonicalJson(value)) return;
  const next = { ...ui };
  if (value === null) delete next[key];
  else next[key] = value;
  await callApi(`update Flex Configuration ui_attributes.${key}`, (client) =>
    client.flexApi.v1.configuration().update({ account_sid: accountSid, ui_attributes: next }),
  );
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    return { inputs: news };
  },

  async create(inputs: ResolvedInputs) {
    const { ui } = await readUiAttributes();
    const previous = ui[inputs.key] ?? null;
    await writeKey(inputs.key, inputs.value);
    return { id: `ui_attributes.${inputs.key}`, outs: { ...inputs, previous } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    const { ui } = await readUiAttributes();
    // Drift: an edit of our key elsewhere shows as a changed value (an empty object if removed).
    const current = (ui[props.key] ?? {}) as Record<string, unknown>; // null (removed) reads as {}
    return { id, props: { ...props, value: current } satisfies ResolvedOutputs };
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Replacing the key: restore the old key before writing the new one.
    return diffProperties(olds, news, { replace: ["key"], update: ["value"], deleteBeforeReplace: true });
  },

  async update(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    await writeKey(news.key, news.value);
    return { outs: { ...news, previous: olds.previous } satisfies ResolvedOutputs };
  },

  async delete(_id, props: ResolvedOutputs) {
    await writeKey(props.key, props.previous ?? null);
  },
};

/** Our plugin's runtime settings in Flex's `ui_attributes[key]`, reverted on destroy. */
export class FlexUiAttribute extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<Record<string, unknown>>;
  declare readonly previous: pulumi.Output<unknown>;

  constructor(name: string, args: FlexUiAttributeArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, providerVersion: PROVIDER_VERSION, previous: undefined };
    super(provider, name, props, opts, "twilio", "FlexUiAttribute");
  }
}

export { provider as flexUiAttributeProvider };
