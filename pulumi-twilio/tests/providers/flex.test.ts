// Flex configuration ui_attributes and the plugin release against the twin.
import { join } from "path";
import { PLUGIN_NAME, PLUGIN_SETTINGS_KEY } from "@flex-call-recovery/vocabulary";
import { flexPluginReleaseProvider } from "../../src/flexPluginRelease";
import { flexUiAttributeProvider } from "../../src/flexUiAttributes";
import { hashDirectory } from "../../src/hashDirectory";
import { FIXTURES } from "../sample";
import { logMark, useTwin, writesSince } from "../../testing";

jest.setTimeout(30_000);
const ctx = useTwin();

const uiAttributes = async () =>
  ((await ctx.sdk.flexApi.v1.configuration().fetch()).uiAttributes ?? {}) as Record<string, unknown>;

test("ui_attributes: merged under our key, others untouched, no-change is no write, drift, restored on delete", async () => {
  const config = await ctx.sdk.flexApi.v1.configuration().fetch();
  await ctx.sdk.flexApi.v1
    .configuration()
    .update({ account_sid: config.accountSid, ui_attributes: { ...(config.uiAttributes ?? {}), theme: "dark" } });
  const before = await uiAttributes();

  const value = { serverlessDomain: "fcr-1234-dev.twil.io", autoAcceptReconnect: true };
  const inputs = { key: PLUGIN_SETTINGS_KEY, value, providerVersion: "1" };
  const created = await flexUiAttributeProvider.create(inputs);
  expect(await uiAttributes()).toEqual({ ...before, [PLUGIN_SETTINGS_KEY]: value });
  expect(created.outs).toMatchObject({ previous: null });

  let mark = logMark(ctx.twin);
  expect(await flexUiAttributeProvider.diff!(created.id, created.outs, inputs)).toMatchObject({ changes: false });
  await flexUiAttributeProvider.update!(created.id, created.outs, inputs);
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  const changed = { ...inputs, value: { ...value, autoAcceptReconnect: false } };
  const updated = await flexUiAttributeProvider.update!(created.id, created.outs, changed);
  expect((await uiAttributes())[PLUGIN_SETTINGS_KEY]).toEqual(changed.value);

  const cfg = await ctx.sdk.flexApi.v1.configuration().fetch();
  await ctx.sdk.flexApi.v1.configuration().update({
    account_sid: cfg.accountSid,
    ui_attributes: { ...(cfg.uiAttributes ?? {}), [PLUGIN_SETTINGS_KEY]: { edited: true } },
  });
  const drifted = await flexUiAttributeProvider.read!(created.id, updated.outs!);
  expect(drifted.props).toMatchObject({ value: { edited: true } });
  expect(await flexUiAttributeProvider.diff!(created.id, drifted.props, changed)).toMatchObject({ changes: true });

  await flexUiAttributeProvider.delete!(created.id, drifted.props);
  // Flex replaces ui_attributes as a whole on update: the key is gone, not null; nothing else changes.
  expect(await uiAttributes()).toEqual(before);
  expect(Object.keys(await uiAttributes())).not.toContain(PLUGIN_SETTINGS_KEY);
  // Removing again finds nothing to remove: no write.
  mark = logMark(ctx.twin);
  await flexUiAttributeProvider.delete!(created.id, drifted.props);
  expect(writesSince(ctx.twin, mark)).toEqual([]);
});

test("ui_attributes: a key that replaced someone's value gets that value back on delete", async () => {
  const config = await ctx.sdk.flexApi.v1.configuration().fetch();
  const theirs = { serverlessDomain: "theirs-9999-prod.twil.io" };
  await ctx.sdk.flexApi.v1.configuration().update({
    account_sid: config.accountSid,
    ui_attributes: { theme: "light", [PLUGIN_SETTINGS_KEY]: theirs },
  });
  const inputs = {
    key: PLUGIN_SETTINGS_KEY,
    value: { serverlessDomain: "fcr-1234-dev.twil.io" },
    providerVersion: "1",
  };
  const created = await flexUiAttributeProvider.create(inputs);
  expect(created.outs).toMatchObject({ previous: theirs });
  expect(await uiAttributes()).toEqual({ theme: "light", [PLUGIN_SETTINGS_KEY]: inputs.value });

  await flexUiAttributeProvider.delete!(created.id, created.outs);
  expect(await uiAttributes()).toEqual({ theme: "light", [PLUGIN_SETTINGS_KEY]: theirs });
});

test("ui_attributes: removing the only key leaves an empty object, not the key as null", async () => {
  const config = await ctx.sdk.flexApi.v1.configuration().fetch();
  await ctx.sdk.flexApi.v1
    .configuration()
    .update({ account_sid: config.accountSid, ui_attributes: { [PLUGIN_SETTINGS_KEY]: { stale: true } } });
  const inputs = {
    key: PLUGIN_SETTINGS_KEY,
    value: { serverlessDomain: "fcr-1234-dev.twil.io" },
    providerVersion: "1",
  };
  await flexUiAttributeProvider.delete!("ui_attributes.x", { ...inputs, previous: null });
  expect(await uiAttributes()).toEqual({});
  // A key an earlier removal left holding null is cleared too.
  await ctx.sdk.flexApi.v1
    .configuration()
    .update({ account_sid: config.accountSid, ui_attributes: { [PLUGIN_SETTINGS_KEY]: null } });
  await flexUiAttributeProvider.delete!("ui_attributes.x", { ...inputs, previous: null });
  expect(await uiAttributes()).toEqual({});
});

test("plugin: uploaded, registered and released with the active plugins; no-change is no write; delete unreleases", async () => {
  const buildDir = join(FIXTURES, "plugin-build");
  const inputs = {
    pluginName: PLUGIN_NAME,
    version: "1.0.0",
    buildDir,
    mainFile: `${PLUGIN_NAME}.js`,
    bundleHash: hashDirectory(buildDir, "fixture"),
    changelog: "first",
    providerVersion: "1",
  };
  // Another plugin already released: it must stay in every release we make.
  const other = await ctx.sdk.flexApi.v1.plugins.create({ uniqueName: "plugin-other" });
  const otherVersion = await ctx.sdk.flexApi.v1
    .plugins(other.sid)
    .pluginVersions.create({ version: "2.0.0", pluginUrl: "https://x.twil.io/plugins/plugin-other/2.0.0/bundle.js" });
  const first = await ctx.sdk.flexApi.v1.pluginConfigurations.create({
    name: "existing",
    plugins: [{ plugin_version: otherVersion.sid }],
  });
  await ctx.sdk.flexApi.v1.pluginReleases.create({ configurationId: first.sid });

  const created = await flexPluginReleaseProvider.create(inputs);
  const outs = created.outs!;
  expect(outs.pluginUrl).toMatch(new RegExp(`^https://.+/plugins/${PLUGIN_NAME}/1.0.0/${PLUGIN_NAME}.js$`));
  const active = await ctx.sdk.flexApi.v1.pluginReleases("Active").fetch();
  const released = await ctx.sdk.flexApi.v1.pluginConfigurations(active.configurationSid).plugins.list();
  expect(released.map((p) => p.pluginVersionSid).sort()).toEqual([otherVersion.sid, outs.pluginVersionSid].sort());

  // Every built file is a private asset under /plugins/<name>/<version>/ in the `default` service.
  const services = await ctx.sdk.serverless.v1.services.list();
  const pluginsService = services.find((s) => s.uniqueName === "default")!;
  const assets = await ctx.sdk.serverless.v1.services(pluginsService.sid).assets.list();
  expect(assets.map((a) => a.friendlyName).sort()).toEqual(
    [`/plugins/${PLUGIN_NAME}/1.0.0/chunk-sync.js`, `/plugins/${PLUGIN_NAME}/1.0.0/${PLUGIN_NAME}.js`].sort(),
  );

  const read = await flexPluginReleaseProvider.read!(created.id, outs);
  expect(read.props).toMatchObject({ releasedVersion: "1.0.0" });
  let mark = logMark(ctx.twin);
  expect(await flexPluginReleaseProvider.diff!(created.id, read.props, inputs)).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  // Someone releases without us: read shows it, diff wants to re-release.
  await ctx.sdk.flexApi.v1.pluginReleases.create({ configurationId: first.sid });
  const drifted = await flexPluginReleaseProvider.read!(created.id, outs);
  expect(drifted.props).toMatchObject({ releasedVersion: null });
  expect(await flexPluginReleaseProvider.diff!(created.id, drifted.props, inputs)).toMatchObject({ changes: true });
  mark = logMark(ctx.twin);
  const rereleased = await flexPluginReleaseProvider.update!(created.id, drifted.props, inputs);
  // The registered version's files are deployed already: only a configuration and a release are written.
  expect(writesSince(ctx.twin, mark).map((w) => w.replace(/\/[A-Z]{2}[0-9a-f]{32}/g, "/{sid}"))).toEqual([
    "POST flex-api.twilio.com/v1/PluginService/Configurations",
    "POST flex-api.twilio.com/v1/PluginService/Releases",
  ]);
  expect(rereleased.outs).toMatchObject({ pluginVersionSid: outs.pluginVersionSid, releasedVersion: "1.0.0" });

  // A new version: uploaded next to the old one, registered, released in its place.
  const bumped = { ...inputs, version: "1.0.1" };
  expect(await flexPluginReleaseProvider.diff!(created.id, rereleased.outs!, bumped)).toMatchObject({
    changes: true,
    replaces: [],
  });
  const upgraded = (await flexPluginReleaseProvider.update!(created.id, rereleased.outs!, bumped)).outs!;
  expect(upgraded.pluginVersionSid).not.toBe(outs.pluginVersionSid);
  const nowActive = await ctx.sdk.flexApi.v1.pluginReleases("Active").fetch();
  const nowReleased = await ctx.sdk.flexApi.v1.pluginConfigurations(nowActive.configurationSid).plugins.list();
  expect(nowReleased.map((p) => p.pluginVersionSid).sort()).toEqual(
    [otherVersion.sid, upgraded.pluginVersionSid].sort(),
  );
  const allAssets = await ctx.sdk.serverless.v1.services(pluginsService.sid).assets.list();
  expect(allAssets.filter((a) => a.friendlyName.includes("/1.0.1/"))).toHaveLength(2);

  mark = logMark(ctx.twin);
  await flexPluginReleaseProvider.delete!(created.id, upgraded);
  expect(writesSince(ctx.twin, mark).map((w) => w.replace(/\/[A-Z]{2}[0-9a-f]{32}/g, "/{sid}"))).toEqual([
    "POST flex-api.twilio.com/v1/PluginService/Configurations",
    "POST flex-api.twilio.com/v1/PluginService/Releases",
  ]);
  const after = await ctx.sdk.flexApi.v1.pluginReleases("Active").fetch();
  const left = await ctx.sdk.flexApi.v1.pluginConfigurations(after.configurationSid).plugins.list();
  expect(left.map((p) => p.pluginVersionSid)).toEqual([otherVersion.sid]);
  // The plugins service is Flex's: still there.
  expect((await ctx.sdk.serverless.v1.services(pluginsService.sid).fetch()).uniqueName).toBe("default");
});

test("plugin: a version already registered with another bundle is refused, with the same bundle re-released", async () => {
  const buildDir = join(FIXTURES, "plugin-build");
  const pluginName = "plugin-hash-check";
  const inputs = {
    pluginName,
    version: "3.0.0",
    buildDir,
    mainFile: `${PLUGIN_NAME}.js`,
    bundleHash: hashDirectory(buildDir, "fixture"),
    changelog: "first",
    providerVersion: "1",
  };
  const created = (await flexPluginReleaseProvider.create(inputs)).outs!;
  const registered = await ctx.sdk.flexApi.v1
    .plugins(created.pluginSid)
    .pluginVersions(created.pluginVersionSid)
    .fetch();
  expect(registered.changelog).toBe(`first (bundle sha256:${inputs.bundleHash})`);

  // State lost (another stack, or a fresh one): the same bundle finds its version and uploads nothing.
  let mark = logMark(ctx.twin);
  const again = (await flexPluginReleaseProvider.create(inputs)).outs!;
  expect(again.pluginVersionSid).toBe(created.pluginVersionSid);
  expect(writesSince(ctx.twin, mark).filter((w) => !/PluginService\/(Configurations|Releases)$/.test(w))).toEqual([]);

  // Another bundle under the same version: refused before anything is written.
  const changed = { ...inputs, bundleHash: "f".repeat(64) };
  mark = logMark(ctx.twin);
  await expect(flexPluginReleaseProvider.create(changed)).rejects.toThrow(
    /plugin-hash-check@3\.0\.0 is already registered with another bundle .*bump the plugin version/,
  );
  await expect(flexPluginReleaseProvider.update!(created.pluginSid, created, changed)).rejects.toThrow(
    /already registered with another bundle/,
  );
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  // A version registered by another tool (no hash recorded) is released only when our state registered it.
  const cliVersion = await ctx.sdk.flexApi.v1
    .plugins(created.pluginSid)
    .pluginVersions.create({ version: "3.0.1", pluginUrl: created.pluginUrl, changelog: "by the Flex CLI" });
  const cli = { ...inputs, version: "3.0.1" };
  await expect(flexPluginReleaseProvider.create(cli)).rejects.toThrow(/without a recorded bundle hash/);
  const fromState = { ...created, version: "3.0.1", pluginVersionSid: cliVersion.sid };
  const updated = await flexPluginReleaseProvider.update!(created.pluginSid, fromState, cli);
  expect(updated.outs).toMatchObject({ pluginVersionSid: cliVersion.sid, releasedVersion: "3.0.1" });
});

test("plugin: a superseded plugin (an older one released by hand) leaves the release in the same one that adds ours", async () => {
  const buildDir = join(FIXTURES, "plugin-build");
  const old = await ctx.sdk.flexApi.v1.plugins.create({ uniqueName: "plugin-recover-non-graceful-call-disconnects" });
  const oldVersion = await ctx.sdk.flexApi.v1.plugins(old.sid).pluginVersions.create({
    version: "1.0.0",
    pluginUrl: "https://x.twil.io/plugins/plugin-recover-non-graceful-call-disconnects/1.0.0/bundle.js",
  });
  const keep = await ctx.sdk.flexApi.v1.plugins.create({ uniqueName: "plugin-kept" });
  const keepVersion = await ctx.sdk.flexApi.v1
    .plugins(keep.sid)
    .pluginVersions.create({ version: "1.0.0", pluginUrl: "https://x.twil.io/plugins/plugin-kept/1.0.0/bundle.js" });
  const handMade = await ctx.sdk.flexApi.v1.pluginConfigurations.create({
    name: "by hand",
    plugins: [{ plugin_version: oldVersion.sid }, { plugin_version: keepVersion.sid }],
  });
  await ctx.sdk.flexApi.v1.pluginReleases.create({ configurationId: handMade.sid });

  const inputs = {
    pluginName: PLUGIN_NAME,
    version: "3.0.0",
    buildDir,
    mainFile: `${PLUGIN_NAME}.js`,
    bundleHash: hashDirectory(buildDir, "fixture"),
    changelog: "takes over",
    supersedes: ["plugin-recover-non-graceful-call-disconnects"],
    providerVersion: "2",
  };
  const mark = logMark(ctx.twin);
  const created = await flexPluginReleaseProvider.create(inputs);
  const releases = writesSince(ctx.twin, mark).filter((w) => w.endsWith("/PluginService/Releases"));
  expect(releases).toHaveLength(1);
  const active = await ctx.sdk.flexApi.v1.pluginReleases("Active").fetch();
  const released = await ctx.sdk.flexApi.v1.pluginConfigurations(active.configurationSid).plugins.list();
  expect(released.map((p) => p.pluginVersionSid).sort()).toEqual(
    [keepVersion.sid, created.outs.pluginVersionSid].sort(),
  );
});
