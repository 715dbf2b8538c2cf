// Event Streams subscription (`/v1/Subscriptions`). Twilio cannot move a subscription's event
// types through an update of the subscription itself, so types and the sink force a replace;
// the description updates in place.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, containsUnknown, diffProperties, readOrGone } from "./client";

const PROVIDER_VERSION = "1";

/** One subscribed event type, in Twilio's field names. */
export interface SubscribedEventType {
  type: string;
  schema_version: number;
}

export interface EventSubscriptionArgs {
  description: pulumi.Input<string>;
  sinkSid: pulumi.Input<string>;
  types: pulumi.Input<SubscribedEventType[]>;
}

interface ResolvedInputs {
  description: string;
  sinkSid: string;
  types: SubscribedEventType[];
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
}

/** Order does not matter to Twilio, so it must not matter to diff. */
function sortedTypes(types: SubscribedEventType[]): SubscribedEventType[] {
  return [...types].sort((a, b) => a.type.localeCompare(b.type));
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (Array.isArray(news.types) && news.types.length === 0) {
      failures.push({ property: "types", reason: "a subscription needs at least one event type" });
    }
    return { inputs: news, failures };
  },

  async create(inputs: ResolvedInputs) {
    const sub = await callApi(`create Event Subscription "${inputs.description}"`, (client) =>
      client.events.v1.subscriptions.create({
        description: inputs.description,
        sinkSid: inputs.sinkSid,
        // Exactly Twilio's two fields per type, whatever else the input object carries.
        types: inputs.types.map((t) => ({ type: t.type, schema_version: t.schema_version })),
      }),
    );
    return { id: sub.sid, outs: { ...inputs, sid: sub.sid } satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const sub = await callApi(`fetch Event Subscription ${id}`, (client) =>
        client.events.v1.subscriptions(id).fetch(),
      );
      // Every page of subscribed events: a type removed in the console shows as drift.
      const events = await callApi(`list Subscribed Events of ${id}`, (client) =>
        client.events.v1.subscriptions(id).subscribedEvents.list(),
      );
      const types = events.map((e) => ({ type: e.type, schema_version: e.schemaVersion }));
      const outs = { ...props, description: sub.description, sinkSid: sub.sinkSid, types: sortedTypes(types) };
      return { id, props: outs satisfies ResolvedOutputs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Types compare as a set (sorted); unknown during preview they stay as they are.
    const newTypes = Array.isArray(news.types) ? sortedTypes(news.types) : news.types;
    // The sink SID is unknown during a preview while its EventSink may be updated (the functions'
    // domain is being redeployed). EventSink shows an unknown destination as an update, which
    // keeps its SID, so here it is a possible update too, not a replace; `up` diffs again with the
    // known SID and replaces only if the sink really was replaced.
    const sinkKnown = !containsUnknown(news.sinkSid);
    return diffProperties(
      { ...olds, types: sortedTypes(olds.types) },
      { ...news, types: newTypes },
      {
        replace: sinkKnown ? ["sinkSid", "types"] : ["types"],
        update: sinkKnown ? ["description"] : ["description", "sinkSid"],
      },
    );
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Only the description can change in place (diff replaced everything else).
    if (olds.description !== news.description) {
      await callApi(`update Event Subscription ${id}`, (client) =>
        client.events.v1.subscriptions(id).update({ description: news.description }),
      );
    }
    return { outs: { ...news, sid: id } satisfies ResolvedOutputs };
  },

  async delete(id) {
    await callApi(`delete Event Subscription ${id}`, (client) => client.events.v1.subscriptions(id).remove());
  },
};

/** Subscribes a sink to event types. */
export class EventSubscription extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly types: pulumi.Output<SubscribedEventType[]>;

  constructor(name: string, args: EventSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, providerVersion: PROVIDER_VERSION, sid: undefined },
      opts,
      "twilio",
      "EventSubscription",
    );
  }
}

export { provider as eventSubscriptionProvider };
