// The CI preview of .github/workflows/preview.yml, run for real: the preview step's command, read
// from the workflow file, with the built Pulumi engine against the twin as the Twilio account and a
// local file backend as the workflow's self-managed backend (`cloud-url`). Job environment values
// are evaluated from the workflow's own expressions, secrets and variables given as a repository
// owner would set them. The builds the workflow makes first are made when missing or stale.
// The workflow runs in a fresh checkout, and there the passphrase provider writes its salt into
// Pulumi.<stack>.yaml: the command gets a checkout of its own (Pulumi's files copied, everything
// else linked to this repository), so the repository's files stay as they are.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { startTwin, twilioClientForTwin, type RunningTwin } from "@flex-call-recovery/twin";
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import { LocalPulumi, REPO_ROOT, resourceSummary } from "@flex-call-recovery/infra/engine";
import { ensureBuilds } from "../src/harness/builds";

jest.setTimeout(10 * 60_000);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | boolean | number>;
}

const workflow = parse(readFileSync(join(REPO_ROOT, ".github", "workflows", "preview.yml"), "utf8")) as {
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
};
const job = Object.values(workflow.jobs)[0];

/** Evaluates the `${{ … }}` expressions this workflow uses: `secrets.X`, `vars.X`, `a || 'default'`. */
function evaluate(text: string, context: { secrets: Record<string, string>; vars: Record<string, string> }): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    for (const alternative of expression.split("||").map((a) => a.trim())) {
      const literal = /^'(.*)'$/.exec(alternative);
      if (literal) return literal[1];
      const ref = /^(secrets|vars)\.(\w+)$/.exec(alternative);
      if (!ref) throw new Error(`expression not understood by this test: ${expression}`);
      const value = context[ref[1] as "secrets" | "vars"][ref[2]];
      if (value) return value;
    }
    return "";
  });
}

/** The preview step as the `pulumi` arguments it stands for (pulumi/actions: login to cloud-url, then the command). */
function previewCommand(context: { secrets: Record<string, string>; vars: Record<string, string> }): {
  login: string;
  args: string[];
} {
  const run = job.steps.find((s) => /\bpulumi preview\b/.test(s.run ?? ""));
  if (run) throw new Error(`a run: step previews (${run.run}); teach this test to run it`);
  const action = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview");
  if (!action?.with) throw new Error("no preview step in preview.yml");
  const input = (key: string) => (action.with?.[key] === undefined ? "" : evaluate(String(action.with[key]), context));
  const args = ["preview", "--stack", input("stack-name")];
  // The action's flag-like inputs (pulumi/actions README): only those this workflow sets are passed.
  if (input("diff") === "true") args.push("--diff");
  if (input("refresh") === "true") args.push("--refresh");
  if (input("work-dir")) args.push("--cwd", input("work-dir"));
  return { login: input("cloud-url"), args };
}

/** A checkout for the workflow's command: Pulumi.yaml and Pulumi.<stack>.yaml copied, the rest linked. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "fcr-checkout-"));
  for (const entry of readdirSync(REPO_ROOT)) {
    if (entry === ".git") continue;
    if (/^Pulumi(\.[\w-]+)?\.ya?ml$/.test(entry)) copyFileSync(join(REPO_ROOT, entry), join(dir, entry));
    else symlinkSync(join(REPO_ROOT, entry), join(dir, entry));
  }
  return dir;
}

let twin: RunningTwin;
let pulumi: LocalPulumi;
let checkoutDir: string;

beforeAll(async () => {
  twin = await startTwin({ flexAccount: true });
  ensureBuilds();
});

afterAll(async () => {
  pulumi?.dispose();
  if (checkoutDir) rmSync(checkoutDir, { recursive: true, force: true });
  await twin?.stop();
});

test("the workflow's preview command previews the stack against the twin and writes nothing", async () => {
  // An API key of the twin's account, as the workflow's TWILIO_API_KEY/TWILIO_API_SECRET secrets.
  const key = await twilioClientForTwin(twin).newKeys.create({ friendlyName: "ci-preview" });
  // The stack the workflow previews exists already (its owner deployed it); its backend is ours.
  const stackName = evaluate(String(job.steps.find((s) => s.with?.["stack-name"])?.with?.["stack-name"]), {
    secrets: {},
    vars: {},
  });
  pulumi = await LocalPulumi.open({ stack: stackName, env: { [FunctionEnv.twilioApiBaseUrl]: twin.baseUrl } });
  const context = {
    secrets: {
      TWILIO_ACCOUNT_SID: twin.accountSid,
      TWILIO_API_KEY: key.sid,
      TWILIO_API_SECRET: key.secret,
      PULUMI_CONFIG_PASSPHRASE: "offline-engine-tests",
    },
    vars: { PULUMI_BACKEND_URL: pulumi.backendUrl },
  };
  const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, evaluate(v, context)]));
  // Only what the workflow gives the job reaches Twilio: no auth token.
  expect(jobEnv.TWILIO_AUTH_TOKEN ?? "").toBe("");
  const { login, args } = previewCommand(context);
  expect(login).toBe(pulumi.backendUrl);
  console.log(`preview.yml's preview step: pulumi login ${login} && pulumi ${args.join(" ")}`);

  const before = twin.requestLog.list().at(-1)?.seq ?? 0;
  const env = { ...jobEnv, TWILIO_AUTH_TOKEN: "" };
  checkoutDir = checkout();
  await pulumi.runExact(["login", login], { env, cwd: checkoutDir });
  const result = await pulumi.runExact(args, { env, cwd: checkoutDir });
  console.log(`pulumi ${args.join(" ")}:\n${result.stdout}`);
  expect(Object.keys(resourceSummary(result.stdout))).toEqual(["to create"]);
  const requests = twin.requestLog.list((e) => e.seq > before && e.host !== null);
  expect(requests.filter((e) => e.method !== "GET")).toEqual([]);
  // Authenticated with the key, never the auth token.
  expect(requests.every((e) => e.status !== 401)).toBe(true);
});
