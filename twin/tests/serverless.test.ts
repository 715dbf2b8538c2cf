// Serverless: every resource kind through the `twilio` SDK, and a real deploy of a small folder
// of functions and assets with @twilio-labs/serverless-api (service, environment, multipart
// uploads on serverless-upload, build, deployment, variables) redirected by the twin's got hook.
import { TwilioServerlessApiClient } from "@twilio-labs/serverless-api";
import { join } from "path";
import { redirectServerlessApiToTwin } from "../src";
import { restError, useTwin } from "./helpers";

const h = useTwin();
const sls = () => h.client.serverless.v1;

describe("@twilio-labs/serverless-api deploy against the twin", () => {
  it("deploys a folder of functions and assets end to end", async () => {
    const api = redirectServerlessApiToTwin(
      new TwilioServerlessApiClient({ username: h.twin.accountSid, password: h.twin.authToken }),
      h.twin.baseUrl,
    );
    const result = await api.deployLocalProject({
      username: h.twin.accountSid,
      password: h.twin.authToken,
      cwd: join(__dirname, "fixtures", "serverless-project"),
      envPath: join(__dirname, "fixtures", "serverless-project", ".env"),
      env: { GREETING: "hello" },
      pkgJson: { dependencies: { "twilio-flex-token-validator": "1.6.0" } },
      serviceName: "flex-call-recovery",
      functionsEnv: "dev",
      runtime: "node18",
      overrideExistingService: true,
    });
    expect(result.serviceSid).toMatch(/^ZS/);
    expect(result.environmentSid).toMatch(/^ZE/);
    expect(result.buildSid).toMatch(/^ZB/);
    expect(result.domain).toMatch(/^flex-call-recovery-\d{4}-dev\.twil\.io$/);

    // What the environment now serves (its build's versions, read over the API) is what the folder had.
    const environment = await sls().services(result.serviceSid).environments(result.environmentSid).fetch();
    expect(environment.buildSid).toBe(result.buildSid);
    const live = await sls().services(result.serviceSid).builds(environment.buildSid).fetch();
    type Version = { sid: string; path: string; visibility: string; function_sid?: string };
    const files = new Map(
      ([...live.functionVersions, ...live.assetVersions] as Version[]).map((v) => [v.path, v] as const),
    );
    expect([...files.keys()].sort()).toEqual(["/hello", "/index.html", "/message.txt", "/webhook"]);
    expect(files.get("/webhook")!.visibility).toBe("protected");
    expect(files.get("/message.txt")!.visibility).toBe("private");
    const hello = files.get("/hello")!;
    const code = await sls()
      .services(result.serviceSid)
      .functions(hello.function_sid!)
      .functionVersions(hello.sid)
      .functionVersionContent()
      .fetch();
    expect(code.content).toContain("hello: event.name");
    const variables = await sls().services(result.serviceSid).environments(result.environmentSid).variables.list();
    expect(variables.map((v) => [v.key, v.value])).toEqual([["GREETING", "hello"]]);
    const build = await sls().services(result.serviceSid).builds(result.buildSid).fetch();
    expect(build.status).toBe("completed");
    expect(build.dependencies).toEqual([{ name: "twilio-flex-token-validator", version: "1.6.0" }]);
    expect(h.twin.requestLog.list((e) => e.host === "serverless-upload.twilio.com").length).toBe(4);

    // A second deploy reuses the service and environment.
    const again = await api.deployLocalProject({
      username: h.twin.accountSid,
      password: h.twin.authToken,
      cwd: join(__dirname, "fixtures", "serverless-project"),
      envPath: join(__dirname, "fixtures", "serverless-project", ".env"),
      env: { GREETING: "bonjour" },
      pkgJson: { dependencies: {} },
      serviceName: "flex-call-recovery",
      functionsEnv: "dev",
      serviceSid: result.serviceSid,
    });
    expect(again.environmentSid).toBe(result.environmentSid);
    expect(again.buildSid).not.toBe(result.buildSid);
    const after = await sls().services(result.serviceSid).environments(result.environmentSid).variables.list();
    expect(after.map((v) => v.value)).toEqual(["bonjour"]);
  });
});

describe("Serverless resources through the SDK", () => {
  it("creates, reads, updates, lists and deletes services, environments, functions, assets, builds, variables", async () => {
    const svc = await sls().services.create({ uniqueName: "sdk-svc", friendlyName: "SDK service" });
    expect(svc.domainBase).toMatch(/^sdk-svc-\d{4}$/);
    expect((await sls().services("sdk-svc").fetch()).sid).toBe(svc.sid);
    expect((await sls().services(svc.sid).update({ friendlyName: "renamed", uiEditable: true })).uiEditable).toBe(true);
    expect((await restError(() => sls().services.create({ uniqueName: "sdk-svc", friendlyName: "dup" }))).status).toBe(
      409,
    );

    const env = await sls().services(svc.sid).environments.create({ uniqueName: "prod" });
    expect(env.domainName).toBe(`${svc.domainBase}.twil.io`);
    const fn = await sls().services(svc.sid).functions.create({ friendlyName: "hello" });
    expect(fn.sid).toMatch(/^ZH/);
    expect((await sls().services(svc.sid).functions(fn.sid).update({ friendlyName: "hi" })).friendlyName).toBe("hi");
    const asset = await sls().services(svc.sid).assets.create({ friendlyName: "logo" });
    expect((await sls().services(svc.sid).assets(asset.sid).update({ friendlyName: "logo2" })).friendlyName).toBe(
      "logo2",
    );

    // Versions come from uploads; the SDK reads them.
    const backend = h.twin.store.serverless;
    const fv = backend.createVersion(svc.sid, "function", fn.sid, {
      path: "/hi",
      visibility: "public",
      content: Buffer.from("exports.handler = () => {}"),
      contentType: "application/javascript",
    });
    const av = backend.createVersion(svc.sid, "asset", asset.sid, {
      path: "/logo.png",
      visibility: "public",
      content: Buffer.from("png"),
      contentType: "image/png",
    });
    expect((await sls().services(svc.sid).functions(fn.sid).functionVersions.list()).map((v) => v.sid)).toEqual([
      fv.sid,
    ]);
    expect((await sls().services(svc.sid).functions(fn.sid).functionVersions(fv.sid).fetch()).path).toBe("/hi");
    const content = await sls()
      .services(svc.sid)
      .functions(fn.sid)
      .functionVersions(fv.sid)
      .functionVersionContent()
      .fetch();
    expect(content.content).toBe("exports.handler = () => {}");
    expect((await sls().services(svc.sid).assets(asset.sid).assetVersions(av.sid).fetch()).path).toBe("/logo.png");
    expect((await sls().services(svc.sid).assets(asset.sid).assetVersions.list()).length).toBe(1);

    const build = await sls()
      .services(svc.sid)
      .builds.create({ functionVersions: [fv.sid], assetVersions: [av.sid], runtime: "node18" });
    expect(build.status).toBe("building");
    expect((await sls().services(svc.sid).builds(build.sid).buildStatus().fetch()).status).toBe("completed");
    expect((await sls().services(svc.sid).builds.list()).map((b) => b.sid)).toEqual([build.sid]);
    const deployment = await sls().services(svc.sid).environments(env.sid).deployments.create({ buildSid: build.sid });
    expect(deployment.sid).toMatch(/^ZD/);
    expect((await sls().services(svc.sid).environments(env.sid).deployments(deployment.sid).fetch()).buildSid).toBe(
      build.sid,
    );
    expect((await sls().services(svc.sid).environments(env.sid).deployments.list()).length).toBe(1);
    // A deployed build cannot be deleted.
    const live = await restError(() => sls().services(svc.sid).builds(build.sid).remove());
    expect([live.status, live.code, live.message]).toEqual([
      400,
      20001,
      `Build ${build.sid} is deployed to an environment`,
    ]);

    // Without a BuildSid the environment serves nothing: build_sid is null (nullable in the spec).
    const empty = await sls().services(svc.sid).environments(env.sid).deployments.create();
    expect(empty.buildSid).toBeNull();
    expect((await sls().services(svc.sid).environments(env.sid).fetch()).buildSid).toBeNull();
    expect(await sls().services(svc.sid).builds(build.sid).remove()).toBe(true);

    const v = await sls().services(svc.sid).environments(env.sid).variables.create({ key: "A", value: "1" });
    expect((await sls().services(svc.sid).environments(env.sid).variables(v.sid).update({ value: "2" })).value).toBe(
      "2",
    );
    expect((await sls().services(svc.sid).environments(env.sid).variables(v.sid).fetch()).value).toBe("2");
    await sls().services(svc.sid).environments(env.sid).variables(v.sid).remove();
    expect(await sls().services(svc.sid).environments(env.sid).variables.list()).toEqual([]);

    await sls().services(svc.sid).functions(fn.sid).remove();
    await sls().services(svc.sid).assets(asset.sid).remove();
    expect(await sls().services(svc.sid).functions.list()).toEqual([]);
    expect(await sls().services(svc.sid).assets.list()).toEqual([]);
    await sls().services(svc.sid).environments(env.sid).remove();
    await sls().services(svc.sid).remove();
    expect((await restError(() => sls().services(svc.sid).fetch())).status).toBe(404);
  });
});
