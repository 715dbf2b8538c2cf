// Builds the deployable Twilio Serverless project into functions/build:
//   build/functions/**.js  one bundle per handler (path = URL; .protected/.private kept),
//   build/package.json     dependencies: only the registry packages left external.
// The vocabulary and our own modules are bundled into every function file, so the deployment
// needs nothing that is not on the npm registry.
import { build } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..");
const functionsDir = join(root, "src", "functions");
/** Where `npm run build` writes the Serverless project. */
export const BUILD_DIR = join(root, "build");

/** Packages the Serverless build installs from npm; everything else is bundled. */
const REGISTRY_DEPENDENCIES = ["twilio"];

function handlerFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return handlerFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Builds every handler under src/functions into `outDir`; returns the built files (relative). */
export async function buildFunctions(outDir: string = BUILD_DIR): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = handlerFiles(functionsDir);
  await build({
    entryPoints,
    outdir: join(outDir, "functions"),
    outbase: functionsDir,
    bundle: true,
    platform: "node",
    // The Serverless runtime's Node version (18 at the oldest).
    target: "node18",
    format: "cjs",
    external: REGISTRY_DEPENDENCIES.flatMap((name) => [name, `${name}/*`]),
    logLevel: "warning",
  });

  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const dependencies = Object.fromEntries(REGISTRY_DEPENDENCIES.map((name) => [name, pkg.dependencies[name]]));
  mkdirSync(join(outDir, "assets"), { recursive: true });
  writeFileSync(
    join(outDir, "package.json"),
    `${JSON.stringify({ name: "flex-call-recovery-functions", version: "0.1.0", private: true, dependencies }, null, 2)}\n`,
  );
  return entryPoints.map((file) => relative(functionsDir, file).replace(/\.ts$/, ".js"));
}

if (require.main === module) {
  buildFunctions()
    .then((built) => {
      console.log(
        `functions: built ${built.length} functions into ${relative(process.cwd(), BUILD_DIR) || "."}/functions`,
      );
      for (const file of built) console.log(`  ${file}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
