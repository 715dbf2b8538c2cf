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
// Settings read from the `twilio:` namespace (shared with the providers), not the project's.
const TWILIO_SETTINGS = ["accountSid", "twilioRegion", "twilioEdge"];
const settingNames = Object.keys(loadSettings({ get: () => undefined }, env, "dev")).filter(
  (k) => !TWILIO_SETTINGS.includes(k),
);

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
  for (const name of [...settingNames, "twilio:accountSid", "twilio:authToken", "twilio:region", "twilio:edge"])
    expect(documented).toContain(name);
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

test("region and edge come from twilio:region/twilio:edge or the environment, and are checked", () => {
  const config = (extra: Record<string, string>) => ({ get: (k: string) => extra[k] });
  expect(loadSettings(config({}), env, "dev")).toMatchObject({ twilioRegion: null, twilioEdge: null });
  expect(loadSettings(config({ "twilio:region": "au1", "twilio:edge": "sydney" }), env, "dev")).toMatchObject({
    twilioRegion: "au1",
    twilioEdge: "sydney",
  });
  expect(loadSettings(config({}), { ...env, TWILIO_REGION: "ie1", TWILIO_EDGE: "dublin" }, "dev")).toMatchObject({
    twilioRegion: "ie1",
    twilioEdge: "dublin",
  });
  expect(() => loadSettings(config({ "twilio:region": "Ireland" }), env, "dev")).toThrow(
    'twilio:region must be a region such as "ie1" (got "Ireland")',
  );
  expect(() => loadSettings(config({}), { ...env, TWILIO_EDGE: "dublin 1" }, "dev")).toThrow(
    'twilio:edge must be an edge such as "dublin" (got "dublin 1")',
  );
});
