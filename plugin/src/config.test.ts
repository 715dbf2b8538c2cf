import { DEFAULT_PLUGIN_SETTINGS, PLUGIN_SETTINGS_KEY } from "@flex-call-recovery/vocabulary";
import { isConfigured, readSettings } from "./config";

describe("readSettings", () => {
  it("takes the infra's settings from ui_attributes", () => {
    const settings = readSettings({
      ui_attributes: {
        [PLUGIN_SETTINGS_KEY]: {
          serverlessDomain: "https://fcr-1234-dev.twil.io",
          autoAcceptReconnect: false,
          stallTimeoutSeconds: 20,
          reconnectedNoticeSeconds: 5,
          assetBaseUrl: "https://default-1234-dev.twil.io/plugins/plugin-flex-call-recovery/0.1.0/",
        },
      },
    });
    expect(settings).toEqual({
      serverlessDomain: "fcr-1234-dev.twil.io",
      autoAcceptReconnect: false,
      stallTimeoutSeconds: 20,
      reconnectedNoticeSeconds: 5,
      assetBaseUrl: "https://default-1234-dev.twil.io/plugins/plugin-flex-call-recovery/0.1.0/",
    });
    expect(isConfigured(settings)).toBe(true);
  });

  it("falls back to the defaults for missing or malformed values", () => {
    const settings = readSettings({
      ui_attributes: {
        [PLUGIN_SETTINGS_KEY]: {
          autoAcceptReconnect: "yes",
          stallTimeoutSeconds: -1,
          assetBaseUrl: "javascript:alert(1)",
        },
      },
    });
    expect(settings).toEqual({ serverlessDomain: "", ...DEFAULT_PLUGIN_SETTINGS });
    expect(isConfigured(settings)).toBe(false);
    expect(readSettings(undefined)).toEqual(settings);
  });
});
