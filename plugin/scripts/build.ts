// `npm run build -w plugin`: writes plugin/build/: the main bundle (what Flex loads on every page)
// and the content-hashed Sync chunk (a public asset; see src/lazy/chunks.ts).
import fs from "node:fs";
import path from "node:path";
import { build, type Metafile } from "esbuild";
import { BUILD_DIR, chunkTarget, mainTarget } from "./buildConfig";

export interface BuiltPlugin {
  main: string;
  /** Chunk name → file name inside BUILD_DIR. */
  chunks: { sync: string };
}

/** File name of each entry in a metafile (entry point relative path → output file name). */
function outputsOf(metafile: Metafile): string[] {
  return Object.entries(metafile.outputs)
    .filter(([, out]) => out.entryPoint)
    .map(([file]) => path.basename(file));
}

export async function buildPlugin(minify = true): Promise<BuiltPlugin> {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  const chunk = await build(chunkTarget(minify));
  const [sync] = outputsOf(chunk.metafile!);
  const chunks = { sync };
  const main = mainTarget(minify, chunks);
  await build(main);
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
