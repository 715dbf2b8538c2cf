// The plugin's side: its runtime settings in Flex's `ui_attributes` (with the functions' domain)
// and, when a bundle is given, the plugin uploaded, registered and released; the settings carry
// the released version's public folder (assetBaseUrl) for the lazy chunks.
import * as pulumi from "@pulumi/pulumi";
import { PLUGIN_SETTINGS_KEY, type PluginSettings } from "@flex-call-recovery/vocabulary";
import { FlexPluginRelease, FlexUiAttribute } from "pulumi-twilio";

export interface PluginBundleArgs {
  name: pulumi.Input<string>;
  version: pulumi.Input<string>;
  buildDir: pulumi.Input<string>;
  mainFile: pulumi.Input<string>;
  bundleHash: pulumi.Input<string>;
  /** Plugins taken out of the same release (an older plugin doing the same job). */
  supersedes: pulumi.Input<pulumi.Input<string>[]>;
}

export interface PluginReleaseArgs {
  /** Where the plugin finds the functions. */
  functionsDomain: pulumi.Input<string>;
  /** Runtime settings of the plugin other than the functions' domain (added here). */
  settings: pulumi.Input<Omit<PluginSettings, "serverlessDomain">>;
  /** The plugin to release; null leaves plugin releases alone. */
  bundle: PluginBundleArgs | null;
}

export class PluginRelease extends pulumi.ComponentResource {
  public readonly pluginSid: pulumi.Output<string | null>;
  public readonly pluginVersionSid: pulumi.Output<string | null>;
  public readonly pluginVersion: pulumi.Output<string | null>;
  public readonly pluginUrl: pulumi.Output<string | null>;
  public readonly releaseSid: pulumi.Output<string | null>;

  constructor(name: string, args: PluginReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flex-call-recovery:index:PluginRelease", name, {}, opts);

    const bundle = args.bundle;
    const plugin = bundle
      ? new FlexPluginRelease(
          `${name}-release`,
          {
            pluginName: bundle.name,
            version: bundle.version,
            buildDir: bundle.buildDir,
            mainFile: bundle.mainFile,
            bundleHash: bundle.bundleHash,
            changelog: pulumi.interpolate`flex-call-recovery ${bundle.version}`,
            supersedes: bundle.supersedes,
          },
          { parent: this },
        )
      : null;

    // One plugin bundle serves every stack: it finds this stack's functions, and where its lazy
    // chunks are (the released version's public folder), through ui_attributes. Written after the
    // release, which is what knows that folder; until then a freshly loaded plugin has no settings
    // and does nothing (on a stack's first deploy only).
    new FlexUiAttribute(
      `${name}-settings`,
      {
        key: PLUGIN_SETTINGS_KEY,
        value: pulumi
          .all([args.functionsDomain, args.settings, plugin ? plugin.assetBaseUrl : undefined])
          .apply(
            ([serverlessDomain, s, assetBaseUrl]) =>
              ({ ...s, serverlessDomain, ...(assetBaseUrl ? { assetBaseUrl } : {}) }) satisfies PluginSettings,
          ),
      },
      { parent: this },
    );

    // Null rather than absent when the plugin part is off: outputs keep one shape per stack.
    this.pluginSid = plugin ? plugin.pluginSid : pulumi.output(null);
    this.pluginVersionSid = plugin ? plugin.pluginVersionSid : pulumi.output(null);
    this.pluginVersion = plugin ? plugin.version : pulumi.output(null);
    this.pluginUrl = plugin ? plugin.pluginUrl : pulumi.output(null);
    this.releaseSid = plugin ? plugin.releaseSid : pulumi.output(null);
    this.registerOutputs({
      pluginSid: this.pluginSid,
      pluginVersionSid: this.pluginVersionSid,
      pluginVersion: this.pluginVersion,
      pluginUrl: this.pluginUrl,
      releaseSid: this.releaseSid,
    });
  }
}
