// `npm run build -w plugin`: writes plugin/build/ (main bundle + lazy chunks), all of which the
// infra uploads under one base path.
import fs from "node:fs";
import { build } from "esbuild";
import { BUILD_DIR, buildTargets } from "./buildConfig";

export async function buildPlugin(): Promise<string[]> {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  const targets = buildTargets(true);
  await Promise.all(targets.map((t) => build(t.options)));
  return targets.map((t) => t.options.outfile as string);
}

if (require.main === module) {
  const started = Date.now();
  buildPlugin().then(
    (files) => console.log(`built ${files.length} files into ${BUILD_DIR} in ${Date.now() - started} ms`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
