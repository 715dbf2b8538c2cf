// Flex: the Plugins API and the Flex configuration. Parse, call the backend, serialise Twilio's
// JSON. The configuration update takes a JSON body (the SDK sends application/json).
import { iso } from "../http/dates";
import { listV1 } from "../http/paging";
import { optionalBool, optionalList, optionalString, requiredString, strings } from "../http/params";
import { created, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, nulls, wire } from "../http/wire";
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

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

/** The archive answer uses a schema without `links`, hence the flag. */
function serializePlugin(accountSid: string, p: Plugin, withLinks = true): Record<string, unknown> {
  const url = `${PS}/Plugins/${p.sid}`;
  return wire(p, iso, { account_sid: accountSid, url, ...(withLinks && { links: links(url, "Versions") }) });
}

// The archive answer's schema has no `validated`.
function serializeVersion(accountSid: string, v: PluginVersion, archiveShape = false): Record<string, unknown> {
  const url = `${PS}/Plugins/${v.pluginSid}/Versions/${v.sid}`;
  return wire(v, iso, { account_sid: accountSid, url }, archiveShape ? ["validated"] : []);
}

// As for plugins, the archive answer has no `links`; the configured plugins are a sub-resource.
function serializeConfiguration(accountSid: string, c: PluginConfiguration, withLinks = true): Record<string, unknown> {
  const url = `${PS}/Configurations/${c.sid}`;
  return wire(c, iso, { account_sid: accountSid, url, ...(withLinks && { links: links(url, "Plugins") }) }, [
    "plugins",
  ]);
}

// A release only points at its configuration; releases are immutable.
function serializeRelease(accountSid: string, r: PluginRelease): Record<string, unknown> {
  return wire(r, iso, { account_sid: accountSid, url: `${PS}/Releases/${r.sid}` });
}

/** Configuration fields the twin does not model: Twilio's shape, null. */
const UNMODELLED = nulls(
  `taskrouter_taskqueues taskrouter_skills taskrouter_worker_channels taskrouter_worker_attributes
  taskrouter_offline_activity_sid messaging_service_instance_sid chat_service_instance_sid flex_service_instance_sid
  flex_instance_sid service_version call_recording_webhook_url crm_type crm_callback_url crm_fallback_url
  crm_attributes plugin_service_attributes integrations outbound_call_flows queue_stats_configuration notifications
  markdown flex_insights_hr flex_insights_drilldown flex_url channel_configs debugger_integration flex_ui_status_report
  agent_conv_end_methods citrix_voice_vdi offline_config`,
);

/** The configuration resource: what the twin keeps, fixed values, and Twilio's shape (nulls) for the rest. */
function serializeFlexConfiguration(accountSid: string, c: FlexConfiguration): Record<string, unknown> {
  return wire(c, iso, {
    account_sid: accountSid,
    attributes: {},
    status: "ok",
    ui_language: "en",
    ui_dependencies: {},
    ui_version: "2.17.0",
    call_recording_enabled: false,
    crm_enabled: false,
    public_attributes: {},
    plugin_service_enabled: true,
    url: `${BASE}/Configuration`,
    ...UNMODELLED,
  });
}

const flex = (req: TwinRequest): FlexBackend => req.account.flex;
const acct = (req: TwinRequest): string => req.account.accountSid;

// ---- plugins ----

// ---- plugins: addressed by SID or unique name ----
export function createPlugin(req: TwinRequest): TwinResponse {
  const p = flex(req).createPlugin({
    uniqueName: requiredString(req.form, "UniqueName"),
    ...strings(req.form, "FriendlyName Description"),
  });
  return created(serializePlugin(acct(req), p));
}
export function fetchPlugin(req: TwinRequest): TwinResponse {
  return ok(serializePlugin(acct(req), flex(req).fetchPlugin(req.params.Sid)));
}
export function listPlugin(req: TwinRequest): TwinResponse {
  return listV1(req, `${PS}/Plugins`, "plugins", flex(req).listPlugin(), (p) => serializePlugin(acct(req), p));
}
export function updatePlugin(req: TwinRequest): TwinResponse {
  const p = flex(req).updatePlugin(req.params.Sid, {
    ...strings(req.form, "FriendlyName Description"),
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
  return listV1(
    req,
    `${PS}/Plugins/${req.params.PluginSid}/Versions`,
    "plugin_versions",
    flex(req).listPluginVersions(req.params.PluginSid),
    (v) => serializeVersion(acct(req), v),
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
  return listV1(req, `${PS}/Configurations`, "configurations", flex(req).listPluginConfiguration(), (c) =>
    serializeConfiguration(acct(req), c),
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
  return listV1(
    req,
    `${PS}/Configurations/${req.params.ConfigurationSid}/Plugins`,
    "plugins",
    configuredPlugins(req),
    (p) => p,
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
  return listV1(req, `${PS}/Releases`, "releases", flex(req).listPluginRelease(), (r) =>
    serializeRelease(acct(req), r),
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
