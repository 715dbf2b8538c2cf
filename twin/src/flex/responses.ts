// Flex: the Plugins API and the Flex configuration. Parse, call the backend, serialise Twilio's
// JSON. The configuration update takes a JSON body (the SDK sends application/json).
import { iso } from "../http/dates";
import { pageV1 } from "../http/paging";
import { optionalBool, optionalList, optionalString, requiredString } from "../http/params";
import { created, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import type {
  FlexBackend,
  FlexConfiguration,
  Plugin,
  PluginConfiguration,
  PluginRelease,
  PluginVersion,
} from "./backend";
import { InvalidFlexParameterError } from "./errors";

const BASE = "https://flex-api.twilio.com/v1";
const PS = `${BASE}/PluginService`;

/** The archive answer uses a schema without `links`, hence the flag. */
function serializePlugin(accountSid: string, p: Plugin, withLinks = true): Record<string, unknown> {
  const url = `${PS}/Plugins/${p.sid}`;
  const body: Record<string, unknown> = {
    sid: p.sid,
    account_sid: accountSid,
    unique_name: p.uniqueName,
    friendly_name: p.friendlyName,
    description: p.description,
    archived: p.archived,
    date_created: iso(p.dateCreated),
    date_updated: iso(p.dateUpdated),
    url,
  };
  if (withLinks) body.links = { plugin_versions: `${url}/Versions` };
  return body;
}

function serializeVersion(accountSid: string, v: PluginVersion, archiveShape = false): Record<string, unknown> {
  const body: Record<string, unknown> = {
    sid: v.sid,
    plugin_sid: v.pluginSid,
    account_sid: accountSid,
    version: v.version,
    plugin_url: v.pluginUrl,
    changelog: v.changelog,
    private: v.private,
    archived: v.archived,
    date_created: iso(v.dateCreated),
    url: `${PS}/Plugins/${v.pluginSid}/Versions/${v.sid}`,
  };
  // The archive answer's schema has no `validated`.
  if (!archiveShape) body.validated = v.validated;
  return body;
}

// As for plugins, the archive answer has no `links`.
function serializeConfiguration(accountSid: string, c: PluginConfiguration, withLinks = true): Record<string, unknown> {
  const url = `${PS}/Configurations/${c.sid}`;
  const body: Record<string, unknown> = {
    sid: c.sid,
    account_sid: accountSid,
    name: c.name,
    description: c.description,
    archived: c.archived,
    date_created: iso(c.dateCreated),
    url,
  };
  if (withLinks) body.links = { plugins: `${url}/Plugins` };
  return body;
}

// A release only points at its configuration; releases are immutable.
function serializeRelease(accountSid: string, r: PluginRelease): Record<string, unknown> {
  return {
    sid: r.sid,
    account_sid: accountSid,
    configuration_sid: r.configurationSid,
    date_created: iso(r.dateCreated),
    url: `${PS}/Releases/${r.sid}`,
  };
}

/** The configuration resource: what the twin keeps, and Twilio's shape (nulls) for the rest. */
function serializeFlexConfiguration(accountSid: string, c: FlexConfiguration): Record<string, unknown> {
  return {
    account_sid: accountSid,
    date_created: iso(c.dateCreated),
    date_updated: iso(c.dateUpdated),
    attributes: {},
    status: "ok",
    taskrouter_workspace_sid: c.taskrouterWorkspaceSid,
    taskrouter_target_workflow_sid: c.taskrouterTargetWorkflowSid,
    taskrouter_target_taskqueue_sid: c.taskrouterTargetTaskqueueSid,
    taskrouter_taskqueues: null,
    taskrouter_skills: null,
    taskrouter_worker_channels: null,
    taskrouter_worker_attributes: null,
    taskrouter_offline_activity_sid: null,
    runtime_domain: c.runtimeDomain,
    messaging_service_instance_sid: null,
    chat_service_instance_sid: null,
    flex_service_instance_sid: null,
    flex_instance_sid: null,
    ui_language: "en",
    ui_attributes: c.uiAttributes,
    ui_dependencies: {},
    ui_version: "2.17.0",
    service_version: null,
    call_recording_enabled: false,
    call_recording_webhook_url: null,
    crm_enabled: false,
    crm_type: null,
    crm_callback_url: null,
    crm_fallback_url: null,
    crm_attributes: null,
    public_attributes: {},
    plugin_service_enabled: true,
    plugin_service_attributes: null,
    integrations: null,
    outbound_call_flows: null,
    serverless_service_sids: c.serverlessServiceSids,
    queue_stats_configuration: null,
    notifications: null,
    markdown: null,
    url: `${BASE}/Configuration`,
    flex_insights_hr: null,
    flex_insights_drilldown: null,
    flex_url: null,
    channel_configs: null,
    debugger_integration: null,
    flex_ui_status_report: null,
    agent_conv_end_methods: null,
    citrix_voice_vdi: null,
    offline_config: null,
  };
}

const flex = (req: TwinRequest): FlexBackend => req.account.flex;
const acct = (req: TwinRequest): string => req.account.accountSid;

// ---- plugins ----

// ---- plugins: addressed by SID or unique name ----
export function createPlugin(req: TwinRequest): TwinResponse {
  const p = flex(req).createPlugin({
    uniqueName: requiredString(req.form, "UniqueName"),
    friendlyName: optionalString(req.form, "FriendlyName"),
    description: optionalString(req.form, "Description"),
  });
  return created(serializePlugin(acct(req), p));
}
export function fetchPlugin(req: TwinRequest): TwinResponse {
  return ok(serializePlugin(acct(req), flex(req).fetchPlugin(req.params.Sid)));
}
export function listPlugin(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(flex(req).listPlugin(), {
      listUrl: `${PS}/Plugins`,
      key: "plugins",
      query: req.query,
      serialize: (p) => serializePlugin(acct(req), p),
    }),
  );
}
export function updatePlugin(req: TwinRequest): TwinResponse {
  const p = flex(req).updatePlugin(req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    description: optionalString(req.form, "Description"),
  });
  return ok(serializePlugin(acct(req), p));
}
export function updatePluginArchive(req: TwinRequest): TwinResponse {
  return ok(serializePlugin(acct(req), flex(req).updatePluginArchive(req.params.Sid), false));
}

// ---- versions ----

// ---- versions: semantic versions, unique per plugin ----
export function createPluginVersion(req: TwinRequest): TwinResponse {
  const v = flex(req).createPluginVersion(req.params.PluginSid, {
    version: requiredString(req.form, "Version"),
    pluginUrl: requiredString(req.form, "PluginUrl"),
    changelog: optionalString(req.form, "Changelog"),
    private: optionalBool(req.form, "Private"),
  });
  return created(serializeVersion(acct(req), v));
}
export function fetchPluginVersion(req: TwinRequest): TwinResponse {
  return ok(serializeVersion(acct(req), flex(req).fetchPluginVersion(req.params.PluginSid, req.params.Sid)));
}
export function listPluginVersions(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(flex(req).listPluginVersions(req.params.PluginSid), {
      listUrl: `${PS}/Plugins/${req.params.PluginSid}/Versions`,
      key: "plugin_versions",
      query: req.query,
      serialize: (v) => serializeVersion(acct(req), v),
    }),
  );
}
export function updatePluginVersionArchive(req: TwinRequest): TwinResponse {
  const v = flex(req).updatePluginVersionArchive(req.params.PluginSid, req.params.Sid);
  return ok(serializeVersion(acct(req), v, true));
}

// ---- configurations ----

/** `Plugins` entries are JSON texts like {"plugin_version": "FV...", "phase": 3}. */
function pluginsParam(entries: string[] | undefined): { pluginVersionSid: string; phase?: number }[] {
  return (entries ?? []).map((text) => {
    try {
      const parsed = JSON.parse(text) as { plugin_version?: unknown; phase?: unknown };
      if (typeof parsed.plugin_version !== "string") throw new Error("no plugin_version");
      return {
        pluginVersionSid: parsed.plugin_version,
        phase: typeof parsed.phase === "number" ? parsed.phase : undefined,
      };
    } catch {
      throw new InvalidFlexParameterError(`Plugins entry must be JSON with a plugin_version: ${text}`);
    }
  });
}

export function createPluginConfiguration(req: TwinRequest): TwinResponse {
  const c = flex(req).createPluginConfiguration({
    name: requiredString(req.form, "Name"),
    description: optionalString(req.form, "Description"),
    plugins: pluginsParam(optionalList(req.form, "Plugins")),
  });
  return created(serializeConfiguration(acct(req), c));
}
export function fetchPluginConfiguration(req: TwinRequest): TwinResponse {
  return ok(serializeConfiguration(acct(req), flex(req).fetchPluginConfiguration(req.params.Sid)));
}
export function listPluginConfiguration(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(flex(req).listPluginConfiguration(), {
      listUrl: `${PS}/Configurations`,
      key: "configurations",
      query: req.query,
      serialize: (c) => serializeConfiguration(acct(req), c),
    }),
  );
}
export function updatePluginConfigurationArchive(req: TwinRequest): TwinResponse {
  return ok(serializeConfiguration(acct(req), flex(req).updatePluginConfigurationArchive(req.params.Sid), false));
}

/** The configured-plugin view joins configuration, version and plugin, as Twilio's answer does. */
function configuredPlugins(req: TwinRequest) {
  return flex(req)
    .listConfiguredPlugin(req.params.ConfigurationSid)
    .map(({ configuration, version, plugin, phase }) => ({
      account_sid: acct(req),
      configuration_sid: configuration.sid,
      plugin_sid: plugin.sid,
      plugin_version_sid: version.sid,
      phase,
      plugin_url: version.pluginUrl,
      unique_name: plugin.uniqueName,
      friendly_name: plugin.friendlyName,
      description: plugin.description,
      plugin_archived: plugin.archived,
      version: version.version,
      changelog: version.changelog,
      plugin_version_archived: version.archived,
      private: version.private,
      date_created: iso(configuration.dateCreated),
      url: `${PS}/Configurations/${configuration.sid}/Plugins/${plugin.sid}`,
    }));
}

export function listConfiguredPlugin(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(configuredPlugins(req), {
      listUrl: `${PS}/Configurations/${req.params.ConfigurationSid}/Plugins`,
      key: "plugins",
      query: req.query,
      serialize: (p) => p,
    }),
  );
}
export function fetchConfiguredPlugin(req: TwinRequest): TwinResponse {
  const found = configuredPlugins(req).find(
    (p) => p.plugin_sid === req.params.PluginSid || p.unique_name === req.params.PluginSid,
  );
  if (!found) throw new InvalidFlexParameterError(`Plugin ${req.params.PluginSid} is not in this configuration`);
  return ok(found);
}

// ---- releases ----

// ---- releases: listed newest first; `Releases/Active` is the newest ----
export function createPluginRelease(req: TwinRequest): TwinResponse {
  return created(
    serializeRelease(acct(req), flex(req).createPluginRelease(requiredString(req.form, "ConfigurationId"))),
  );
}
export function fetchPluginRelease(req: TwinRequest): TwinResponse {
  return ok(serializeRelease(acct(req), flex(req).fetchPluginRelease(req.params.Sid)));
}
export function listPluginRelease(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(flex(req).listPluginRelease(), {
      listUrl: `${PS}/Releases`,
      key: "releases",
      query: req.query,
      serialize: (r) => serializeRelease(acct(req), r),
    }),
  );
}

// ---- Flex configuration ----

// ---- the Flex configuration (one per account) ----
export function fetchConfiguration(req: TwinRequest): TwinResponse {
  return ok(serializeFlexConfiguration(acct(req), flex(req).fetchConfiguration()));
}

export function updateConfiguration(req: TwinRequest): TwinResponse {
  const body = req.json;
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new InvalidFlexParameterError("The configuration update takes a JSON object body");
  }
  // twilio-node 5 sends its typed `update({ body })` as {"body": {...}} on the wire; Twilio's
  // docs post the fields at the top level. Accept both (what Twilio does with the first is UNCONFIRMED).
  const outer = body as Record<string, unknown>;
  const wrapped = Object.keys(outer).length === 1 && outer.body && typeof outer.body === "object";
  const b = (wrapped ? outer.body : outer) as Record<string, unknown>;
  const text = (name: string): string | undefined => (typeof b[name] === "string" ? (b[name] as string) : undefined);
  const ui = b.ui_attributes;
  if (ui !== undefined && (ui === null || typeof ui !== "object" || Array.isArray(ui))) {
    throw new InvalidFlexParameterError("ui_attributes must be a JSON object");
  }
  const c = flex(req).updateConfiguration({
    uiAttributes: ui as Record<string, unknown> | undefined,
    taskrouterWorkspaceSid: text("taskrouter_workspace_sid"),
    taskrouterTargetWorkflowSid: text("taskrouter_target_workflow_sid"),
    taskrouterTargetTaskqueueSid: text("taskrouter_target_taskqueue_sid"),
    serverlessServiceSids: Array.isArray(b.serverless_service_sids) ? b.serverless_service_sids.map(String) : undefined,
    runtimeDomain: text("runtime_domain"),
  });
  return ok(serializeFlexConfiguration(acct(req), c));
}
