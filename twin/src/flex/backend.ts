// Flex state for one account: the Plugins API (plugins, versions, configurations, releases;
// one active release: the latest) and the Flex configuration, whose `ui_attributes` the infra
// writes and the plugin reads.
import { found, InvalidParameterError } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { bySidOrName, type Dated, insert, patch, stamped } from "../util";
import { ArchivedError, DuplicatePluginError, InvalidFlexParameterError } from "./errors";

export interface Plugin extends Dated {
  sid: string;
  uniqueName: string;
  friendlyName: string;
  description: string;
  archived: boolean;
}

export interface PluginVersion {
  sid: string;
  pluginSid: string;
  version: string;
  pluginUrl: string;
  changelog: string;
  private: boolean;
  archived: boolean;
  validated: boolean;
  dateCreated: Date;
}

export interface PluginConfiguration {
  sid: string;
  name: string;
  description: string;
  archived: boolean;
  /** The plugin versions in the configuration with their load phase. */
  plugins: { pluginVersionSid: string; phase: number }[];
  dateCreated: Date;
}

/** A plugin version in a configuration, joined as Twilio's configured-plugin answer shows it. */
export interface ConfiguredPlugin {
  configuration: PluginConfiguration;
  version: PluginVersion;
  plugin: Plugin;
  phase: number;
}

export interface PluginRelease {
  sid: string;
  configurationSid: string;
  dateCreated: Date;
}

/** The Flex configuration: the fields the twin keeps; the serializer fills the rest as Twilio would. */
export interface FlexConfiguration extends Dated {
  uiAttributes: Record<string, unknown>;
  taskrouterWorkspaceSid: string | null;
  taskrouterTargetWorkflowSid: string | null;
  taskrouterTargetTaskqueueSid: string | null;
  serverlessServiceSids: string[];
  runtimeDomain: string | null;
}

export class FlexBackend {
  // Plugins by SID (FP...), versions by SID (FV...), configurations (FJ...), releases (FK...).
  private readonly plugins = new Map<string, Plugin>();
  private readonly versions = new Map<string, PluginVersion>();
  private readonly configurations = new Map<string, PluginConfiguration>();
  private readonly releases = new Map<string, PluginRelease>();
  readonly configuration: FlexConfiguration;

  constructor(private readonly ctx: BackendContext) {
    const now = ctx.clock.now();
    this.configuration = {
      uiAttributes: {},
      taskrouterWorkspaceSid: null,
      taskrouterTargetWorkflowSid: null,
      taskrouterTargetTaskqueueSid: null,
      serverlessServiceSids: [],
      runtimeDomain: null,
      ...stamped(now),
    };
  }

  private now(): Date {
    return this.ctx.clock.now();
  }

  // ---- Plugins ----

  /** Unique names are unique per account; the friendly name defaults to it. */
  createPlugin(input: { uniqueName: string; friendlyName?: string; description?: string }): Plugin {
    if ([...this.plugins.values()].some((p) => p.uniqueName === input.uniqueName)) {
      throw new DuplicatePluginError(`Plugin ${input.uniqueName}`);
    }
    return insert(this.plugins, {
      sid: newSid("FP"),
      uniqueName: input.uniqueName,
      friendlyName: input.friendlyName ?? input.uniqueName,
      description: input.description ?? "",
      archived: false,
      ...stamped(this.now()),
    });
  }

  /** By SID or unique name (the plugins client uses either). */
  fetchPlugin(sidOrName: string): Plugin {
    const plugin = bySidOrName(this.plugins, sidOrName, (p) => p.uniqueName);
    return found(plugin, `/v1/PluginService/Plugins/${sidOrName}`);
  }

  /** Creation order, archived ones included (as Twilio lists them). */
  listPlugin(): Plugin[] {
    return [...this.plugins.values()];
  }

  /** Unique names are immutable; only descriptive fields change. */
  updatePlugin(sid: string, input: { friendlyName?: string; description?: string }): Plugin {
    return patch(this.fetchPlugin(sid), input, this.now());
  }

  /** Archiving a plugin archives its versions too: they can no longer join a configuration. */
  updatePluginArchive(sid: string): Plugin {
    const plugin = this.fetchPlugin(sid);
    plugin.archived = true;
    plugin.dateUpdated = this.now();
    for (const v of this.versions.values()) if (v.pluginSid === plugin.sid) v.archived = true;
    return plugin;
  }

  // ---- Plugin versions ----

  /** Versions are semantic, unique per plugin, and private by default (Flex loads them with a token). */
  createPluginVersion(
    pluginSid: string,
    input: { version: string; pluginUrl: string; changelog?: string; private?: boolean },
  ): PluginVersion {
    const plugin = this.fetchPlugin(pluginSid);
    if (plugin.archived) throw new ArchivedError(`Plugin ${plugin.uniqueName}`);
    if (!/^\d+\.\d+\.\d+/.test(input.version)) throw new InvalidParameterError("Version must be a semantic version");
    if (this.listPluginVersion(plugin.sid).some((v) => v.version === input.version)) {
      throw new DuplicatePluginError(`Version ${input.version} of ${plugin.uniqueName}`);
    }
    return insert(this.versions, {
      sid: newSid("FV"),
      pluginSid: plugin.sid,
      version: input.version,
      pluginUrl: input.pluginUrl,
      changelog: input.changelog ?? "",
      private: input.private ?? true,
      archived: false,
      validated: false,
      dateCreated: this.now(),
    });
  }

  /** By SID or version string. */
  fetchPluginVersion(pluginSid: string, sidOrVersion: string): PluginVersion {
    const plugin = this.fetchPlugin(pluginSid);
    const version = this.listPluginVersion(plugin.sid).find(
      (v) => v.sid === sidOrVersion || v.version === sidOrVersion,
    );
    return found(version, `/v1/PluginService/Plugins/${pluginSid}/Versions/${sidOrVersion}`);
  }

  /** Oldest first. */
  listPluginVersion(pluginSid: string): PluginVersion[] {
    const plugin = this.fetchPlugin(pluginSid);
    return [...this.versions.values()].filter((v) => v.pluginSid === plugin.sid);
  }

  /** An archived version stays in configurations that have it, but no new one may use it. */
  updatePluginVersionArchive(pluginSid: string, sid: string): PluginVersion {
    const version = this.fetchPluginVersion(pluginSid, sid);
    version.archived = true;
    return version;
  }

  // ---- Configurations ----

  /**
   * `Plugins` entries are JSON texts like {"plugin_version": "FV...", "phase": 3}. Every version
   * must exist and not be archived; phase defaults to 3 as the Flex CLI sends.
   */
  createPluginConfiguration(input: { name: string; description?: string; plugins?: string[] }): PluginConfiguration {
    const plugins = (input.plugins ?? []).map((text) => {
      let entry: { plugin_version?: unknown; phase?: unknown };
      try {
        entry = JSON.parse(text) as typeof entry;
      } catch {
        entry = {};
      }
      if (typeof entry?.plugin_version !== "string") {
        throw new InvalidFlexParameterError(`Plugins entry must be JSON with a plugin_version: ${text}`);
      }
      const version = this.versions.get(entry.plugin_version);
      if (!version) throw new InvalidParameterError(`Unknown plugin version ${entry.plugin_version}`);
      if (version.archived) throw new ArchivedError(`Plugin version ${version.sid}`);
      return { pluginVersionSid: version.sid, phase: typeof entry.phase === "number" ? entry.phase : 3 };
    });
    return insert(this.configurations, {
      sid: newSid("FJ"),
      name: input.name,
      description: input.description ?? "",
      archived: false,
      plugins,
      dateCreated: this.now(),
    });
  }

  /** Configurations are immutable once created (only archiving changes them). */
  fetchPluginConfiguration(sid: string): PluginConfiguration {
    return found(this.configurations.get(sid), `/v1/PluginService/Configurations/${sid}`);
  }

  /** Creation order. */
  listPluginConfiguration(): PluginConfiguration[] {
    return [...this.configurations.values()];
  }

  /** An archived configuration cannot be released again. */
  updatePluginConfigurationArchive(sid: string): PluginConfiguration {
    const configuration = this.fetchPluginConfiguration(sid);
    configuration.archived = true;
    return configuration;
  }

  /** The configured plugins with their versions, for Configurations/{sid}/Plugins. */
  listConfiguredPlugin(configurationSid: string): ConfiguredPlugin[] {
    const configuration = this.fetchPluginConfiguration(configurationSid);
    return configuration.plugins.map(({ pluginVersionSid, phase }) => {
      const version = this.versions.get(pluginVersionSid)!;
      return { configuration, version, plugin: this.plugins.get(version.pluginSid)!, phase };
    });
  }

  /** One configured plugin, by plugin SID or unique name. */
  fetchConfiguredPlugin(configurationSid: string, pluginSidOrName: string): ConfiguredPlugin {
    const found = this.listConfiguredPlugin(configurationSid).find(
      ({ plugin }) => plugin.sid === pluginSidOrName || plugin.uniqueName === pluginSidOrName,
    );
    if (!found) throw new InvalidFlexParameterError(`Plugin ${pluginSidOrName} is not in this configuration`);
    return found;
  }

  // ---- Releases ----

  /** Releasing a configuration makes it the active one (the newest release). */
  createPluginRelease(input: { configurationId: string }): PluginRelease {
    const configuration = this.fetchPluginConfiguration(input.configurationId);
    if (configuration.archived) throw new ArchivedError(`Configuration ${configuration.sid}`);
    return insert(this.releases, { sid: newSid("FK"), configurationSid: configuration.sid, dateCreated: this.now() });
  }

  /** By SID, or `Active` for the release in force (the latest). */
  fetchPluginRelease(sid: string): PluginRelease {
    const release = sid === "Active" ? [...this.releases.values()].at(-1) : this.releases.get(sid);
    return found(release, `/v1/PluginService/Releases/${sid}`);
  }

  /** Newest first, as Twilio lists them (the plugins client reads `releases[0]` as the active one). */
  listPluginRelease(): PluginRelease[] {
    return [...this.releases.values()].reverse();
  }

  // ---- Flex configuration ----

  /** The account's one Flex configuration. */
  fetchConfiguration(): FlexConfiguration {
    return this.configuration;
  }

  /**
   * Each posted top-level property replaces the stored one; `ui_attributes` "is completely replaced
   * by the JSON object that you provide" (https://www.twilio.com/docs/flex/developer/config),
   * so keys not sent are gone.
   */
  updateConfiguration(input: Partial<Omit<FlexConfiguration, "dateCreated" | "dateUpdated">>): FlexConfiguration {
    return patch(this.configuration, input, this.now());
  }
}
