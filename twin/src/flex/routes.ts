// Flex's URL table (twilio_flex_v1.json): the Plugins API and the configuration. `Releases/Active`
// is the spec's `Releases/{Sid}` with Sid = "Active".
import { routeTable } from "../http/router";
import * as r from "./responses";

const PS = "/v1/PluginService";

export const flexRoutes = routeTable("flex-api.twilio.com", [
  // The account's Flex configuration (ui_attributes carries the plugin's settings).
  ["GET", "/v1/Configuration", r.fetchConfiguration],
  ["POST", "/v1/Configuration", r.updateConfiguration],
  // Plugins and their versions; archiving replaces deletion in this API.
  ["GET", `${PS}/Plugins`, r.listPlugin],
  ["POST", `${PS}/Plugins`, r.createPlugin],
  ["GET", `${PS}/Plugins/{Sid}`, r.fetchPlugin],
  ["POST", `${PS}/Plugins/{Sid}`, r.updatePlugin],
  ["POST", `${PS}/Plugins/{Sid}/Archive`, r.updatePluginArchive],
  ["GET", `${PS}/Plugins/{PluginSid}/Versions`, r.listPluginVersions],
  ["POST", `${PS}/Plugins/{PluginSid}/Versions`, r.createPluginVersion],
  ["GET", `${PS}/Plugins/{PluginSid}/Versions/{Sid}`, r.fetchPluginVersion],
  ["POST", `${PS}/Plugins/{PluginSid}/Versions/{Sid}/Archive`, r.updatePluginVersionArchive],
  // Configurations: immutable sets of plugin versions.
  ["GET", `${PS}/Configurations`, r.listPluginConfiguration],
  ["POST", `${PS}/Configurations`, r.createPluginConfiguration],
  ["GET", `${PS}/Configurations/{Sid}`, r.fetchPluginConfiguration],
  ["POST", `${PS}/Configurations/{Sid}/Archive`, r.updatePluginConfigurationArchive],
  ["GET", `${PS}/Configurations/{ConfigurationSid}/Plugins`, r.listConfiguredPlugin],
  ["GET", `${PS}/Configurations/{ConfigurationSid}/Plugins/{PluginSid}`, r.fetchConfiguredPlugin],
  // Releases: the newest is the active one.
  ["GET", `${PS}/Releases`, r.listPluginRelease],
  ["POST", `${PS}/Releases`, r.createPluginRelease],
  ["GET", `${PS}/Releases/{Sid}`, r.fetchPluginRelease],
]);
