// Flex: the Plugins API and the Flex configuration. The serialisers of the standard operations
// (routes.ts), and the configuration update, which takes a JSON body (the SDK sends application/json).
import { iso } from "../http/dates";
import { ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, nulls, wire } from "../http/wire";
import type {
  ConfiguredPlugin,
  FlexConfiguration,
  Plugin,
  PluginConfiguration,
  PluginRelease,
  PluginVersion,
} from "./backend";
import { InvalidFlexParameterError } from "./errors";

const BASE = "https://flex-api.twilio.com/v1";
const PS = `${BASE}/PluginService`;

const acct = (req: TwinRequest): string => req.account.accountSid;
/** The archive answers (`…/Archive`) use schemas without `links` (and, for versions, `validated`). */
const archive = (req: TwinRequest): boolean => req.route.path.endsWith("/Archive");

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

/** Plugins are addressed by SID or unique name. */
export function serializePlugin(p: Plugin, req: TwinRequest): Record<string, unknown> {
  const url = `${PS}/Plugins/${p.sid}`;
  return wire(p, iso, { account_sid: acct(req), url, ...(!archive(req) && { links: links(url, "Versions") }) });
}

// Versions are semantic, unique per plugin.
export function serializeVersion(v: PluginVersion, req: TwinRequest): Record<string, unknown> {
  const url = `${PS}/Plugins/${v.pluginSid}/Versions/${v.sid}`;
  return wire(v, iso, { account_sid: acct(req), url }, archive(req) ? ["validated"] : []);
}

// The configured plugins are a sub-resource (serializeConfiguredPlugin).
export function serializeConfiguration(c: PluginConfiguration, req: TwinRequest): Record<string, unknown> {
  const url = `${PS}/Configurations/${c.sid}`;
  const extra = { account_sid: acct(req), url, ...(!archive(req) && { links: links(url, "Plugins") }) };
  return wire(c, iso, extra, ["plugins"]);
}

/** The configured-plugin view joins configuration, version and plugin, as Twilio's answer does. */
export function serializeConfiguredPlugin(
  { configuration, version, plugin, phase }: ConfiguredPlugin,
  req: TwinRequest,
): Record<string, unknown> {
  return {
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
  };
}

// A release only points at its configuration; releases are immutable and listed newest first
// (`Releases/Active` is the newest).
export function serializeRelease(r: PluginRelease, req: TwinRequest): Record<string, unknown> {
  return wire(r, iso, { account_sid: acct(req), url: `${PS}/Releases/${r.sid}` });
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
export function serializeFlexConfiguration(c: FlexConfiguration, req: TwinRequest): Record<string, unknown> {
  return wire(c, iso, {
    account_sid: acct(req),
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

/** The account's one Flex configuration; its update takes a JSON body, not a form. */
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
  const c = req.account.flex.updateConfiguration({
    uiAttributes: ui as Record<string, unknown> | undefined,
    taskrouterWorkspaceSid: text("taskrouter_workspace_sid"),
    taskrouterTargetWorkflowSid: text("taskrouter_target_workflow_sid"),
    taskrouterTargetTaskqueueSid: text("taskrouter_target_taskqueue_sid"),
    serverlessServiceSids: Array.isArray(b.serverless_service_sids) ? b.serverless_service_sids.map(String) : undefined,
    runtimeDomain: text("runtime_domain"),
  });
  return ok(serializeFlexConfiguration(c, req));
}
