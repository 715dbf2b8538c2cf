// The built artefacts the stack deploys and serves: functions/build and plugin/build, made by the
// parts' own build scripts when missing or older than their sources (a clean clone has neither).
// Test files run in parallel jest workers, so building is serialised with a lock directory.
import { spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export const REPO_ROOT = join(__dirname, "..", "..", "..");

interface Artefact {
  name: string;
  workspace: string;
  sources: string[];
  output: string;
}

const ARTEFACTS: Artefact[] = [
  { name: "functions", workspace: "functions", sources: ["src", "scripts"], output: "build" },
  { name: "plugin", workspace: "plugin", sources: ["src", "scripts"], output: "build" },
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

function oldestFile(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const times = readdirSync(path).map((name) => oldestFile(join(path, name)));
  return times.length ? Math.min(...times) : 0;
}

function stale(artefact: Artefact): boolean {
  const dir = join(REPO_ROOT, artefact.workspace);
  const built = oldestFile(join(dir, artefact.output));
  return built === 0 || built < Math.max(...artefact.sources.map((s) => newestMtime(join(dir, s))));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding a machine-wide lock (a directory); waits at most `maxMs`. */
function withLock<T>(name: string, fn: () => T, maxMs = 120_000): T {
  const lock = join(tmpdir(), `flex-call-recovery-${name}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the wait bound was left by a killed process.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > maxMs)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > maxMs) throw new Error(`build ${name}: lock ${lock} held for over ${maxMs} ms`);
      sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds what is missing or stale with `npm run build -w <workspace>`; returns what it built. */
export function ensureBuilds(log: (line: string) => void = () => undefined): string[] {
  const built: string[] = [];
  for (const artefact of ARTEFACTS) {
    if (!stale(artefact)) continue;
    withLock(artefact.name, () => {
      if (!stale(artefact)) return; // built by another process meanwhile
      log(`building ${artefact.name} (npm run build -w ${artefact.workspace})…`);
      const result = spawnSync("npm", ["run", "build", "-w", artefact.workspace], { cwd: REPO_ROOT, encoding: "utf8" });
      if (result.status !== 0) {
        throw new Error(`build ${artefact.name}: exit ${result.status}: ${result.stderr || result.stdout}`);
      }
      built.push(artefact.name);
    });
  }
  return built;
}

/**
 * A private copy of plugin/build for this process to deploy: the plugin's own tests rebuild
 * plugin/build (remove, then write) and may run at the same time in another jest worker.
 */
export function pluginBuildSnapshot(): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "flex-call-recovery-plugin-"));
  const dir = join(root, "build");
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      cpSync(join(REPO_ROOT, "plugin", "build"), dir, { recursive: true });
      if (readdirSync(dir).length === 0) throw new Error("plugin/build is empty");
      break;
    } catch (error) {
      if (attempt >= 5) throw new Error(`copy plugin/build: ${(error as Error).message}`);
      sleep(200 * attempt);
      if (stale(ARTEFACTS[1])) ensureBuilds();
    }
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
