// Runs the program under Pulumi's mock runtime and records every resource with its inputs.
// Mock outputs give each resource a well-formed fake SID so the wiring between them is visible.
import { createHash } from "crypto";
import { join } from "path";
import * as pulumi from "@pulumi/pulumi";
import { recoveryProgram } from "../src/program";
import type { RecoveryStack } from "../src/program";

export const FIXTURES = join(__dirname, "fixtures");
export const ACCOUNT_SID = `AC${"a".repeat(32)}`;

/** Config a test starts from: valid, pointing at the fixture builds. */
export function baseConfig(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "twilio:accountSid": ACCOUNT_SID,
    "twilio:authToken": "token-from-config",
    "flex-call-recovery:functionsBuildDir": join(FIXTURES, "functions-build"),
    "flex-call-recovery:pluginBuildDir": join(FIXTURES, "plugin-build"),
    "flex-call-recovery:pluginVersion": "1.0.0",
    ...extra,
  };
}

const SID_PREFIX: Record<string, string> = {
  Workspace: "WS",
  TaskQueue: "WQ",
  Workflow: "WW",
  SyncService: "IS",
  ApiKey: "SK",
  ServerlessService: "ZS",
  ServerlessDeployment: "ZE",
  EventSink: "DG",
  EventSubscription: "DF",
  FlexPluginRelease: "FP",
};

/** A deterministic fake SID for a resource name. */
export function fakeSid(prefix: string, name: string): string {
  return prefix + createHash("md5").update(name).digest("hex");
}

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

export const shortType = (type: string) => type.replace(/^pulumi-nodejs:dynamic\/twilio:/, "");

export async function runProgram(config: Record<string, string>) {
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const type = shortType(args.type);
        const prefix = SID_PREFIX[type];
        const sid = prefix ? fakeSid(prefix, args.name) : undefined;
        const state: Record<string, unknown> = { ...args.inputs, sid };
        if (type === "ServerlessDeployment") state.domain = "flex-call-recovery-1234-dev.twil.io";
        if (type === "ApiKey") state.secret = "api-key-secret";
        if (type === "FlexPluginRelease") state.pluginSid = sid;
        if (type === "ServerlessDeployment") state.environmentSid = sid;
        // What the provider patches: the list, or (unset) the Flex configuration's target workflow.
        if (type === "WorkflowsFilterPatch")
          state.patchedWorkflowSids = args.inputs.workflowSids ?? [`WW${"e".repeat(32)}`];
        delete state.__provider;
        resources.push({ type, name: args.name, inputs: args.inputs, state });
        return { id: sid ?? `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "flex-call-recovery",
    "dev",
    false,
  );
  const stack: RecoveryStack = recoveryProgram({ get: (key) => config[key] }, {}, "dev");
  const outputs = (await valueOf(pulumi.output(stack.outputs()))) as Record<string, unknown>;
  // Let registrations nothing depends on finish.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const byType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string) => {
    const found = byType(type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
  };
  return { stack, outputs, resources, byType, one };
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Pulumi's internal secret flag of an Output. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}

/** Secret values reach the mock wrapped in Pulumi's secret marker. */
export function isSecretInput(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270"
  );
}
