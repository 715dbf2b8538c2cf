// Event Streams and Flex (Plugins API + configuration) through the real `twilio` SDK, plus the
// Plugins API through @twilio/flex-plugins-api-client redirected by the preload.
import { PluginServiceHTTPClient, PluginsClient, ReleasesClient } from "@twilio/flex-plugins-api-client";
import { restError, useTwin } from "./helpers";

const preload = require("../preload.js") as { install(base: string): void; uninstall(): void };

const h = useTwin();
const events = () => h.client.events.v1;
const flex = () => h.client.flexApi.v1;

describe("Event Streams", () => {
  it("manages webhook sinks and subscriptions with typed events and schema versions", async () => {
    const sink = await events().sinks.create({
      description: "task events",
      sinkType: "webhook",
      sinkConfiguration: { destination: "https://example.com/task-event-handler", method: "POST", batch_events: true },
    });
    expect(sink.sid).toMatch(/^DG[0-9a-f]{32}$/);
    expect(sink.status).toBe("active");
    expect(sink.sinkConfiguration).toEqual({
      destination: "https://example.com/task-event-handler",
      method: "POST",
      batch_events: true,
    });
    expect((await events().sinks(sink.sid).update({ description: "renamed" })).description).toBe("renamed");

    const sub = await events().subscriptions.create({
      description: "recovery",
      sinkSid: sink.sid,
      types: [
        { type: "com.twilio.taskrouter.reservation.accepted", schema_version: 1 },
        { type: "com.twilio.taskrouter.task.canceled", schema_version: 1 },
      ],
    });
    expect(sub.sid).toMatch(/^DF/);
    const types = await events().subscriptions(sub.sid).subscribedEvents.list();
    expect(types.map((t) => [t.type, t.schemaVersion])).toEqual([
      ["com.twilio.taskrouter.reservation.accepted", 1],
      ["com.twilio.taskrouter.task.canceled", 1],
    ]);
    const added = await events()
      .subscriptions(sub.sid)
      .subscribedEvents.create({ type: "com.twilio.taskrouter.task-queue.entered", schemaVersion: 1 });
    expect(added.type).toBe("com.twilio.taskrouter.task-queue.entered");
    expect(
      (
        await events()
          .subscriptions(sub.sid)
          .subscribedEvents("com.twilio.taskrouter.task.canceled")
          .update({ schemaVersion: 2 })
      ).schemaVersion,
    ).toBe(2);
    // Stored, not only answered: a later read sees the new schema version.
    const canceled = events().subscriptions(sub.sid).subscribedEvents("com.twilio.taskrouter.task.canceled");
    expect((await canceled.fetch()).schemaVersion).toBe(2);
    await events().subscriptions(sub.sid).subscribedEvents("com.twilio.taskrouter.task.canceled").remove();
    expect((await events().subscriptions(sub.sid).subscribedEvents.list()).length).toBe(2);
    expect((await events().subscriptions(sub.sid).update({ description: "recovery 2" })).description).toBe(
      "recovery 2",
    );
    expect((await events().subscriptions.list({ sinkSid: sink.sid })).map((s) => s.sid)).toEqual([sub.sid]);
    expect((await events().sinks.list({ inUse: true })).map((s) => s.sid)).toEqual([sink.sid]);

    // A sink in use cannot go; after its subscription is gone it can.
    const inUse = await restError(() => events().sinks(sink.sid).remove());
    expect([inUse.status, inUse.code, inUse.message]).toEqual([
      400,
      20001,
      `Sink ${sink.sid} is in use by a subscription`,
    ]);
    await events().subscriptions(sub.sid).remove();
    await events().sinks(sink.sid).remove();
    expect((await restError(() => events().sinks(sink.sid).fetch())).status).toBe(404);
  });

  // "There is no longer a need for validating a Sink. The status of Sinks is active by default." and
  // Validate "always returns a result property with a value of valid"
  // (https://www.twilio.com/docs/events/event-streams/sink-resource/validate).
  it("makes every sink active at once; Test submits a test event, Validate always answers valid", async () => {
    const sink = await events().sinks.create({
      description: "stream",
      sinkType: "kinesis",
      sinkConfiguration: {
        arn: "arn:aws:kinesis:us-east-1:111111111111:stream/test",
        role_arn: "arn:aws:iam::1:role/r",
        external_id: "x",
      },
    });
    expect(sink.status).toBe("active");
    const types = [{ type: "com.twilio.taskrouter.task.canceled", schema_version: 1 }];
    expect((await events().subscriptions.create({ description: "d", sinkSid: sink.sid, types })).sinkSid).toBe(
      sink.sid,
    );
    const testIds: string[] = [];
    const off = h.twin.events.on("sinkTestRequested", (e) => testIds.push(e.testId));
    expect((await events().sinks(sink.sid).sinkTest.create()).result).toBe("submitted");
    off();
    expect(testIds).toHaveLength(1);
    expect((await events().sinks(sink.sid).sinkValidate.create({ testId: "TEany" })).result).toBe("valid");
    expect((await events().sinks(sink.sid).fetch()).status).toBe("active");
  });

  it("refuses a subscription to an unknown sink", async () => {
    const err = await restError(() =>
      events().subscriptions.create({
        description: "x",
        sinkSid: "DG" + "0".repeat(32),
        types: [{ type: "a", schema_version: 1 }],
      }),
    );
    expect(err.status).toBe(404);
  });
});

describe("Flex Plugins API", () => {
  it("creates plugins, versions, configurations and releases; Releases/Active is the latest", async () => {
    const plugin = await flex().plugins.create({ uniqueName: "plugin-call-recovery", friendlyName: "Call recovery" });
    expect(plugin.sid).toMatch(/^FP/);
    expect((await flex().plugins("plugin-call-recovery").fetch()).sid).toBe(plugin.sid);
    expect((await flex().plugins(plugin.sid).update({ description: "keeps customers on the line" })).description).toBe(
      "keeps customers on the line",
    );
    const v1 = await flex().plugins(plugin.sid).pluginVersions.create({
      version: "1.0.0",
      pluginUrl: "https://example.twil.io/plugins/p/1.0.0/bundle.js",
      private: true,
    });
    expect(v1.sid).toMatch(/^FV/);
    const v2 = await flex()
      .plugins(plugin.sid)
      .pluginVersions.create({ version: "1.1.0", pluginUrl: "https://example.twil.io/plugins/p/1.1.0/bundle.js" });
    expect((await flex().plugins(plugin.sid).pluginVersions.list()).map((v) => v.version)).toEqual(["1.0.0", "1.1.0"]);
    expect((await flex().plugins(plugin.sid).pluginVersions(v1.sid).fetch()).pluginUrl).toContain("1.0.0");
    const dup = await restError(() =>
      flex().plugins(plugin.sid).pluginVersions.create({ version: "1.0.0", pluginUrl: "https://x" }),
    );
    expect([dup.status, dup.message]).toEqual([409, "Version 1.0.0 of plugin-call-recovery already exists"]);

    const c1 = await flex().pluginConfigurations.create({
      name: "first",
      plugins: [{ plugin_version: v1.sid, phase: 3 }],
    });
    const c2 = await flex().pluginConfigurations.create({
      name: "second",
      plugins: [{ plugin_version: v2.sid, phase: 3 }],
    });
    expect(c1.sid).toMatch(/^FJ/);
    const configured = await flex().pluginConfigurations(c2.sid).plugins.list();
    expect(configured.map((p) => [p.uniqueName, p.version])).toEqual([["plugin-call-recovery", "1.1.0"]]);
    expect((await flex().pluginConfigurations(c2.sid).plugins(plugin.sid).fetch()).pluginVersionSid).toBe(v2.sid);
    expect((await flex().pluginConfigurations.list()).length).toBe(2);

    const r1 = await flex().pluginReleases.create({ configurationId: c1.sid });
    const r2 = await flex().pluginReleases.create({ configurationId: c2.sid });
    expect(r1.sid).toMatch(/^FK/);
    expect((await flex().pluginReleases("Active").fetch()).sid).toBe(r2.sid);
    expect((await flex().pluginReleases.list()).map((r) => r.sid)).toEqual([r2.sid, r1.sid]);

    expect((await flex().pluginConfigurationArchive(c1.sid).update()).archived).toBe(true);
    expect((await flex().pluginVersionArchive(plugin.sid, v1.sid).update()).archived).toBe(true);
    expect((await flex().pluginArchive(plugin.sid).update()).archived).toBe(true);
  });

  it("serves @twilio/flex-plugins-api-client through the preload", async () => {
    preload.install(h.twin.baseUrl);
    try {
      const http = new PluginServiceHTTPClient(h.twin.accountSid, h.twin.authToken);
      const created = await new PluginsClient(http).create({
        UniqueName: "plugin-via-toolkit",
        FriendlyName: "via toolkit",
      });
      expect(created.sid).toMatch(/^FP/);
      const list = await new PluginsClient(http).list();
      expect(list.plugins.map((p) => p.unique_name)).toContain("plugin-via-toolkit");
      const active = await new ReleasesClient(http).active();
      expect(active?.sid).toMatch(/^FK/);
    } finally {
      preload.uninstall();
    }
  });
});

describe("Flex configuration", () => {
  it("replaces ui_attributes as a whole on update (keys not sent are gone)", async () => {
    const before = await flex().configuration().fetch();
    expect(before.uiAttributes).toEqual({});
    await flex()
      .configuration()
      .update({ body: { account_sid: h.twin.accountSid, ui_attributes: { colorTheme: { baseName: "GreyDark" } } } });
    const after = await flex()
      .configuration()
      .update({
        body: { account_sid: h.twin.accountSid, ui_attributes: { callRecovery: { domain: "x-1234-dev.twil.io" } } },
      });
    expect(after.uiAttributes).toEqual({ callRecovery: { domain: "x-1234-dev.twil.io" } });
    expect((await flex().configuration().fetch()).uiAttributes).toEqual(after.uiAttributes);
  });
});
