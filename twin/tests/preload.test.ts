// The preload (`node -r twin/preload.js` with TWILIO_API_BASE_URL) sends a separate process's
// *.twilio.com traffic to the twin: here twilio-run's own twilio 4.x client (what its
// getTwilioClient() builds) and a bare https.request, each in a child process.
import { execFile } from "child_process";
import { join } from "path";
import { promisify } from "util";
import { useTwin } from "./helpers";

const run = promisify(execFile);
const h = useTwin({ flexAccount: true });
const PRELOAD = join(__dirname, "..", "preload.js");

async function node(script: string, correlationId: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["-r", PRELOAD, "-e", script], {
    cwd: join(__dirname, ".."),
    env: { ...process.env, TWILIO_API_BASE_URL: h.twin.baseUrl, TWIN_CORRELATION_ID: correlationId },
    timeout: 20_000,
  });
  return stdout.trim();
}

describe("preload", () => {
  it("redirects twilio-run's bundled twilio 4 client (axios) to the twin", async () => {
    const twilioRunTwilio = require.resolve("twilio", { paths: [require.resolve("twilio-run/package.json")] });
    const out = await node(
      `const twilio = require(${JSON.stringify(twilioRunTwilio)});
       twilio(${JSON.stringify(h.twin.accountSid)}, ${JSON.stringify(h.twin.authToken)})
         .taskrouter.v1.workspaces.list()
         .then((list) => console.log(list.map((w) => w.friendlyName).join(",")))
         .catch((e) => { console.error(e); process.exit(1); });`,
      "preload-twilio4",
    );
    expect(out).toBe("Flex Task Assignment");
    const logged = h.twin.requestLog.list((e) => e.correlationId === "preload-twilio4");
    expect(logged.map((e) => `${e.method} ${e.host}${e.path} ${e.status}`)).toEqual([
      "GET taskrouter.twilio.com/v1/Workspaces 200",
    ]);
  });

  it("redirects a bare https.request(options) and leaves other hosts alone", async () => {
    const auth = `${h.twin.accountSid}:${h.twin.authToken}`;
    const out = await node(
      `const https = require("https");
       const req = https.request({ hostname: "sync.twilio.com", port: 443, path: "/v1/Services/default", method: "GET", auth: ${JSON.stringify(auth)} }, (res) => {
         let body = ""; res.on("data", (d) => (body += d)); res.on("end", () => console.log(res.statusCode + " " + JSON.parse(body).unique_name));
       });
       req.end();`,
      "preload-https",
    );
    expect(out).toBe("200 default");
  });
});

describe("Flex account seed", () => {
  it("holds the Flex workspace, its default queue and workflow, the default Sync service and the configuration", async () => {
    const seed = h.twin.flexSeed!;
    const ws = await h.client.taskrouter.v1.workspaces(seed.workspaceSid).fetch();
    expect(ws.friendlyName).toBe("Flex Task Assignment");
    const workflows = await h.client.taskrouter.v1.workspaces(seed.workspaceSid).workflows.list();
    expect(workflows.map((w) => w.friendlyName)).toEqual(["Assign to Anyone"]);
    expect((await h.client.sync.v1.services("default").fetch()).sid).toBe(seed.syncServiceSid);
    const config = await h.client.flexApi.v1.configuration().fetch();
    expect(config.taskrouterWorkspaceSid).toBe(seed.workspaceSid);
    expect(Object.keys(seed.activities).sort()).toEqual(["Available", "Break", "Offline", "Unavailable"]);
  });
});
