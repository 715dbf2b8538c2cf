// Flex's URL table (twilio_flex_v1.json): the Plugins API and the configuration. `Releases/Active`
// is the spec's `Releases/{Sid}` with Sid = "Active". A row naming an operation is served by the
// backend method of that name (http/operations.ts); the configuration update (a JSON body) by a handler.
import { resource, routeTable } from "../http/router";
import * as r from "./responses";

const PS = "/v1/PluginService";
const CONFIGURED = `${PS}/Configurations/{ConfigurationSid}/Plugins`;

export const flexRoutes = routeTable(
  "flex-api.twilio.com",
  [
    // The account's Flex configuration (ui_attributes carries the plugin's settings).
    ["GET", "/v1/Configuration", "fetchConfiguration", r.serializeFlexConfiguration],
    ["POST", "/v1/Configuration", r.updateConfiguration],
    // Plugins and their versions; archiving replaces deletion in this API.
    ...resource("Plugin", `${PS}/Plugins`, r.serializePlugin, "list create fetch update"),
    ["POST", `${PS}/Plugins/{Sid}/Archive`, "updatePluginArchive", r.serializePlugin],
    ...resource("PluginVersion", `${PS}/Plugins/{PluginSid}/Versions`, r.serializeVersion, "list create fetch"),
    ["POST", `${PS}/Plugins/{PluginSid}/Versions/{Sid}/Archive`, "updatePluginVersionArchive", r.serializeVersion],
    // Configurations: immutable sets of plugin versions.
    ...resource("PluginConfiguration", `${PS}/Configurations`, r.serializeConfiguration, "list create fetch"),
    ["POST", `${PS}/Configurations/{Sid}/Archive`, "updatePluginConfigurationArchive", r.serializeConfiguration],
    ...resource("ConfiguredPlugin", CONFIGURED, r.serializeConfiguredPlugin, "list fetch", `${CONFIGURED}/{PluginSid}`),
    // Releases: the newest is the active one.
    ...resource("PluginRelease", `${PS}/Releases`, r.serializeRelease, "list create fetch"),
  ],
  (account) => account.flex,
);
