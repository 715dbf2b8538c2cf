// The functions as Twilio would run them, offline: functions/build served by twilio-run's
// programmatic local runtime, in this process.
// twilio-run's own entry (`createLocalDevelopmentServer` with `forkProcess: false`) gives a
// server we can close; its CLI would replace process.env with a .env file.
import { AsyncLocalStorage } from "async_hooks";
import { existsSync, readdirSync, statSync } from "fs";
import { createServer, type Server } from "http";
import type { AddressInfo } from "net";
import { join } from "path";
import { REPO_ROOT } from "./builds";

export const FUNCTIONS_BUILD_DIR = join(REPO_ROOT, "functions", "build");

/** The Serverless paths of the build (`/conference-status-handler` …) with their visibility. */
export function functionRoutes(buildDir = FUNCTIONS_BUILD_DIR): { path: string; access: string }[] {
  return routesIn(join(buildDir, "functions"), /^(.*?)(\.(protected|private))?\.js$/, (m) => m[1]!);
}

/** The build's assets as twilio-run serves them: `name.private.ext` is private at `/name.ext`. */
export function assetRoutes(buildDir = FUNCTIONS_BUILD_DIR): { path: string; access: string }[] {
  return routesIn(join(buildDir, "assets"), /^(.*?)(\.(protected|private))?(\.[^.]+)?$/, (m) => `${m[1]}${m[4] ?? ""}`);
}

function routesIn(
  root: string,
  pattern: RegExp,
  name: (match: RegExpExecArray) => string,
): { path: string; access: string }[] {
  const walk = (dir: string, prefix: string): { path: string; access: string }[] =>
    readdirSync(dir).flatMap((entry) => {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) return walk(full, `${prefix}/${entry}`);
      const match = pattern.exec(entry);
      return match ? [{ path: `${prefix}/${name(match)}`, access: match[3] ?? "public" }] : [];
    });
  return existsSync(root) ? walk(root, "") : [];
}

export interface FunctionsServer {
  /** http://127.0.0.1:<port> of twilio-run. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The async context of everything twilio-run's server does (its connections, the functions'
 * handlers and their outgoing calls): the bench's CPU meter counts callbacks in it as the
 * functions' time, apart from the twin's and the harness's sharing this process.
 */
export const functionsContext = new AsyncLocalStorage<true>();

/**
 * Serves `buildDir` under twilio-run with `env` as the functions' environment. `publicUrl` is
 * the URL the functions believe they are served at (their DOMAIN_NAME comes from it).
 */
export async function startFunctions(env: Record<string, string>, publicUrl: string, buildDir = FUNCTIONS_BUILD_DIR) {
  const { createLocalDevelopmentServer } = await import("twilio-run/dist/runtime/server");
  const config = {
    baseDir: buildDir,
    env,
    port: 0,
    url: publicUrl,
    logs: false,
    live: false,
    forkProcess: false,
    legacyMode: false,
    appName: "flex-call-recovery-e2e",
  };
  const app = await createLocalDevelopmentServer(
    0,
    config as unknown as Parameters<typeof createLocalDevelopmentServer>[1],
  );
  const server: Server = await new Promise((resolve, reject) => {
    // Listening inside the context: every connection it accepts (and all that follows) runs in it.
    const s = createServer(app);
    s.once("error", reject);
    functionsContext.run(true, () => s.listen(0, "127.0.0.1", () => resolve(s)));
  });
  server.keepAliveTimeout = 1000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  } satisfies FunctionsServer;
}
