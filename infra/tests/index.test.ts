// The entry point Pulumi runs (Pulumi.yaml main: infra/) reads the stack config through Pulumi
// and exports the stack outputs.
jest.setTimeout(60_000);
import * as pulumi from "@pulumi/pulumi";
import { baseConfig, runProgram, valueOf } from "./mockRuntime";

test("index.ts reads the stack config and exports every output", async () => {
  await runProgram(baseConfig()); // installs the mocks
  pulumi.runtime.setAllConfig(baseConfig({ "flex-call-recovery:pingReservationTimeoutSeconds": "12" }), [
    "twilio:authToken",
  ]);
  let entry: Record<string, pulumi.Output<unknown>> = {};
  jest.isolateModules(() => {
    entry = require("../index");
  });
  expect(Object.keys(entry).sort()).toEqual(
    [
      "workspaceSid",
      "recoveryPingQueueSid",
      "recoveryPingWorkflowSid",
      "syncServiceSid",
      "syncApiKeySid",
      "functionsServiceSid",
      "functionsEnvironmentSid",
      "functionsBuildSid",
      "functionsDomain",
      "functionUrls",
      "eventSinkSid",
      "eventSubscriptionSid",
      "patchedWorkflowSids",
      "pluginSid",
      "pluginVersionSid",
      "pluginVersion",
      "pluginUrl",
      "pluginReleaseSid",
    ].sort(),
  );
  expect(await valueOf(entry.functionsDomain)).toBe("flex-call-recovery-1234-dev.twil.io");
  expect(await valueOf(entry.pluginVersion)).toBe("1.0.0");
});
