// Every setting the program reads is in Pulumi.dev.yaml and in the README's settings table, and
// Pulumi.dev.yaml's values (as Pulumi hands them to the program) pass validation.
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import {
  DEFAULT_ANNOUNCE_LANGUAGE,
  DEFAULT_ANNOUNCE_TEXT,
  DEFAULT_ANNOUNCE_VOICE,
  DEFAULT_RECONNECT_PRIORITY,
  TASK_PRIORITY_MAX,
  TASK_PRIORITY_MIN,
} from "@flex-call-recovery/vocabulary";
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

test("reconnect priority bounds and announcement defaults are the vocabulary's (the functions use the same)", () => {
  const config = (extra: Record<string, string>) => (k: string) => extra[k];
  const defaults = loadSettings({ get: () => undefined }, env, "dev");
  expect(defaults).toMatchObject({
    reconnectPriority: DEFAULT_RECONNECT_PRIORITY,
    announceText: DEFAULT_ANNOUNCE_TEXT,
    announceVoice: DEFAULT_ANNOUNCE_VOICE,
    announceLanguage: DEFAULT_ANNOUNCE_LANGUAGE,
  });
  for (const priority of [TASK_PRIORITY_MIN, TASK_PRIORITY_MAX]) {
    const get = config({ [`${CONFIG_NAMESPACE}:reconnectPriority`]: String(priority) });
    expect(loadSettings({ get }, env, "dev").reconnectPriority).toBe(priority);
  }
  for (const priority of [TASK_PRIORITY_MIN - 1, TASK_PRIORITY_MAX + 1]) {
    const get = config({ [`${CONFIG_NAMESPACE}:reconnectPriority`]: String(priority) });
    expect(() => loadSettings({ get }, env, "dev")).toThrow(
      `${CONFIG_NAMESPACE}:reconnectPriority must be an integer from ${TASK_PRIORITY_MIN} to ${TASK_PRIORITY_MAX}`,
    );
  }
});
