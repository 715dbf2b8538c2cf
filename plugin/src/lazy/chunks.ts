// The lazy chunks (twilio-sync for the live recovery state; the supervisor view) and how the main
// bundle finds them.
//
// Flex 2.17's loader (`PluginManager` in @twilio/flex-ui's bundle) runs the main bundle either as a
// `<script src>` of the listed URL or, behind the `plugin-render-inject-src` flag, as an inline
// script whose text it fetched with the agent's token (`X-Flex-JWE`): then `document.currentScript`
// has no `src`. A private plugin version is served only with that token, which no script or
// `import()` of ours can add. So each chunk is a PUBLIC, content-hashed asset (no secret in
// either); the infra writes the folder's public URL into the plugin's settings
// (`assetBaseUrl`). Without that setting the chunk is looked for next to the main bundle's own URL
// (a script-src load, e.g. the dev server). The chunk is a classic script, like the main bundle:
// a module `import()` of another origin needs CORS headers, which Twilio does not promise for assets.
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";

declare const __FLEX_CALL_RECOVERY_CHUNKS__: Record<ChunkName, string> | undefined;

export type ChunkName = "sync" | "supervisor";

/** Global the chunk's script registers its exports under (per chunk name). */
export const CHUNK_REGISTRY = "__flexCallRecoveryChunks";

/** Content-hashed file names, defined by the build (names without hash under jest and tsx). */
export const CHUNK_FILES: Record<ChunkName, string> =
  typeof __FLEX_CALL_RECOVERY_CHUNKS__ !== "undefined"
    ? __FLEX_CALL_RECOVERY_CHUNKS__
    : { sync: `${PLUGIN_NAME}.sync.js`, supervisor: `${PLUGIN_NAME}.supervisor.js` };

let ownScriptUrl: string | null = null;

/** Must run while the main bundle executes: `document.currentScript` is only set then. */
export function rememberBundleUrl(): void {
  if (typeof document === "undefined") return;
  const current = document.currentScript as HTMLScriptElement | null;
  // Empty when Flex injected the bundle's text inline.
  ownScriptUrl = current?.src ? current.src : null;
}

/** Where the chunks are: the infra's public folder, else next to our own script, else unknown. */
export function chunkBaseUrl(assetBaseUrl: string | undefined): string | null {
  if (assetBaseUrl) return assetBaseUrl.endsWith("/") ? assetBaseUrl : `${assetBaseUrl}/`;
  return ownScriptUrl;
}

type Registry = Partial<Record<ChunkName, unknown>>;
function registry(): Registry {
  const global = window as unknown as Record<string, Registry | undefined>;
  return (global[CHUNK_REGISTRY] ??= {});
}

/** Called by a chunk's own script when it runs. */
export function registerChunk(name: ChunkName, exports: unknown): void {
  registry()[name] = exports;
}

const loaded = new Map<ChunkName, Promise<unknown>>();

/** Loads a chunk once with a classic `<script src>`; a failed load can be retried. */
export function loadChunk<T>(name: ChunkName, assetBaseUrl: string | undefined): Promise<T> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = new Promise<unknown>((resolve, reject) => {
      const base = chunkBaseUrl(assetBaseUrl);
      if (!base) throw new Error(`load ${name} chunk: no assetBaseUrl in the settings and no script URL of our own`);
      const url = new URL(CHUNK_FILES[name], base).href;
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => {
        const exports = registry()[name];
        if (exports) resolve(exports);
        else reject(new Error(`${url} ran but registered no ${name} chunk`));
      };
      script.onerror = () => reject(new Error(`load ${name} chunk: ${url} failed`));
      document.head.appendChild(script);
    });
    promise.catch(() => loaded.delete(name));
    loaded.set(name, promise);
  }
  return promise as Promise<T>;
}
