// The plugin's settings, read once from Flex's ui_attributes (written there by the infra).
import { DEFAULT_PLUGIN_SETTINGS, PLUGIN_SETTINGS_KEY, type PluginSettings } from "@flex-call-recovery/vocabulary";
import type { ServiceConfiguration } from "./types/ServiceConfiguration";

/** Settings with defaults for anything missing or of the wrong type. */
export function readSettings(serviceConfiguration: ServiceConfiguration | undefined): PluginSettings {
  const raw = serviceConfiguration?.ui_attributes?.[PLUGIN_SETTINGS_KEY] ?? {};
  const {
    serverlessDomain = "",
    autoAcceptReconnect = DEFAULT_PLUGIN_SETTINGS.autoAcceptReconnect,
    stallTimeoutSeconds = DEFAULT_PLUGIN_SETTINGS.stallTimeoutSeconds,
    reconnectedNoticeSeconds = DEFAULT_PLUGIN_SETTINGS.reconnectedNoticeSeconds,
    assetBaseUrl,
  } = raw;
  return {
    serverlessDomain: typeof serverlessDomain === "string" ? serverlessDomain.replace(/^https?:\/\//, "") : "",
    autoAcceptReconnect:
      typeof autoAcceptReconnect === "boolean" ? autoAcceptReconnect : DEFAULT_PLUGIN_SETTINGS.autoAcceptReconnect,
    stallTimeoutSeconds: positive(stallTimeoutSeconds, DEFAULT_PLUGIN_SETTINGS.stallTimeoutSeconds),
    reconnectedNoticeSeconds: positive(reconnectedNoticeSeconds, DEFAULT_PLUGIN_SETTINGS.reconnectedNoticeSeconds),
    ...(typeof assetBaseUrl === "string" && /^https?:\/\//.test(assetBaseUrl) ? { assetBaseUrl } : {}),
  };
}

function positive(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

let settings: PluginSettings | null = null;

/** Reads the settings on first use and keeps them for the page's life. */
export function getSettings(serviceConfiguration: ServiceConfiguration | undefined): PluginSettings {
  settings ??= readSettings(serviceConfiguration);
  return settings;
}

/** Without the functions' domain the plugin can do nothing useful (and says so once in the log). */
export function isConfigured(current: PluginSettings): boolean {
  return current.serverlessDomain !== "";
}
