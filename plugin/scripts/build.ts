// `npm run build -w plugin`: writes plugin/build/: the main bundle (what Flex loads on every page)
// and the content-hashed chunks (public assets; see src/lazy/chunks.ts).
import fs from "node:fs";
import path from "node:path";
import { build, type Metafile } from "esbuild";
import { BUILD_DIR, chunkTarget, mainTarget } from "./buildConfig";

export interface BuiltPlugin {
  main: string;
  /** Chunk name → file name inside BUILD_DIR. */
  chunks: { sync: string; supervisor: string };
}

/** The output file name of the chunk whose entry point ends with `entry`. */
function outputOf(metafile: Metafile, entry: string): string {
  const found = Object.entries(metafile.outputs).find(([, out]) => out.entryPoint?.endsWith(entry));
  if (!found) throw new Error(`build: no output for ${entry}`);
  return path.basename(found[0]);
}

export async function buildPlugin(minify = true): Promise<BuiltPlugin> {
  // No wipe first: two test files may build at once; same sources give the same files. Files of
  // earlier builds (other hashes) are removed afterwards.
  const chunk = await build(chunkTarget(minify));
  const chunks = {
    sync: outputOf(chunk.metafile!, "sync/syncChunk.ts"),
    supervisor: outputOf(chunk.metafile!, "supervisor/supervisorChunk.ts"),
  };
  const main = mainTarget(minify, chunks);
  await build(main);
  const keep = new Set([path.basename(main.outfile as string), ...Object.values(chunks)]);
  for (const file of fs.readdirSync(BUILD_DIR))
    if (!keep.has(file)) fs.rmSync(path.join(BUILD_DIR, file), { force: true, recursive: true });
  return { main: main.outfile as string, chunks };
}

if (require.main === module) {
  const started = Date.now();
  buildPlugin().then(
    (built) =>
      console.log(`built ${built.main} and ${Object.values(built.chunks).join(", ")} in ${Date.now() - started} ms`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
