// `npm run twin -- --port N`: starts the twin and prints its base URL and credentials.
import { attachEngine } from "./engine";
import { startTwin } from "./index";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`${name}=`))?.split("=")[1];
}

async function main(): Promise<void> {
  const port = Number(argValue("--port") ?? process.env.TWIN_PORT ?? 0);
  const host = argValue("--host") ?? "127.0.0.1";
  // A Flex account unless --blank: what the infra adopts on a real one.
  const flexAccount = !process.argv.includes("--blank");
  const twin = await startTwin({ port, host, flexAccount, validateAgainstSpec: process.env.TWIN_VALIDATE === "1" });
  // Behaviour on: routing, conferences, callbacks, Event Streams, agents and faults (src/engine.ts).
  const engine = attachEngine(twin);
  console.log(`Twilio twin listening on ${twin.baseUrl}`);
  console.log(`TWILIO_API_BASE_URL=${twin.baseUrl}`);
  console.log(`ACCOUNT_SID=${twin.accountSid}`);
  console.log(`AUTH_TOKEN=${twin.authToken}`);
  if (twin.flexSeed) {
    console.log(`WORKSPACE_SID=${twin.flexSeed.workspaceSid}`);
    console.log(`SYNC_SERVICE_SID=${twin.flexSeed.syncServiceSid}`);
  }
  console.log(
    `Control API: ${twin.baseUrl}/_twin/ (POST /_twin/reset, GET /_twin/requests, POST /_twin/flex-tokens; agents, calls, faults: twin/README.md#behaviour)`,
  );
  const shutdown = (): void => {
    engine.dispose();
    void twin.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
