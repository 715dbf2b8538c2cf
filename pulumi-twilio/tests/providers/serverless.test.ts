// ServerlessDeployment against the twin: a built folder deployed with its variables; no change
// means no writes; a changed variable or source redeploys (a new build); drift in a variable
// shows in read; delete removes the service.
import { cpSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { serverlessDeploymentProvider } from "../../src/serverlessDeployment";
import { hashDirectory } from "../../src/hashDirectory";
import { FIXTURES } from "../sample";
import { logMark, useTwin, writesSince } from "../twinHarness";

jest.setTimeout(30_000);
const ctx = useTwin();

test("deploy, read, no-change diff, redeploy on change, drift, delete", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fcr-functions-"));
  cpSync(join(FIXTURES, "functions-build"), dir, { recursive: true });
  const inputs = {
    serviceName: "flex-call-recovery",
    environmentSuffix: "dev",
    sourceDir: dir,
    sourceHash: hashDirectory(dir, "fixture"),
    variables: { WORKSPACE_SID: `WS${"1".repeat(32)}`, SYNC_API_SECRET: "s3cret" },
    runtime: "node22",
    providerVersion: "1",
  };

  const created = await serverlessDeploymentProvider.create(inputs);
  const outs = created.outs!;
  expect(outs).toMatchObject({ sid: created.id, variableNames: ["SYNC_API_SECRET", "WORKSPACE_SID"] });
  expect(outs.domain).toMatch(/^flex-call-recovery-\d+-dev\.twil\.io$/);
  expect(outs.functionPaths).toEqual(["/announce", "/flex/sync-token", "/task-event-handler"]);
  // Secrets never land in outputs.
  expect(JSON.stringify(outs)).not.toContain("s3cret");
  const vars = await ctx.sdk.serverless.v1.services(created.id).environments(outs.environmentSid).variables.list();
  expect(Object.fromEntries(vars.map((v) => [v.key, v.value]))).toEqual(inputs.variables);
  const env = await ctx.sdk.serverless.v1.services(created.id).environments(outs.environmentSid).fetch();
  expect(env.buildSid).toBe(outs.buildSid);

  const read = await serverlessDeploymentProvider.read!(created.id, outs);
  expect(read.props).toEqual(outs);
  let mark = logMark(ctx.twin);
  expect(await serverlessDeploymentProvider.diff!(created.id, read.props, inputs)).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  // A variable removed and one changed: a new build, the stale variable gone.
  const changed = { ...inputs, variables: { WORKSPACE_SID: `WS${"2".repeat(32)}` } };
  expect(await serverlessDeploymentProvider.diff!(created.id, read.props, changed)).toMatchObject({
    changes: true,
    replaces: [],
  });
  const updated = (await serverlessDeploymentProvider.update!(created.id, read.props, changed)).outs!;
  expect(updated.buildSid).not.toBe(outs.buildSid);
  const after = await ctx.sdk.serverless.v1.services(created.id).environments(outs.environmentSid).variables.list();
  expect(after.map((v) => `${v.key}=${v.value}`)).toEqual([`WORKSPACE_SID=WS${"2".repeat(32)}`]);

  // Changed source: redeploy.
  writeFileSync(join(dir, "functions", "announce.js"), "exports.handler = (c, e, cb) => cb(null, '<Response/>');\n");
  expect(
    await serverlessDeploymentProvider.diff!(created.id, updated, { ...changed, sourceHash: hashDirectory(dir, "x") }),
  ).toMatchObject({ changes: true });

  // Drift: a variable edited in the console.
  const variable = after[0];
  await ctx.sdk.serverless.v1
    .services(created.id)
    .environments(outs.environmentSid)
    .variables(variable.sid)
    .update({ value: "edited" });
  const drifted = await serverlessDeploymentProvider.read!(created.id, updated);
  expect(drifted.props.variablesHash).not.toBe(updated.variablesHash);
  expect(await serverlessDeploymentProvider.diff!(created.id, drifted.props, changed)).toMatchObject({ changes: true });

  mark = logMark(ctx.twin);
  await serverlessDeploymentProvider.delete!(created.id, drifted.props);
  expect(writesSince(ctx.twin, mark)).toEqual([`DELETE serverless.twilio.com/v1/Services/${created.id}`]);
  expect(await serverlessDeploymentProvider.read!(created.id, drifted.props)).toEqual({});
});
