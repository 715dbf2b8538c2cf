// esbuild settings of the plugin: one classic-script main bundle for Flex's loader plus ES-module
// chunks loaded on demand. Shared by the build and size scripts.
import path from "node:path";
import type { BuildOptions, Plugin } from "esbuild";
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";
import { CHUNK_FILES } from "../src/lazy/chunks";

export const PLUGIN_DIR = path.resolve(__dirname, "..");
export const BUILD_DIR = path.join(PLUGIN_DIR, "build");
export const MAIN_FILE = `${PLUGIN_NAME}.js`;

const pkg = require(path.join(PLUGIN_DIR, "package.json")) as { version: string };
const flexUiVersion = (require("@twilio/flex-ui/package.json") as { version: string }).version;
const reactVersion = (require("react/package.json") as { version: string }).version;

/**
 * Modules Flex provides as globals at runtime, mapped the way Flex's own plugin builder maps them.
 * `Twilio.FlexProxy[name]` is the per-plugin proxy Flex may hand a plugin; `Twilio.Flex` otherwise.
 */
const FLEX_GLOBALS: Record<string, string> = {
  react: "window.React",
  "react-dom": "window.ReactDOM",
  redux: "window.Redux",
  "react-redux": "window.ReactRedux",
  "@twilio/flex-ui": `(window.Twilio.FlexProxy && window.Twilio.FlexProxy[${JSON.stringify(PLUGIN_NAME)}]) || window.Twilio.Flex`,
};

const flexGlobals: Plugin = {
  name: "flex-globals",
  setup(build) {
    build.onResolve({ filter: /^(react|react-dom|redux|react-redux|@twilio\/flex-ui)$/ }, (args) => ({
      path: args.path,
      namespace: "flex-global",
    }));
    build.onLoad({ filter: /.*/, namespace: "flex-global" }, (args) => ({
      contents: `module.exports = ${FLEX_GLOBALS[args.path]};`,
      loader: "js",
    }));
  },
};

/** The constants Flex's plugin builder defines (its loader code and some libraries read them). */
const FPB_DEFINES: Record<string, string> = {
  __FPB_PLUGIN_UNIQUE_NAME: JSON.stringify(PLUGIN_NAME),
  __FPB_PLUGIN_VERSION: JSON.stringify(pkg.version),
  __FPB_FLEX_PLUGIN_SCRIPTS_VERSION: JSON.stringify("esbuild"),
  __FPB_FLEX_PLUGIN_VERSION: JSON.stringify("esbuild"),
  __FPB_FLEX_UI_VERSION: JSON.stringify(flexUiVersion),
  __FPB_REACT_VERSION: JSON.stringify(reactVersion),
  __FPB_REACT_DOM_VERSION: JSON.stringify(reactVersion),
  __FPB_CRACO_CONFIG_FLEX_PLUGIN_VERSION: JSON.stringify("esbuild"),
  "process.env.NODE_ENV": JSON.stringify("production"),
};

const common: BuildOptions = {
  bundle: true,
  platform: "browser",
  target: "es2020",
  jsx: "transform",
  jsxFactory: "React.createElement",
  jsxFragment: "React.Fragment",
  define: FPB_DEFINES,
  plugins: [flexGlobals],
  legalComments: "eof",
  logLevel: "warning",
  tsconfig: path.join(PLUGIN_DIR, "tsconfig.json"),
};

/** The three outputs; `minify` false gives the "raw" size the size script reports. */
export function buildTargets(minify: boolean): { label: string; options: BuildOptions }[] {
  return [
    {
      label: "main",
      options: {
        ...common,
        minify,
        format: "iife",
        entryPoints: [path.join(PLUGIN_DIR, "src/index.ts")],
        outfile: path.join(BUILD_DIR, MAIN_FILE),
      },
    },
    {
      label: "sync chunk",
      options: {
        ...common,
        minify,
        format: "esm",
        entryPoints: [path.join(PLUGIN_DIR, "src/sync/stateWatcher.ts")],
        outfile: path.join(BUILD_DIR, CHUNK_FILES.sync),
      },
    },
    {
      label: "dialog chunk",
      options: {
        ...common,
        minify,
        format: "esm",
        entryPoints: [path.join(PLUGIN_DIR, "src/custom-components/RecoveryDialog/RecoveryDialog.tsx")],
        outfile: path.join(BUILD_DIR, CHUNK_FILES.dialog),
      },
    },
    {
      label: "supervisor chunk",
      options: {
        ...common,
        minify,
        format: "esm",
        entryPoints: [path.join(PLUGIN_DIR, "src/supervisor/RecoveriesView.tsx")],
        outfile: path.join(BUILD_DIR, CHUNK_FILES.supervisor),
      },
    },
  ];
}
