// Runs the Pulumi CLI (the engine built by tools/pulumi, `npm run engine`) on the repository's own
// Pulumi.yaml program from the repository root — the commands a user runs — with a local file
// backend and the stack's config in a folder of its own (the repository's Pulumi.<stack>.yaml files
// are left alone). The engine tests, the demo and the bench deploy through it; a missing engine is
// built first (the same script as `npm run engine`).
import { spawn } from "child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { basename, delimiter, join, resolve } from "path";

/** The repository root: where Pulumi.yaml is and where every command runs. */
export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

interface EngineBuild {
  ensureEngine(log?: (line: string) => void): string;
  pinnedVersion(): string;
}

/** tools/pulumi/engine.cjs: builds the pinned engine into bin/ when missing; returns bin/. */
export function ensureEngine(log?: (line: string) => void): string {
  const engine = require(join(REPO_ROOT, "tools", "pulumi", "engine.cjs")) as EngineBuild;
  return engine.ensureEngine(log);
}

export interface PulumiResult {
  /** The command as run (without the common flags). */
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

export class PulumiCommandError extends Error {
  constructor(readonly result: PulumiResult) {
    super(
      `${result.command} exited with ${result.code}\n--- stdout\n${result.stdout.slice(-6000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
    );
  }
}

export interface LocalPulumiOptions {
  stack: string;
  /** Environment of every command on top of this process's (Twilio credentials, the twin's URL …). */
  env?: Record<string, string>;
  /** Holds the file backend, PULUMI_HOME and the stack's config file; default a new temp folder. */
  workDir?: string;
  /** The passphrase secrets provider's passphrase. */
  passphrase?: string;
  /** Progress lines (engine build). */
  log?: (line: string) => void;
  /** Longest a command may take before it is killed (ms); default 10 minutes. */
  timeoutMs?: number;
}

export interface RunOptions {
  /** Resolve with a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  /** Extra environment for this command. */
  env?: Record<string, string>;
  /** Aborting kills the command and every process it started (SIGKILL to its process group). */
  signal?: AbortSignal;
}

/** Commands that read the stack's config take `--config-file`. */
const CONFIG_COMMANDS = new Set(["up", "preview", "refresh", "destroy", "config"]);

export class LocalPulumi {
  readonly workDir: string;
  readonly stack: string;
  readonly backendUrl: string;
  /** The stack's config file (instead of the repository's Pulumi.<stack>.yaml). */
  readonly configFile: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly ownsWorkDir: boolean;
  private readonly timeoutMs: number;

  private constructor(binDir: string, options: LocalPulumiOptions) {
    this.ownsWorkDir = !options.workDir;
    this.workDir = options.workDir ?? mkdtempSync(join(tmpdir(), "fcr-pulumi-"));
    this.stack = options.stack;
    this.backendUrl = `file://${join(this.workDir, "state")}`;
    this.configFile = join(this.workDir, `Pulumi.${options.stack}.yaml`);
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    mkdirSync(join(this.workDir, "state"), { recursive: true });
    mkdirSync(join(this.workDir, "home"), { recursive: true });
    this.env = {
      ...process.env,
      ...options.env,
      // The engine, our language host and the dynamic-provider launcher, first on PATH.
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`,
      // Credentials and plugins of this workspace only (never the user's ~/.pulumi).
      PULUMI_HOME: join(this.workDir, "home"),
      PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "offline-engine-tests",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
    };
    delete this.env.PULUMI_ACCESS_TOKEN;
    delete this.env.PULUMI_BACKEND_URL;
  }

  /** Builds the engine if needed, logs in to a file backend and creates the stack unless it exists. */
  static async open(options: LocalPulumiOptions): Promise<LocalPulumi> {
    const binDir = ensureEngine(options.log);
    const pulumi = new LocalPulumi(binDir, options);
    await pulumi.run(["login", pulumi.backendUrl]);
    if (!existsSync(pulumi.configFile)) await pulumi.initStack();
    return pulumi;
  }

  /**
   * `pulumi stack init` writes the passphrase provider's salt into Pulumi.<stack>.yaml beside the
   * project file, and has no --config-file: it runs here on a copy of Pulumi.yaml (only the project's
   * name matters to it), so the salt lands in this stack's config file, not in the repository.
   */
  private async initStack(): Promise<void> {
    copyFileSync(join(REPO_ROOT, "Pulumi.yaml"), join(this.workDir, "Pulumi.yaml"));
    await this.run(["stack", "init", this.stack, "--cwd", this.workDir]);
  }

  /**
   * `pulumi <args>` from the repository root with `--stack` (and `--config-file` where it applies).
   * Throws PulumiCommandError on a non-zero exit unless `allowFailure`.
   */
  run(args: string[], options: RunOptions = {}): Promise<PulumiResult> {
    const [command] = args;
    const stackArgs = command === "login" || (command === "stack" && args[1] === "init") ? [] : ["--stack", this.stack];
    const configArgs = CONFIG_COMMANDS.has(command) ? ["--config-file", this.configFile] : [];
    const flags = [...stackArgs, ...configArgs, "--non-interactive", "--color", "never"];
    // Flags go before a `--` (after it everything is a value).
    const dashes = args.indexOf("--");
    const full = dashes < 0 ? [...args, ...flags] : [...args.slice(0, dashes), ...flags, ...args.slice(dashes)];
    return this.spawn(full, `pulumi ${args.join(" ")}`, options);
  }

  /** `pulumi <args>` exactly as given (no flags added), in `cwd` (default the repository root). */
  runExact(args: string[], options: RunOptions & { cwd?: string } = {}): Promise<PulumiResult> {
    return this.spawn(args, `pulumi ${args.join(" ")}`, options);
  }

  private spawn(args: string[], shown: string, options: RunOptions & { cwd?: string }): Promise<PulumiResult> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn("pulumi", args, {
        cwd: options.cwd ?? REPO_ROOT,
        env: { ...this.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so a kill reaches the language host, the program and the providers too.
        detached: Boolean(options.signal),
      });
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      };
      if (options.signal?.aborted) killGroup();
      options.signal?.addEventListener("abort", killGroup, { once: true });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), this.timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        const result = { command: shown, code, stdout, stderr };
        if (code !== 0 && !options.allowFailure) reject(new PulumiCommandError(result));
        else resolvePromise(result);
      });
    });
  }

  /** `pulumi config set` (secret with `secret`); short keys get the project's namespace. */
  async setConfig(values: Record<string, string>, options: { secret?: boolean } = {}): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      await this.run(["config", "set", ...(options.secret ? ["--secret"] : []), qualify(key), "--", value]);
    }
  }

  async removeConfig(...keys: string[]): Promise<void> {
    for (const key of keys) await this.run(["config", "rm", qualify(key)]);
  }

  preview(...extra: string[]): Promise<PulumiResult> {
    return this.run(["preview", ...extra]);
  }

  up(...extra: string[]): Promise<PulumiResult> {
    return this.run(["up", "--yes", ...extra]);
  }

  refresh(...extra: string[]): Promise<PulumiResult> {
    return this.run(["refresh", "--yes", ...extra]);
  }

  destroy(...extra: string[]): Promise<PulumiResult> {
    return this.run(["destroy", "--yes", ...extra]);
  }

  /** `pulumi stack output --json` (secrets shown as "[secret]" unless `showSecrets`). */
  async outputs(options: { showSecrets?: boolean } = {}): Promise<Record<string, unknown>> {
    const result = await this.run(["stack", "output", "--json", ...(options.showSecrets ? ["--show-secrets"] : [])]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /**
   * A process killed while the file backend writes the checkpoint can leave `<stack>.json` truncated
   * (the CLI then says "failed to load checkpoint"). Before each write the backend copies the
   * previous checkpoint to `<stack>.json.bak` (`backupTarget` in pulumi's pkg/backend/diy/state.go;
   * users restore it so: https://github.com/pulumi/pulumi/issues/2801). This puts it back; false
   * when there is none.
   */
  restoreCheckpointBackup(): boolean {
    const stacks = join(this.workDir, "state", ".pulumi", "stacks");
    if (!existsSync(stacks)) return false;
    const backups = readdirSync(stacks, { recursive: true, encoding: "utf8" }).filter(
      (file) => basename(file) === `${this.stack}.json.bak`,
    );
    for (const backup of backups) copyFileSync(join(stacks, backup), join(stacks, backup.slice(0, -".bak".length)));
    return backups.length > 0;
  }

  /** `pulumi stack export`: the checkpoint as the backend stores it (secrets encrypted). */
  async exportStack(): Promise<{ text: string; deployment: StackDeployment }> {
    const result = await this.run(["stack", "export"]);
    return {
      text: result.stdout,
      deployment: (JSON.parse(result.stdout) as { deployment: StackDeployment }).deployment,
    };
  }

  /** Removes the work folder when this object made it. */
  dispose(): void {
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** The parts of `pulumi stack export` the tests read. */
export interface StackDeployment {
  resources?: {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    protect?: boolean;
  }[];
  pending_operations?: { type: string; resource: { urn: string } }[];
}

/** The "Resources:" lines the CLI prints at the end of preview/up/refresh/destroy ("+ 14 created", "14 unchanged"). */
export function summaryLines(stdout: string): string[] {
  const lines = stdout.split("\n");
  // `up` prints its preview's summary first: the last one is the result.
  const start = lines.map((l) => /^Resources:\s*$/.test(l)).lastIndexOf(true);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) break;
    out.push(line.trim());
  }
  return out;
}

/** The summary as counts: `{ created: 14 }`, `{ "to update": 2, unchanged: 12 }` … */
export function resourceSummary(stdout: string): Record<string, number> {
  const lines = summaryLines(stdout);
  if (!lines.length) throw new Error(`no "Resources:" summary in:\n${stdout}`);
  const summary: Record<string, number> = {};
  for (const line of lines) {
    // "+ 12 created", "~ 3 to update", "+-2 to replace", "5 changes. 13 unchanged"
    for (const part of line.split(". ")) {
      const match = /^(?:[+~-]+\s*)?(\d+) (.+)$/.exec(part.trim());
      if (match && match[2] !== "changes") summary[match[2]] = Number(match[1]);
    }
  }
  return summary;
}

const PROJECT = "flex-call-recovery";

function qualify(key: string): string {
  return key.includes(":") ? key : `${PROJECT}:${key}`;
}
