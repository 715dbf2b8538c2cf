// ServerlessService + ServerlessDeployment against the twin: a built folder deployed with its
// variables; no change means no writes; a changed variable or source redeploys; drift in a
// variable or another active build shows in read and is reverted; a service left by a run that
// died is taken back; another stack's service is refused by name; delete removes what it made.
import { cpSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { hashDirectory } from "../../src/hashDirectory";
import { serverlessDeploymentProvider as deployments } from "../../src/serverlessDeployment";
import { serverlessServiceProvider as services } from "../../src/serverlessService";
import { FIXTURES } from "../sample";
import { logMark, useTwin, writesSince } from "../../testing";

jest.setTimeout(60_000);
const ctx = useTwin();

const service = (owner = "flex-call-recovery/dev") => ({
  uniqueName: "flex-call-recovery",
  owner,
  adopt: true,
  adoptedOnDelete: "keep",
  providerVersion: "1",
});

test("deploy, read, no-change diff, redeploy on change, drift, someone else's build reverted, delete", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fcr-functions-"));
  cpSync(join(FIXTURES, "functions-build"), dir, { recursive: true });
  const svc = await services.create(service());
  const inputs = {
    serviceSid: svc.id,
    environmentSuffix: "dev",
    sourceDir: dir,
    sourceHash: hashDirectory(dir, "fixture"),
    variables: { WORKSPACE_SID: `WS${"1".repeat(32)}`, SYNC_API_SECRET: "s3cret" },
    runtime: "node22",
    providerVersion: "2",
  };

  const created = await deployments.create(inputs);
  const outs = created.outs!;
  expect(outs).toMatchObject({ environmentSid: created.id, variableNames: ["SYNC_API_SECRET", "WORKSPACE_SID"] });
  expect(outs.domain).toMatch(/^flex-call-recovery-\d+-dev\.twil\.io$/);
  expect(outs.functionPaths).toEqual(["/announce", "/flex/sync-token", "/task-event-handler"]);
  // Secrets never land in outputs.
  expect(JSON.stringify(outs)).not.toContain("s3cret");
  const environment = () => ctx.sdk.serverless.v1.services(svc.id).environments(outs.environmentSid);
  expect((await environment().fetch()).buildSid).toBe(outs.buildSid);

  const read = await deployments.read!(created.id, outs);
  expect(read.props).toEqual(outs);
  let mark = logMark(ctx.twin);
  expect(await deployments.diff!(created.id, read.props, inputs)).toMatchObject({ changes: false });
  expect(writesSince(ctx.twin, mark)).toEqual([]);

  // A variable removed and one changed: a new build, the stale variable gone.
  const changed = { ...inputs, variables: { WORKSPACE_SID: `WS${"2".repeat(32)}` } };
  expect(await deployments.diff!(created.id, read.props, changed)).toMatchObject({ changes: true, replaces: [] });
  const updated = (await deployments.update!(created.id, read.props, changed)).outs!;
  expect(updated.buildSid).not.toBe(outs.buildSid);
  const after = await environment().variables.list();
  expect(after.map((v) => `${v.key}=${v.value}`)).toEqual([`WORKSPACE_SID=WS${"2".repeat(32)}`]);

  // Someone redeploys the old build (console / CLI): read sees it, diff wants it back, update reverts.
  await ctx.sdk.serverless.v1.services(svc.id).environments(outs.environmentSid).deployments.create({
    buildSid: outs.buildSid,
  });
  const redeployed = (await deployments.read!(created.id, updated)).props!;
  expect(redeployed.activeBuildSid).toBe(outs.buildSid);
  expect(await deployments.diff!(created.id, redeployed, changed)).toMatchObject({ changes: true, replaces: [] });
  const reverted = (await deployments.update!(created.id, redeployed, changed)).outs!;
  expect((await environment().fetch()).buildSid).toBe(reverted.buildSid);
  const settled = (await deployments.read!(created.id, reverted)).props!;
  expect(await deployments.diff!(created.id, settled, changed)).toMatchObject({ changes: false });

  // Changed source: redeploy.
  writeFileSync(join(dir, "functions", "announce.js"), "exports.handler = (c, e, cb) => cb(null, '<Response/>');\n");
  expect(
    await deployments.diff!(created.id, settled, { ...changed, sourceHash: hashDirectory(dir, "x") }),
  ).toMatchObject({ changes: true });

  // Drift: a variable edited in the console.
  await environment().variables(after[0].sid).update({ value: "edited" });
  const drifted = (await deployments.read!(created.id, settled)).props!;
  expect(drifted.variablesHash).not.toBe(settled.variablesHash);
  expect(await deployments.diff!(created.id, drifted, changed)).toMatchObject({ changes: true });

  mark = logMark(ctx.twin);
  await deployments.delete!(created.id, drifted);
  await services.delete!(svc.id, svc.outs);
  expect(writesSince(ctx.twin, mark)).toEqual([
    `DELETE serverless.twilio.com/v1/Services/${svc.id}/Environments/${created.id}`,
    `DELETE serverless.twilio.com/v1/Services/${svc.id}`,
  ]);
});

test("a run that died after creating the service: the next create takes it back and the deploy goes on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fcr-functions-"));
  cpSync(join(FIXTURES, "functions-build"), dir, { recursive: true });
  // The first run created the service and died before Pulumi recorded it.
  const lost = await services.create(service());
  const again = await services.create(service());
  expect(again).toMatchObject({ id: lost.id, outs: { adopted: false } });
  const deployed = await deployments.create({
    serviceSid: again.id,
    environmentSuffix: "dev",
    sourceDir: dir,
    sourceHash: hashDirectory(dir, "fixture"),
    variables: { A: "1" },
    runtime: "node22",
    providerVersion: "2",
  });
  expect(deployed.outs.buildSid).toMatch(/^ZB/);
  // A deploy into an environment left half-made by the dead run converges too.
  const twice = await deployments.create({
    serviceSid: again.id,
    environmentSuffix: "dev",
    sourceDir: dir,
    sourceHash: hashDirectory(dir, "fixture"),
    variables: { A: "1" },
    runtime: "node22",
    providerVersion: "2",
  });
  expect(twice.id).toBe(deployed.id);

  // Another stack in the same account, same service name: a clear error naming the owner.
  await expect(services.create(service("flex-call-recovery/prod"))).rejects.toThrow(
    /belongs to flex-call-recovery\/dev, not flex-call-recovery\/prod/,
  );
  await services.delete!(again.id, again.outs);
});

test("a service deployed by hand is adopted (or refused without adoption) and kept on destroy", async () => {
  const manual = await ctx.sdk.serverless.v1.services.create({
    uniqueName: "flex-call-recovery",
    friendlyName: "flex-call-recovery",
  });
  await expect(services.create({ ...service(), adopt: false })).rejects.toThrow(/already exists in this account/);
  const adopted = await services.create(service());
  expect(adopted).toMatchObject({ id: manual.sid, outs: { adopted: true } });
  await services.delete!(adopted.id, adopted.outs);
  expect((await ctx.sdk.serverless.v1.services(manual.sid).fetch()).sid).toBe(manual.sid);
});
