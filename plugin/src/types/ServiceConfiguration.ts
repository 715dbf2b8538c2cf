// The part of Flex's service configuration this plugin reads.
import type { PLUGIN_SETTINGS_KEY, PluginSettings } from "@flex-call-recovery/vocabulary";

export interface ServiceConfiguration {
  ui_attributes?: {
    /** Written by the infra; may be partial or missing on a stack that was never deployed. */
    [PLUGIN_SETTINGS_KEY]?: Partial<Record<keyof PluginSettings, unknown>>;
  };
}
