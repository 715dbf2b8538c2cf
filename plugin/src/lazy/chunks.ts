// Lazy chunks live next to the main bundle: the infra uploads every file of plugin/build/ under one
// base path, so a chunk's URL is the main bundle's own URL with another file name. The main bundle
// is a classic script (Flex's loader adds a <script> tag); chunks are ES modules loaded by import().
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";

/** File names of the chunks next to `${PLUGIN_NAME}.js` (the build writes exactly these). */
export const CHUNK_FILES = {
  sync: `${PLUGIN_NAME}.sync.js`,
  dialog: `${PLUGIN_NAME}.dialog.js`,
  supervisor: `${PLUGIN_NAME}.supervisor.js`,
} as const;
export type ChunkName = keyof typeof CHUNK_FILES;

let bundleUrl: string | null = null;

/** Must run while the main bundle executes: `document.currentScript` is only set then. */
export function rememberBundleUrl(): void {
  if (typeof document === "undefined") return;
  const current = document.currentScript as HTMLScriptElement | null;
  if (current?.src) {
    bundleUrl = current.src;
    return;
  }
  // Loaded some other way: find our own script tag.
  const tag = document.querySelector<HTMLScriptElement>(`script[src*="${PLUGIN_NAME}"]`);
  bundleUrl = tag?.src ?? null;
}

export function chunkUrl(name: ChunkName): string {
  if (!bundleUrl) throw new Error(`load ${name} chunk: the plugin bundle's URL is unknown`);
  return new URL(CHUNK_FILES[name], bundleUrl).href;
}

const loaded = new Map<ChunkName, Promise<unknown>>();

/** Imports a chunk once; a failed load can be retried. */
export function loadChunk<T>(name: ChunkName): Promise<T> {
  let promise = loaded.get(name);
  if (!promise) {
    // A runtime import() of a URL (not a literal), which the bundler leaves alone.
    promise = Promise.resolve(name)
      .then(chunkUrl)
      .then((url) => import(/* webpackIgnore: true */ url));
    promise.catch(() => loaded.delete(name));
    loaded.set(name, promise);
  }
  return promise as Promise<T>;
}
