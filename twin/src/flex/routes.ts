// Flex's URL table (twilio_flex_v1.json): the Plugins API and the configuration. `Releases/Active`
// is the spec's `Releases/{Sid}` with Sid = "Active". A row naming an operation is served by the
// backend method of that name (http/operations.ts); the configuration update (a JSON body) by a handler.
import { routeTable } from "../http/router";
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
    ["GET", `${PS}/Plugins`, "listPlugin", r.serializePlugin],
    ["POST", `${PS}/Plugins`, "createPlugin", r.serializePlugin],
    ["GET", `${PS}/Plugins/{Sid}`, "fetchPlugin", r.serializePlugin],
    ["POST", `${PS}/Plugins/{Sid}`, "updatePlugin", r.serializePlugin],
    ["POST", `${PS}/Plugins/{Sid}/Archive`, "updatePluginArchive", r.serializePlugin],
    ["GET", `${PS}/Plugins/{PluginSid}/Versions`, "listPluginVersion", r.serializeVersion],
    ["POST", `${PS}/Plugins/{PluginSid}/Versions`, "createPluginVersion", r.serializeVersion],
    ["GET", `${PS}/Plugins/{PluginSid}/Versions/{Sid}`, "fetchPluginVersion", r.serializeVersion],
    ["POST", `${PS}/Plugins/{PluginSid}/Versions/{Sid}/Archive`, "updatePluginVersionArchive", r.serializeVersion],
    // Configurations: immutable sets of plugin versions.
    ["GET", `${PS}/Configurations`, "listPluginConfiguration", r.serializeConfiguration],
    ["POST", `${PS}/Configurations`, "createPluginConfiguration", r.serializeConfiguration],
    ["GET", `${PS}/Configurations/{Sid}`, "fetchPluginConfiguration", r.serializeConfiguration],
    ["POST", `${PS}/Configurations/{Sid}/Archive`, "updatePluginConfigurationArchive", r.serializeConfiguration],
    ["GET", CONFIGURED, "listConfiguredPlugin", r.serializeConfiguredPlugin],
    ["GET", `${CONFIGURED}/{PluginSid}`, "fetchConfiguredPlugin", r.serializeConfiguredPlugin],
    // Releases: the newest is the active one.
    ["GET", `${PS}/Releases`, "listPluginRelease", r.serializeRelease],
    ["POST", `${PS}/Releases`, "createPluginRelease", r.serializeRelease],
    ["GET", `${PS}/Releases/{Sid}`, "fetchPluginRelease", r.serializeRelease],
  ],
  (account) => account.flex,
);
