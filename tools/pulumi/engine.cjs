// Builds the Pulumi engine for offline tests and CI (tools/pulumi/README.md): `pulumi` from
// github.com/pulumi/pulumi/pkg/v3 at the version pinned in go.mod, our Node.js language host, and the
// dynamic-provider launcher, into a cache outside the repository, linked from `bin/`. Skips
// everything when the pinned binaries are already there. `npm run engine` runs it; the engine
// tests' global set-up calls `ensureEngine()`.
const { createHash } = require("crypto");
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const TOOLS_DIR = __dirname;
const REPO_ROOT = path.resolve(TOOLS_DIR, "..", "..");
const BIN_DIR = path.join(REPO_ROOT, "bin");
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
const HOST_PACKAGE = "./cmd/pulumi-language-nodejs";
const BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];

// Pulumi's engine starts the Node.js dynamic provider as plugin "pulumi-nodejs", i.e. the
// executable `pulumi-resource-pulumi-nodejs` next to `pulumi` or on PATH; the CLI distribution
// ships it as a shell script that runs @pulumi/pulumi's cmd/dynamic-provider (pulumi/pulumi:
// sdk/nodejs/dist/pulumi-resource-pulumi-nodejs). The engine starts it in the program's folder.
const LAUNCHER = `#!/bin/sh
# Started by the Pulumi engine for dynamic providers: @pulumi/pulumi's dynamic-provider host,
# resolved from the working directory (the Pulumi project).
script=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
`;

/** The pulumi/pkg version go.mod pins (also the CLI's reported version). */
function pinnedVersion() {
  const goMod = fs.readFileSync(path.join(TOOLS_DIR, "go.mod"), "utf8");
  const match = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+)/.exec(goMod);
  if (!match) throw new Error("tools/pulumi/go.mod pins no github.com/pulumi/pulumi/pkg/v3 version");
  return match[1];
}

function goCommand() {
  const found = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (found.error || found.status !== 0) {
    throw new Error(
      "the Pulumi engine build needs Go (`go` on PATH, 1.25 or newer): install Go, or install the Pulumi CLI " +
        "and put `pulumi` on PATH as the README says",
    );
  }
  return found.stdout.trim();
}

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** What the binaries are built from: go.mod, go.sum, the host's sources, the launcher, Go's version. */
function buildKey(goVersion) {
  const hash = createHash("sha256");
  const inputs = [
    "go.mod",
    "go.sum",
    ...filesUnder(path.join(TOOLS_DIR, "cmd")).map((f) => path.relative(TOOLS_DIR, f)),
  ];
  for (const file of inputs) hash.update(`${file}\0`).update(fs.readFileSync(path.join(TOOLS_DIR, file)));
  hash.update(LAUNCHER).update(goVersion).update(`${process.platform}-${process.arch}`);
  return hash.digest("hex").slice(0, 12);
}

function cacheRoot() {
  if (process.env.FLEX_CALL_RECOVERY_CACHE) return process.env.FLEX_CALL_RECOVERY_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "flex-call-recovery");
}

/** The cache folder of the pinned engine; it holds the three binaries once built. */
function engineCacheDir() {
  const goVersion = goCommand();
  return path.join(cacheRoot(), `pulumi-${pinnedVersion()}-${goVersion}-${buildKey(goVersion)}`);
}

function complete(dir) {
  return BINARIES.every((b) => fs.existsSync(path.join(dir, b)));
}

function linked(dir) {
  return BINARIES.every((b) => {
    try {
      return fs.readlinkSync(path.join(BIN_DIR, b)) === path.join(dir, b);
    } catch {
      return false;
    }
  });
}

function go(args, env, log) {
  log(`engine: go ${args.join(" ")}`);
  execFileSync("go", args, { cwd: TOOLS_DIR, env, stdio: ["ignore", "inherit", "inherit"] });
}

function build(dir, log) {
  const version = pinnedVersion();
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  // Pulumi's release builds stamp the version the same way (its Makefile's -X …/version.Version).
  const env = { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false" };
  const started = Date.now();
  go(
    [
      "build",
      "-ldflags",
      `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
      "-o",
      path.join(staging, "pulumi"),
      CLI_PACKAGE,
    ],
    env,
    log,
  );
  go(
    [
      "build",
      "-ldflags",
      `-X main.hostVersion=${version}`,
      "-o",
      path.join(staging, "pulumi-language-nodejs"),
      HOST_PACKAGE,
    ],
    env,
    log,
  );
  fs.writeFileSync(path.join(staging, "pulumi-resource-pulumi-nodejs"), LAUNCHER, { mode: 0o755 });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  log(`engine: built in ${((Date.now() - started) / 1000).toFixed(0)} s into ${dir}`);
}

function link(dir) {
  fs.mkdirSync(BIN_DIR, { recursive: true });
  for (const b of BINARIES) {
    // Replaced by a rename, so a process starting `bin/pulumi` meanwhile never finds it missing.
    const staged = path.join(BIN_DIR, `.${b}.${process.pid}`);
    fs.rmSync(staged, { force: true });
    fs.symlinkSync(path.join(dir, b), staged);
    fs.renameSync(staged, path.join(BIN_DIR, b));
  }
}

/**
 * Makes sure `bin/` holds the pinned engine (building it when needed) and returns `bin/`'s path.
 * With `FLEX_CALL_RECOVERY_PULUMI_BIN` set to a folder holding the three binaries, uses that instead.
 */
function ensureEngine(log = (line) => console.log(line)) {
  const override = process.env.FLEX_CALL_RECOVERY_PULUMI_BIN;
  if (override) {
    if (!complete(override)) throw new Error(`FLEX_CALL_RECOVERY_PULUMI_BIN=${override} lacks one of ${BINARIES}`);
    return override;
  }
  const dir = engineCacheDir();
  if (linked(dir) && complete(dir)) return BIN_DIR;
  if (!complete(dir)) {
    log(`engine: building Pulumi ${pinnedVersion()} (first time on this machine: several minutes)`);
    build(dir, log);
  }
  link(dir);
  log(`engine: ${BIN_DIR} → ${dir}`);
  return BIN_DIR;
}

module.exports = { ensureEngine, pinnedVersion, BIN_DIR, BINARIES };

if (require.main === module) {
  try {
    const bin = ensureEngine();
    const version = execFileSync(path.join(bin, "pulumi"), ["version"], { encoding: "utf8" }).trim();
    console.log(`engine: ${path.join(bin, "pulumi")} ${version}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
