// Serves the built functions (functions/build) under twilio-run, the Serverless Toolkit's local
// runtime, on a free port; calls a few of them; stops. `npm run serve:check -w functions`.
// Exits non-zero when an answer is not what the deployed functions would give.
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import type { Server } from "node:http";
import { FunctionEnv, FunctionRoute } from "@flex-call-recovery/vocabulary";

/** Placeholder settings: enough for twilio-run (32-character auth token) and our settings checks. */
export const LOCAL_ENV: Record<string, string> = {
  [FunctionEnv.accountSid]: `AC${"0".repeat(32)}`,
  [FunctionEnv.authToken]: "0".repeat(32),
  [FunctionEnv.workspaceSid]: `WS${"0".repeat(32)}`,
  [FunctionEnv.syncServiceSid]: `IS${"0".repeat(32)}`,
  [FunctionEnv.recoveryPingWorkflowSid]: `WW${"0".repeat(32)}`,
  [FunctionEnv.syncApiKey]: `SK${"0".repeat(32)}`,
  [FunctionEnv.syncApiSecret]: "local-secret",
  [FunctionEnv.announceText]: "Please hold, we are reconnecting you.",
};

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts twilio-run on `functions/build` (or `baseDir`); resolves with its URL and a stop(). */
export async function serveBuild(
  env: Record<string, string> = LOCAL_ENV,
  baseDir = join(__dirname, "..", "build"),
): Promise<{ url: string; stop: () => Promise<void> }> {
  // twilio-run's programmatic entry; forkProcess off so the server runs (and closes) in-process.
  const { createLocalDevelopmentServer } = await import("twilio-run/dist/runtime/server");
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const config = {
    baseDir,
    env,
    port,
    url,
    logs: false,
    live: false,
    forkProcess: false,
    legacyMode: false,
    appName: "twilio-run",
  };
  const app = await createLocalDevelopmentServer(
    port,
    config as unknown as Parameters<typeof createLocalDevelopmentServer>[1],
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, "127.0.0.1", () => resolve(s));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const { url, stop } = await serveBuild();
  const checks: [string, Response, number, string][] = [];
  try {
    const post = (route: string, body: string, type: string) =>
      fetch(`${url}${route}`, { method: "POST", headers: { "content-type": type }, body });
    checks.push([
      "announce",
      await post(FunctionRoute.announce, "", "application/x-www-form-urlencoded"),
      200,
      "<Say ",
    ]);
    checks.push([
      "sync-token without token",
      await post(FunctionRoute.syncToken, "{}", "application/json"),
      401,
      "missing Flex token",
    ]);
    checks.push([
      "conference-status-handler, bad input",
      await post(FunctionRoute.conferenceStatusHandler, "ConferenceSid=bad", "application/x-www-form-urlencoded"),
      400,
      "not a CF SID",
    ]);
    let failed = 0;
    for (const [name, response, status, fragment] of checks) {
      const text = await response.text();
      const ok = response.status === status && text.includes(fragment);
      failed += ok ? 0 : 1;
      console.log(`${ok ? "ok  " : "FAIL"} ${name}: HTTP ${response.status} ${text.slice(0, 120)}`);
    }
    if (failed > 0) process.exitCode = 1;
    else console.log(`twilio-run served functions/build at ${url}; stopped.`);
  } finally {
    await stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
