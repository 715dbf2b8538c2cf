// Evaluating the program (what `pulumi preview` does) touches no account: every lookup and
// write lives in a provider method, none in the program or an apply().
import * as pulumi from "@pulumi/pulumi";
import { recoveryProgram } from "../src/program";
import { baseConfig } from "./mockRuntime";
import { useTwin } from "pulumi-twilio/testing";

const ctx = useTwin();

test.each([
  ["one voice workflow configured", { "flex-call-recovery:voiceWorkflowSids": `WW${"1".repeat(32)}` }],
  ["voiceWorkflowSids unset (the Flex target workflow, looked up by the provider)", {}],
])("a preview of the whole program makes no request to Twilio: %s", async (_label, extra) => {
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.type);
        return { id: `${args.name}-id`, state: { ...args.inputs, sid: `${args.name}-sid`, domain: "d.twil.io" } };
      },
      call: (args) => args.inputs,
    },
    "flex-call-recovery",
    "dev",
    true, // preview
  );
  const config = baseConfig(extra);
  recoveryProgram({ get: (k) => config[k] }, {}, "dev");
  // Outputs stay unknown in a preview, so wait for the registrations themselves.
  for (let i = 0; i < 100 && registered.length < 17; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  // Five components and their 12 resources (one patch resource either way).
  expect(registered.length).toBe(17);
  expect(ctx.twin.requestLog.list()).toEqual([]);
});
