// The CI preview workflow's structure: what the issue requires of it, checked on the parsed YAML.
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../src/program";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

const workflow = parse(readFileSync(join(PROJECT_ROOT, ".github", "workflows", "preview.yml"), "utf8")) as {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { if?: string; permissions?: Record<string, string>; env?: Record<string, string>; steps: Step[] }
  >;
};
const job = Object.values(workflow.jobs)[0];
const steps = job.steps;
const runIndex = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));

test("runs on pull requests from this repository only, with permission to comment", () => {
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  // Never pull_request_target: that would run a fork's code with the secrets.
  expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  expect(job.permissions?.["pull-requests"]).toBe("write");
  expect(workflow.permissions?.["pull-requests"]).toBeUndefined();
});

test("installs a pinned CLI through the action", () => {
  const pulumi = steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
  expect(String(pulumi.with?.["pulumi-version"])).toMatch(/^\d+\.\d+\.\d+$/);
});

test("an S3 backend gets short-lived cloud credentials through OIDC, never a stored key", () => {
  const aws = steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
  expect(aws?.with?.["role-to-assume"]).toMatch(/vars\.AWS_ROLE_ARN/);
  expect(job.permissions?.["id-token"]).toBe("write");
  expect(JSON.stringify(workflow)).not.toMatch(/AWS_SECRET_ACCESS_KEY/);
});

test("previews with pulumi/actions@v6 and comments on the PR", () => {
  const pulumiSteps = steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
  expect(pulumiSteps).toHaveLength(1);
  const [pulumi] = pulumiSteps;
  expect(pulumi.uses).toBe("pulumi/actions@v6");
  expect(pulumi.with).toMatchObject({ command: "preview", "comment-on-pr": true });
  expect(String(pulumi.with?.["stack-name"])).not.toBe("");
});

test("has a backend (access token, or cloud-url with a passphrase) and a Twilio API key from secrets", () => {
  const env = job.env ?? {};
  const pulumi = steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
  const hasToken = /secrets\.PULUMI_ACCESS_TOKEN/.test(env.PULUMI_ACCESS_TOKEN ?? "");
  const hasSelfManaged =
    Boolean(pulumi.with?.["cloud-url"]) && /secrets\.PULUMI_CONFIG_PASSPHRASE/.test(env.PULUMI_CONFIG_PASSPHRASE ?? "");
  expect(hasToken || hasSelfManaged).toBe(true);
  expect(env.TWILIO_ACCOUNT_SID).toMatch(/secrets\.TWILIO_ACCOUNT_SID/);
  expect(env.TWILIO_API_KEY).toMatch(/secrets\.TWILIO_API_KEY/);
  expect(env.TWILIO_API_SECRET).toMatch(/secrets\.TWILIO_API_SECRET/);
  // The master auth token never reaches PR code.
  expect(JSON.stringify(workflow)).not.toMatch(/AUTH_TOKEN/);
});

test("installs with npm ci and builds functions and plugin before previewing", () => {
  const preview = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
  const install = runIndex(/^npm ci\b/);
  const functions = runIndex(/npm run build -w functions/);
  const plugin = runIndex(/npm run build -w plugin/);
  expect(install).toBeGreaterThanOrEqual(0);
  expect(functions).toBeGreaterThan(install);
  expect(plugin).toBeGreaterThan(install);
  expect(preview).toBeGreaterThan(Math.max(functions, plugin));
  expect(steps.findIndex((s) => s.uses?.startsWith("actions/checkout@"))).toBe(0);
});
