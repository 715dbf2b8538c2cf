// Event Streams sink and subscription against the twin.
import { TASK_EVENT_SCHEMA_VERSION, TASK_EVENT_SUBSCRIPTION_TYPES } from "@flex-call-recovery/vocabulary";
import { eventSinkProvider } from "../../src/eventSink";
import { eventSubscriptionProvider } from "../../src/eventSubscription";
import { logMark, useTwin, writesSince } from "../../testing";

const ctx = useTwin();
const sinkInputs = (destination = "https://fcr-1234-dev.twil.io/task-event-handler") => ({
  description: "task events",
  sinkConfiguration: { destination, method: "POST" as const, batch_events: true },
  providerVersion: "1",
});
const types = TASK_EVENT_SUBSCRIPTION_TYPES.map((type) => ({ type, schema_version: TASK_EVENT_SCHEMA_VERSION }));

test("sink: create, read, no-change diff, description in place, configuration replaces, delete", async () => {
  const created = await eventSinkProvider.create(sinkInputs());
  expect(created.outs).toMatchObject({ sinkType: "webhook", sinkConfiguration: sinkInputs().sinkConfiguration });
  const read = await eventSinkProvider.read!(created.id, created.outs);
  expect(read.props).toEqual(created.outs);
  let mark = logMark(ctx.twin);
  expect(await eventSinkProvider.diff!(created.id, read.props, sinkInputs())).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  const described = { ...sinkInputs(), description: "renamed" };
  expect(await eventSinkProvider.diff!(created.id, read.props, described)).toMatchObject({
    changes: true,
    replaces: [],
  });
  const updated = await eventSinkProvider.update!(created.id, read.props, described);
  expect((await ctx.sdk.events.v1.sinks(created.id).fetch()).description).toBe("renamed");

  await ctx.sdk.events.v1.sinks(created.id).update({ description: "console" });
  expect((await eventSinkProvider.read!(created.id, updated.outs!)).props).toMatchObject({ description: "console" });

  const moved = sinkInputs("https://elsewhere.twil.io/task-event-handler");
  expect(await eventSinkProvider.diff!(created.id, updated.outs!, moved)).toMatchObject({
    replaces: ["sinkConfiguration"],
  });
  // Replace as the engine does it: the new sink first, then the old one goes.
  const replacement = await eventSinkProvider.create(moved);
  expect((await ctx.sdk.events.v1.sinks(replacement.id).fetch()).sinkConfiguration).toMatchObject({
    destination: "https://elsewhere.twil.io/task-event-handler",
  });
  await eventSinkProvider.delete!(replacement.id, replacement.outs);
  mark = logMark(ctx.twin);
  await eventSinkProvider.delete!(created.id, updated.outs!);
  expect(writesSince(ctx.twin, mark)).toEqual([`DELETE events.twilio.com/v1/Sinks/${created.id}`]);
  expect(await eventSinkProvider.read!(created.id, updated.outs!)).toEqual({});
});

test("subscription: the three task events; types replace; drift in types shows; delete", async () => {
  const sink = await eventSinkProvider.create(sinkInputs());
  const inputs = { description: "recovery", sinkSid: sink.id, types, providerVersion: "1" };
  const created = await eventSubscriptionProvider.create(inputs);
  const events = await ctx.sdk.events.v1.subscriptions(created.id).subscribedEvents.list();
  expect(events.map((e) => e.type).sort()).toEqual([...TASK_EVENT_SUBSCRIPTION_TYPES].sort());

  const read = await eventSubscriptionProvider.read!(created.id, created.outs);
  const mark = logMark(ctx.twin);
  expect(await eventSubscriptionProvider.diff!(created.id, read.props, inputs)).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  const updated = await eventSubscriptionProvider.update!(created.id, read.props, { ...inputs, description: "x" });
  expect((await ctx.sdk.events.v1.subscriptions(created.id).fetch()).description).toBe("x");
  expect(
    await eventSubscriptionProvider.diff!(created.id, updated.outs!, { ...inputs, types: types.slice(0, 2) }),
  ).toMatchObject({ replaces: ["types"] });

  await ctx.sdk.events.v1.subscriptions(created.id).subscribedEvents(types[0].type).remove();
  const drifted = await eventSubscriptionProvider.read!(created.id, updated.outs!);
  expect((drifted.props.types as unknown[]).length).toBe(2);
  expect(await eventSubscriptionProvider.diff!(created.id, drifted.props, inputs)).toMatchObject({
    replaces: ["types"],
  });

  await eventSubscriptionProvider.delete!(created.id, drifted.props);
  expect(await eventSubscriptionProvider.read!(created.id, drifted.props)).toEqual({});
  await eventSinkProvider.delete!(sink.id, sink.outs);
});
