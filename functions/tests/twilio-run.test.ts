// The built, bundled functions served by twilio-run (the local Serverless runtime), called over
// HTTP the way Twilio and the plugin call them, with their Twilio client pointed at the fake.
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { FunctionEnv, FunctionRoute } from "@flex-call-recovery/vocabulary";
import { buildFunctions } from "../scripts/build";
import { LOCAL_ENV, serveBuild } from "../scripts/serve-check";
import { FakeTwilio } from "./support/fakeTwilio";
import { PING_WORKFLOW_SID, contextFor } from "./support/runtime";
import { agentDropped, registerBody, seedCall } from "./support/scenario";

// Inside the workspace so the bundles resolve `twilio` from the repository's node_modules;
// test-artifacts/ is ignored by git.
const OUT = join(__dirname, "..", "test-artifacts", "build");

let fake: FakeTwilio;
let served: { url: string; stop: () => Promise<void> };

beforeAll(async () => {
  await buildFunctions(OUT);
  fake = await new FakeTwilio().start();
  served = await serveBuild({ ...LOCAL_ENV, ...contextFor(fake.url) }, OUT);
});
afterAll(async () => {
  await served?.stop();
  await fake?.stop();
});

const post = (route: string, body: Record<string, string>, json = false) =>
  fetch(`${served.url}${route}`, {
    method: "POST",
    headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });

describe("functions/build under twilio-run", () => {
  it("is a Serverless project whose dependencies are registry packages only", () => {
    const pkg = JSON.parse(readFileSync(join(OUT, "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["twilio"]);
    const bundle = readFileSync(join(OUT, "functions", "conference-status-handler.protected.js"), "utf8");
    expect(bundle).not.toContain('require("@flex-call-recovery/vocabulary")');
  });

  it("serves the announce TwiML", async () => {
    const response = await post(FunctionRoute.announce, {});
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`>${LOCAL_ENV[FunctionEnv.announceText]}</Say>`);
  });

  it("registers over JSON and recovers on the form-encoded leave callback", async () => {
    const call = seedCall(fake);
    expect((await post(FunctionRoute.registerWorker, registerBody(call), true)).status).toBe(200);
    expect((await post(FunctionRoute.conferenceStatusHandler, agentDropped(call))).status).toBe(200);
    const pings = [...fake.tasks.values()].filter((task) => task.workflowSid === PING_WORKFLOW_SID);
    expect(pings).toHaveLength(1);
  });

  it("answers 401 to a Flex call without a token", async () => {
    const response = await post(FunctionRoute.syncToken, {}, true);
    expect(response.status).toBe(401);
  });
});
