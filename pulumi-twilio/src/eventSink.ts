// Event Streams sink (`/v1/Sinks` on events.twilio.com). Twilio updates only a sink's
// description; its type and configuration (destination URL, method, batching) force a replace.
import * as pulumi from "@pulumi/pulumi";
import { callApi, configureCredentials, containsUnknown, diffProperties, readOrGone } from "./client";

const PROVIDER_VERSION = "1";

/** A webhook sink's configuration, in Twilio's field names. */
export interface WebhookSinkConfiguration {
  destination: string;
  method: "POST" | "GET";
  /** With batching on, one request carries an array of several CloudEvents. */
  batch_events: boolean;
}

export interface EventSinkArgs {
  description: pulumi.Input<string>;
  sinkConfiguration: pulumi.Input<WebhookSinkConfiguration>;
}

interface ResolvedInputs {
  description: string;
  sinkConfiguration: WebhookSinkConfiguration;
  providerVersion: string;
}

interface ResolvedOutputs extends ResolvedInputs {
  sid: string;
  sinkType: string;
  status: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const destination = news.sinkConfiguration?.destination;
    // During preview the URL may still be unknown: only a known value is judged.
    if (typeof destination === "string" && !containsUnknown(destination) && !/^https?:\/\//.test(destination)) {
      failures.push({
        property: "sinkConfiguration",
        reason: `destination must be an http(s) URL, got ${destination}`,
      });
    }
    return { inputs: news, failures };
  },

  async create(inputs: ResolvedInputs) {
    const sink = await callApi(`create Event Sink "${inputs.description}"`, (client) =>
      client.events.v1.sinks.create({
        description: inputs.description,
        // The consumer is a Function over HTTPS, so the sink is always a webhook.
        sinkType: "webhook",
        sinkConfiguration: inputs.sinkConfiguration,
      }),
    );
    const outs = { ...inputs, sid: sink.sid, sinkType: sink.sinkType, status: sink.status };
    return { id: sink.sid, outs: outs satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const sink = await callApi(`fetch Event Sink ${id}`, (client) => client.events.v1.sinks(id).fetch());
      // Twilio echoes the configuration loosely typed (method case, booleans as strings): normalize.
      const config = sink.sinkConfiguration as Record<string, unknown>;
      const outs = {
        ...props,
        description: sink.description,
        sinkConfiguration: {
          destination: String(config.destination ?? ""),
          method: (String(config.method ?? "POST").toUpperCase() === "GET" ? "GET" : "POST") as "GET" | "POST",
          batch_events: config.batch_events === true || config.batch_events === "true",
        },
        sinkType: sink.sinkType,
        status: sink.status,
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // Unknown during a preview (the functions' domain while they are being redeployed): a possible
    // change, not a replace. The domain rarely changes; `up` diffs again with the known value and
    // replaces only if the destination really moved.
    const known = !containsUnknown(news.sinkConfiguration);
    return diffProperties(olds, news, {
      replace: known ? ["sinkConfiguration"] : [],
      update: known ? ["description"] : ["description", "sinkConfiguration"],
    });
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // The only field Twilio updates on a sink.
    if (olds.description !== news.description) {
      await callApi(`update Event Sink ${id}`, (client) =>
        client.events.v1.sinks(id).update({ description: news.description }),
      );
    }
    return { outs: { ...olds, ...news, sid: id } satisfies ResolvedOutputs };
  },

  async delete(id) {
    // The subscription depends on the sink, so Pulumi has deleted it by now.
    await callApi(`delete Event Sink ${id}`, (client) => client.events.v1.sinks(id).remove());
  },
};

/** A webhook sink: Event Streams delivers CloudEvents to `sinkConfiguration.destination`. */
export class EventSink extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: EventSinkArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      providerVersion: PROVIDER_VERSION,
      sid: undefined,
      sinkType: undefined,
      status: undefined,
    };
    super(provider, name, props, opts, "twilio", "EventSink");
  }
}

export { provider as eventSinkProvider };
