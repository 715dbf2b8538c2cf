// Every setting the program reads is in Pulumi.dev.yaml and in the README's settings table, and
// Pulumi.dev.yaml's values (as Pulumi hands them to the program) pass validation.
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../src/program";
import { CONFIG_NAMESPACE, loadSettings } from "../src/settings";
import { ACCOUNT_SID } from "./mockRuntime";

const env = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: "t" };
const settingNames = Object.keys(loadSettings({ get: () => undefined }, env, "dev")).filter((k) => k !== "accountSid");

const devConfig = (
  parse(readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }
).config;

test("Pulumi.dev.yaml sets every setting", () => {
  const keys = Object.keys(devConfig)
    .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))
    .map((k) => k.slice(CONFIG_NAMESPACE.length + 1));
  expect(keys.sort()).toEqual([...settingNames].sort());
});

test("Pulumi.dev.yaml's values are valid and equal the defaults", () => {
  // Pulumi hands structured values to the program as JSON text, scalars as strings.
  const raw = Object.fromEntries(
    Object.entries(devConfig).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]),
  );
  const fromFile = loadSettings({ get: (k) => raw[k] }, env, "dev");
  expect(fromFile).toEqual(loadSettings({ get: () => undefined }, env, "dev"));
});

test("the README's settings table documents every setting and the credentials", () => {
  const readme = readFileSync(join(PROJECT_ROOT, "infra", "README.md"), "utf8");
  const documented = [...readme.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]);
  for (const name of [...settingNames, "twilio:accountSid", "twilio:authToken"]) expect(documented).toContain(name);
});

test("Pulumi.yaml names the project, the nodejs runtime and main infra/", () => {
  const project = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: { name: string };
    main: string;
  };
  expect(project).toMatchObject({ name: "flex-call-recovery", runtime: { name: "nodejs" }, main: "infra/" });
});
