// esbuild settings of the plugin: one classic-script main bundle for Flex's loader, plus the Sync
// chunk, a classic script too, content-hashed, loaded on demand (src/lazy/chunks.ts says why).
// Shared by the build, size and dev scripts.
import path from "node:path";
import type { BuildOptions, Plugin } from "esbuild";
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";

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

/** The chunks: IIFEs whose scripts register their exports (src/sync/syncChunk.ts, src/supervisor/supervisorChunk.ts). */
export function chunkTarget(minify: boolean): BuildOptions {
  return {
    ...common,
    minify,
    format: "iife",
    entryPoints: {
      [`${PLUGIN_NAME}.sync`]: path.join(PLUGIN_DIR, "src/sync/syncChunk.ts"),
      [`${PLUGIN_NAME}.supervisor`]: path.join(PLUGIN_DIR, "src/supervisor/supervisorChunk.ts"),
    },
    entryNames: "[name].[hash]",
    outdir: BUILD_DIR,
    metafile: true,
  };
}

/** The main bundle, told the chunks' file names (content-hashed) at build time. */
export function mainTarget(minify: boolean, chunkFiles: Record<string, string>): BuildOptions {
  return {
    ...common,
    minify,
    format: "iife",
    define: { ...FPB_DEFINES, __FLEX_CALL_RECOVERY_CHUNKS__: JSON.stringify(chunkFiles) },
    entryPoints: [path.join(PLUGIN_DIR, "src/index.ts")],
    outfile: path.join(BUILD_DIR, MAIN_FILE),
  };
}
