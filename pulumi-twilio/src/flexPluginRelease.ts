// A Flex plugin released to the account, as `twilio flex:plugins:deploy` + `release` would:
//  1. every file of the built plugin uploaded (the entry bundle private, the lazy chunk public) to Flex's plugins Serverless
//     service (unique name `default`, adopted: created only if missing, never deleted) under
//     `/plugins/<name>/<version>/`, in a new build that keeps every asset already deployed there;
//  2. the plugin and the version registered (plugin_url = the main file's asset URL);
//  3. a configuration = the active release's plugins with ours swapped in, then a release.
// A release is account-wide, so delete releases the active plugins minus ours.
// Plugin versions are immutable: a changed bundle needs a new version. The bundle's hash is
// recorded in the version's changelog, so a registered version with other content is refused
// (`check` catches it from state; `create`/`update` from Twilio, e.g. another stack or lost state).
import * as pulumi from "@pulumi/pulumi";
import type { Twilio } from "twilio";
import {
  apiError,
  callApi,
  configureCredentials,
  diffProperties,
  isNotFound,
  serverlessClient,
  valueChanged,
} from "./client";

const PROVIDER_VERSION = "2";

export interface FlexPluginReleaseArgs {
  pluginName: pulumi.Input<string>;
  /** Semver of the bundle; registered once, never re-registered with other content. */
  version: pulumi.Input<string>;
  /** Absolute path of the built plugin folder (the main file plus lazy chunks). */
  buildDir: pulumi.Input<string>;
  /** File name of the entry bundle inside `buildDir`. */
  mainFile: pulumi.Input<string>;
  /** Hash of the folder's files. */
  bundleHash: pulumi.Input<string>;
  changelog: pulumi.Input<string>;
  /**
   * Plugins (unique names) this one replaces: taken out of the release that makes ours active, so
   * the two never run side by side (e.g. an older plugin doing the same job, released by hand).
   */
  supersedes?: pulumi.Input<pulumi.Input<string>[]>;
}

interface ResolvedInputs {
  pluginName: string;
  version: string;
  buildDir: string;
  mainFile: string;
  bundleHash: string;
  changelog: string;
  supersedes: string[];
  providerVersion: string;
}

interface ResolvedOutputs {
  pluginName: string;
  version: string;
  mainFile: string;
  bundleHash: string;
  changelog: string;
  supersedes: string[];
  providerVersion: string;
  pluginsServiceSid: string;
  pluginSid: string;
  pluginVersionSid: string;
  pluginUrl: string;
  /** Public URL of the version's folder (the plugin's `assetBaseUrl` setting: where its lazy chunk is). */
  assetBaseUrl: string;
  /** Configuration and release that made our version active. */
  configurationSid: string;
  releaseSid: string | null;
  /** Our version in the active release as last seen (null: not released — drift). */
  releasedVersion: string | null;
}

/** How the bundle hash is written into (and found in) a registered version's changelog. */
function changelogWithHash(changelog: string, bundleHash: string): string {
  return `${changelog} (bundle sha256:${bundleHash})`;
}
function hashInChangelog(changelog: string | null | undefined): string | null {
  return /\(bundle sha256:([0-9a-f]{64})\)/.exec(changelog ?? "")?.[1] ?? null;
}

/**
 * Why `registered` must not be released for this bundle, or null when it may. Without a hash in
 * its changelog (registered by another tool or before hashes were recorded) it is trusted only
 * when this stack's own state says it registered that version from the same bundle.
 */
function registeredMismatch(
  inputs: ResolvedInputs,
  registered: { sid: string; changelog: string | null },
  trusted: { pluginVersionSid: string; bundleHash: string } | null,
): string | null {
  const recorded = hashInChangelog(registered.changelog);
  const label = `${inputs.pluginName}@${inputs.version}`;
  const fix =
    "plugin versions are immutable: bump the plugin version (plugin/package.json, or flex-call-recovery:pluginVersion)";
  if (recorded === inputs.bundleHash) return null;
  if (recorded) {
    return `${label} is already registered with another bundle (sha256 ${recorded.slice(0, 12)}…, this build ${inputs.bundleHash.slice(0, 12)}…): ${fix}`;
  }
  if (trusted && trusted.pluginVersionSid === registered.sid && trusted.bundleHash === inputs.bundleHash) return null;
  return `${label} is already registered (${registered.sid}) without a recorded bundle hash, so it may hold another bundle: ${fix}`;
}

/** Flex's plugins service: its unique name is `default` (what the Flex CLI uses). */
const PLUGINS_SERVICE_NAME = "default";

/** Paths of every file under `dir`, relative, with `/` separators. */
function listFiles(dir: string): string[] {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk("");
  return out.sort();
}

/** Flex's plugins service (paging through all services), created the way the Flex CLI would if missing. */
async function pluginsServiceSid(): Promise<string> {
  const services = await callApi("list Serverless Services", (client) => client.serverless.v1.services.list());
  const service =
    services.find((s) => s.uniqueName === PLUGINS_SERVICE_NAME) ??
    (await callApi("create Flex plugins Serverless Service", (client) =>
      client.serverless.v1.services.create({
        uniqueName: PLUGINS_SERVICE_NAME,
        friendlyName: "Flex Plugins Service (Autogenerated) - Do Not Delete",
      }),
    ));
  return service.sid;
}

/** Uploads the bundle's files and activates a build keeping the service's other assets. */
async function uploadBundle(inputs: ResolvedInputs): Promise<{ serviceSid: string; domain: string }> {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const { EventEmitter } = require("events") as typeof import("events");
  const sls = {
    ...(require("@twilio-labs/serverless-api/dist/api/assets") as typeof import("@twilio-labs/serverless-api/dist/api/assets")),
    ...(require("@twilio-labs/serverless-api/dist/api/builds") as typeof import("@twilio-labs/serverless-api/dist/api/builds")),
  };
  const api = serverlessClient();
  const serviceSid = await pluginsServiceSid();
  const environments = await callApi(`list Environments of ${serviceSid}`, (client) =>
    client.serverless.v1.services(serviceSid).environments.list(),
  );
  const environment =
    environments[0] ??
    (await callApi(`create Environment of ${serviceSid}`, (client) =>
      client.serverless.v1.services(serviceSid).environments.create({ uniqueName: "production" }),
    ));

  const prefix = `/plugins/${inputs.pluginName}/${inputs.version}/`;
  const assets = listFiles(inputs.buildDir).map((file) => ({
    name: `${prefix}${file}`,
    path: `${prefix}${file}`,
    // The entry bundle is private (Flex serves it with the agent's token); the lazy chunk is public:
    // the plugin loads it with a plain <script src>, which carries no token.
    access: file === inputs.mainFile ? ("private" as const) : ("public" as const),
    content: fs.readFileSync(path.join(inputs.buildDir, file)),
    // Lets the upload pick the content type from the extension.
    filePath: path.join(inputs.buildDir, file),
  }));
  try {
    const resources = await sls.getOrCreateAssetResources(assets, serviceSid, api);
    const clientConfig = (api as unknown as { config: import("@twilio-labs/serverless-api").ClientConfig }).config;
    const newVersions: string[] = [];
    for (const asset of resources) newVersions.push(await sls.uploadAsset(asset, serviceSid, api, clientConfig));

    // Carry the current build forward: other plugins' assets stay deployed.
    let keepAssets: string[] = [];
    let keepFunctions: string[] = [];
    let dependencies: { name: string; version: string }[] = [];
    if (environment.buildSid) {
      const current = await callApi(`fetch Build ${environment.buildSid}`, (client) =>
        client.serverless.v1.services(serviceSid).builds(environment.buildSid).fetch(),
      );
      const ours = new Set(assets.map((a) => a.path));
      keepAssets = ((current.assetVersions ?? []) as { sid: string; path: string }[])
        .filter((v) => !ours.has(v.path))
        .map((v) => v.sid);
      keepFunctions = ((current.functionVersions ?? []) as { sid: string }[]).map((v) => v.sid);
      dependencies = (current.dependencies ?? []) as { name: string; version: string }[];
    }
    const build = await sls.triggerBuild(
      { assetVersions: [...keepAssets, ...newVersions], functionVersions: keepFunctions, dependencies },
      serviceSid,
      api,
    );
    await sls.waitForSuccessfulBuild(build.sid, serviceSid, api, new EventEmitter());
    await sls.activateBuild(build.sid, environment.sid, serviceSid, api);
  } catch (err) {
    throw apiError(`upload plugin ${inputs.pluginName}@${inputs.version} to the Flex plugins service`, err);
  }
  return { serviceSid, domain: environment.domainName };
}

/** The active release's plugin version SIDs (empty without a release) and its configuration. */
async function activePlugins(client: Twilio): Promise<{ pluginSid: string; pluginVersionSid: string }[]> {
  try {
    const active = await client.flexApi.v1.pluginReleases("Active").fetch();
    const plugins = await client.flexApi.v1.pluginConfigurations(active.configurationSid).plugins.list();
    return plugins.map((p) => ({ pluginSid: p.pluginSid, pluginVersionSid: p.pluginVersionSid }));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Releases `versions`; returns the configuration and release SIDs. */
async function release(client: Twilio, name: string, versions: string[]) {
  const configuration = await client.flexApi.v1.pluginConfigurations.create({
    name,
    plugins: versions.map((sid) => ({ plugin_version: sid })),
  });
  const rel = await client.flexApi.v1.pluginReleases.create({ configurationId: configuration.sid });
  return { configurationSid: configuration.sid, releaseSid: rel.sid };
}

async function deployAndRelease(
  inputs: ResolvedInputs,
  trusted: { pluginVersionSid: string; bundleHash: string } | null,
): Promise<ResolvedOutputs> {
  const label = `${inputs.pluginName}@${inputs.version}`;
  const { plugin, registered, superseded } = await callApi(`look up plugin ${label}`, async (client) => {
    const all = await client.flexApi.v1.plugins.list();
    const plugin =
      all.find((p) => p.uniqueName === inputs.pluginName) ??
      (await client.flexApi.v1.plugins.create({ uniqueName: inputs.pluginName, friendlyName: inputs.pluginName }));
    const versions = await client.flexApi.v1.plugins(plugin.sid).pluginVersions.list();
    const superseded = all.filter((p) => (inputs.supersedes ?? []).includes(p.uniqueName)).map((p) => p.sid);
    return { plugin, registered: versions.find((v) => v.version === inputs.version) ?? null, superseded };
  });

  // A registered version is immutable and its files are deployed: re-releasing it uploads nothing.
  let serviceSid: string;
  let version: { sid: string; pluginUrl: string };
  if (registered) {
    const mismatch = registeredMismatch(inputs, registered, trusted);
    if (mismatch) throw new Error(mismatch);
    serviceSid = await pluginsServiceSid();
    version = registered;
  } else {
    const uploaded = await uploadBundle(inputs);
    serviceSid = uploaded.serviceSid;
    const pluginUrl = `https://${uploaded.domain}/plugins/${inputs.pluginName}/${inputs.version}/${inputs.mainFile}`;
    version = await callApi(`register plugin version ${label}`, (client) =>
      client.flexApi.v1.plugins(plugin.sid).pluginVersions.create({
        version: inputs.version,
        pluginUrl,
        private: true,
        changelog: changelogWithHash(inputs.changelog, inputs.bundleHash),
      }),
    );
  }

  const released = await callApi(`release ${label}`, async (client) => {
    const active = await activePlugins(client);
    // Already active (and nothing it supersedes): releasing again would be a write that changes nothing.
    const supersededActive = active.some((p) => superseded.includes(p.pluginSid));
    if (active.some((p) => p.pluginVersionSid === version.sid) && !supersededActive) {
      const current = await client.flexApi.v1.pluginReleases("Active").fetch();
      return { configurationSid: current.configurationSid, releaseSid: current.sid };
    }
    // One release swaps ours in and the superseded ones out: never both, never neither.
    const others = active
      .filter((p) => p.pluginSid !== plugin.sid && !superseded.includes(p.pluginSid))
      .map((p) => p.pluginVersionSid);
    return release(client, label, [...others, version.sid]);
  });

  return {
    pluginName: inputs.pluginName,
    version: inputs.version,
    mainFile: inputs.mainFile,
    bundleHash: inputs.bundleHash,
    changelog: inputs.changelog,
    supersedes: inputs.supersedes ?? [],
    providerVersion: inputs.providerVersion,
    pluginsServiceSid: serviceSid,
    pluginSid: plugin.sid,
    pluginVersionSid: version.sid,
    pluginUrl: version.pluginUrl,
    assetBaseUrl: version.pluginUrl.slice(0, version.pluginUrl.lastIndexOf("/") + 1),
    configurationSid: released.configurationSid,
    releaseSid: released.releaseSid,
    releasedVersion: inputs.version,
  };
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(olds: Partial<ResolvedInputs>, news: ResolvedInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (olds.version && olds.version === news.version && olds.bundleHash && olds.bundleHash !== news.bundleHash) {
      failures.push({
        property: "version",
        reason: `the plugin bundle changed but version ${news.version} is already registered (versions are immutable): bump the plugin version`,
      });
    }
    return { inputs: { ...news, supersedes: news.supersedes ?? [] }, failures };
  },

  async create(inputs: ResolvedInputs) {
    const outs = await deployAndRelease(inputs, null);
    return { id: outs.pluginSid, outs };
  },

  async read(id, props: ResolvedOutputs) {
    const active = await callApi("fetch active Flex plugin release", (client) => activePlugins(client));
    const ours = active.find((p) => p.pluginSid === props.pluginSid);
    // Drift: another release without our version (or with another one) shows here.
    const releasedVersion = ours?.pluginVersionSid === props.pluginVersionSid ? props.version : null;
    return { id, props: { ...props, releasedVersion } satisfies ResolvedOutputs };
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return diffProperties(olds, news, {
      replace: ["pluginName"],
      update: ["version", "mainFile", "bundleHash"],
      // State from before `supersedes` existed has none; a release without our version is drift.
      also: valueChanged(olds.supersedes ?? [], news.supersedes ?? []) || olds.releasedVersion !== olds.version,
    });
  },

  async update(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    return { outs: await deployAndRelease(news, olds) };
  },

  async delete(_id, props: ResolvedOutputs) {
    await callApi(`unrelease ${props.pluginName}`, async (client) => {
      const active = await activePlugins(client);
      if (!active.some((p) => p.pluginSid === props.pluginSid)) return;
      const others = active.filter((p) => p.pluginSid !== props.pluginSid).map((p) => p.pluginVersionSid);
      await release(client, `without ${props.pluginName}`, others);
    });
  },
};

/** Our plugin, uploaded, registered and released (Flex loads it on the agents' next page load). */
export class FlexPluginRelease extends pulumi.dynamic.Resource {
  declare readonly pluginSid: pulumi.Output<string>;
  declare readonly pluginVersionSid: pulumi.Output<string>;
  declare readonly pluginUrl: pulumi.Output<string>;
  declare readonly assetBaseUrl: pulumi.Output<string>;
  declare readonly version: pulumi.Output<string>;
  declare readonly configurationSid: pulumi.Output<string>;
  declare readonly releaseSid: pulumi.Output<string | null>;

  constructor(name: string, args: FlexPluginReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    const outs = { pluginsServiceSid: undefined, pluginSid: undefined, pluginVersionSid: undefined };
    const more = {
      pluginUrl: undefined,
      assetBaseUrl: undefined,
      configurationSid: undefined,
      releaseSid: undefined,
      releasedVersion: undefined,
    };
    const props = { ...args, providerVersion: PROVIDER_VERSION, ...outs, ...more };
    super(provider, name, props, opts, "twilio", "FlexPluginRelease");
  }
}

export { provider as flexPluginReleaseProvider };
