// The plugin's runtime settings, written by the infra into Flex's `ui_attributes` under one
// key and read by the plugin on load, so one bundle serves every stack.

/** Key under Flex configuration `ui_attributes` that holds {@link PluginSettings}. */
export const PLUGIN_SETTINGS_KEY = "flexCallRecovery";

/** Unique name of the plugin in the Flex Plugins API. */
export const PLUGIN_NAME = "plugin-flex-call-recovery";

export interface PluginSettings {
  /** Domain of the deployed functions, e.g. `flex-call-recovery-1234-dev.twil.io`. */
  serverlessDomain: string;
  /** Accept the reconnect reservation automatically (off for centres with their own auto-answer). */
  autoAcceptReconnect: boolean;
  /** Seconds the dialog waits for the recovery state to move before letting the agent continue. */
  stallTimeoutSeconds: number;
  /** Seconds "Reconnected" stays on screen. */
  reconnectedNoticeSeconds: number;
  /**
   * Public URL of the folder holding the plugin's lazy chunk (the infra uploads it as a public asset).
   * Absent: the chunk is looked for next to the plugin's own script URL.
   */
  assetBaseUrl?: string;
}

export const DEFAULT_PLUGIN_SETTINGS: Omit<PluginSettings, "serverlessDomain"> = {
  autoAcceptReconnect: true,
  stallTimeoutSeconds: 45,
  reconnectedNoticeSeconds: 3,
};
