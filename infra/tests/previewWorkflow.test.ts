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
  jobs: Record<string, { permissions?: Record<string, string>; env?: Record<string, string>; steps: Step[] }>;
};
const job = Object.values(workflow.jobs)[0];
const steps = job.steps;
const runIndex = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));

test("runs on pull requests with permission to comment", () => {
  expect(Object.keys(workflow.on)).toContain("pull_request");
  expect(job.permissions?.["pull-requests"] ?? workflow.permissions?.["pull-requests"]).toBe("write");
});

test("previews with pulumi/actions@v6 and comments on the PR", () => {
  const pulumiSteps = steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
  expect(pulumiSteps).toHaveLength(1);
  const [pulumi] = pulumiSteps;
  expect(pulumi.uses).toBe("pulumi/actions@v6");
  expect(pulumi.with).toMatchObject({ command: "preview", "comment-on-pr": true });
  expect(String(pulumi.with?.["stack-name"])).not.toBe("");
});

test("has a backend (access token, or cloud-url with a passphrase) and Twilio credentials from secrets", () => {
  const env = job.env ?? {};
  const pulumi = steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
  const hasToken = /secrets\.PULUMI_ACCESS_TOKEN/.test(env.PULUMI_ACCESS_TOKEN ?? "");
  const hasSelfManaged =
    Boolean(pulumi.with?.["cloud-url"]) && /secrets\.PULUMI_CONFIG_PASSPHRASE/.test(env.PULUMI_CONFIG_PASSPHRASE ?? "");
  expect(hasToken || hasSelfManaged).toBe(true);
  expect(env.TWILIO_ACCOUNT_SID).toMatch(/secrets\.TWILIO_ACCOUNT_SID/);
  expect(env.TWILIO_AUTH_TOKEN).toMatch(/secrets\.TWILIO_AUTH_TOKEN/);
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
