// Sync service and API key providers against the twin.
import { apiKeyProvider } from "../../src/apiKey";
import { syncServiceProvider } from "../../src/syncService";
import { logMark, useTwin, writesSince } from "../../testing";

const ctx = useTwin();

describe("SyncService", () => {
  const inputs = (adoptSid: string | null = null) => ({
    adoptSid,
    friendlyName: "recovery state",
    aclEnabled: true,
    providerVersion: "1",
  });

  test("created with ACLs on: read, no-change diff, update, drift, delete", async () => {
    const created = await syncServiceProvider.create(inputs());
    expect(created.outs).toMatchObject({ adopted: false, actualAclEnabled: true });
    expect((await ctx.sdk.sync.v1.services(created.id).fetch()).aclEnabled).toBe(true);

    const read = await syncServiceProvider.read!(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    const mark = logMark(ctx.twin);
    expect(await syncServiceProvider.diff!(created.id, read.props, inputs())).toMatchObject({ changes: false });
    expect(writesSince(ctx.twin, mark)).toEqual([]);

    const renamed = { ...inputs(), friendlyName: "renamed" };
    expect(await syncServiceProvider.diff!(created.id, read.props, renamed)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const updated = await syncServiceProvider.update!(created.id, read.props, renamed);
    expect((await ctx.sdk.sync.v1.services(created.id).fetch()).friendlyName).toBe("renamed");

    await ctx.sdk.sync.v1.services(created.id).update({ aclEnabled: false });
    const drifted = await syncServiceProvider.read!(created.id, updated.outs!);
    expect(drifted.props).toMatchObject({ aclEnabled: false });
    expect(await syncServiceProvider.diff!(created.id, drifted.props, renamed)).toMatchObject({ changes: true });

    await syncServiceProvider.delete!(created.id, drifted.props);
    expect(await syncServiceProvider.read!(created.id, drifted.props)).toEqual({});
  });

  test("adopted by SID (ACLs on): no writes, switching to created replaces, destroy leaves it", async () => {
    const existing = await ctx.sdk.sync.v1.services.create({ friendlyName: "Default Service", aclEnabled: true });
    const mark = logMark(ctx.twin);
    expect((await syncServiceProvider.check!({}, inputs(existing.sid))).failures).toBeUndefined();
    const adopted = await syncServiceProvider.create(inputs(existing.sid));
    expect(adopted).toMatchObject({ id: existing.sid, outs: { adopted: true, actualAclEnabled: true } });
    expect(await syncServiceProvider.diff!(adopted.id, adopted.outs, inputs(existing.sid))).toMatchObject({
      changes: false,
    });
    expect(await syncServiceProvider.diff!(adopted.id, adopted.outs, inputs(null))).toMatchObject({
      replaces: ["adoptSid"],
    });
    await syncServiceProvider.delete!(adopted.id, adopted.outs);
    expect(writesSince(ctx.twin, mark)).toEqual([]);
    expect((await ctx.sdk.sync.v1.services(existing.sid).fetch()).friendlyName).toBe("Default Service");
  });

  test("adopting a service with ACLs off fails in check, create and read, saying how to fix it", async () => {
    const open = await ctx.sdk.sync.v1.services.create({ friendlyName: "Default Service", aclEnabled: false });
    const fix = /ACLs off.*Enable ACLs on it.*unset flex-call-recovery:syncServiceSid/s;
    const checked = await syncServiceProvider.check!({}, inputs(open.sid));
    expect(checked.failures).toEqual([{ property: "adoptSid", reason: expect.stringMatching(fix) }]);
    await expect(syncServiceProvider.create(inputs(open.sid))).rejects.toThrow(fix);

    // Adopted while ACLs were on, switched off later: refresh says so.
    await ctx.sdk.sync.v1.services(open.sid).update({ aclEnabled: true });
    const adopted = await syncServiceProvider.create(inputs(open.sid));
    await ctx.sdk.sync.v1.services(open.sid).update({ aclEnabled: false });
    await expect(syncServiceProvider.read!(open.sid, adopted.outs)).rejects.toThrow(fix);
    // An unknown SID during preview is not looked up.
    const preview = await syncServiceProvider.check!({}, inputs("04da6b54-80e4-46f7-96ec-b56ff0331ba9"));
    expect(preview.failures).toBeUndefined();
  });
});

describe("ApiKey", () => {
  test("create returns the secret once; read keeps it; rename in place; drift; delete", async () => {
    const created = await apiKeyProvider.create({ friendlyName: "functions", providerVersion: "1" });
    expect(created.id).toMatch(/^SK[0-9a-f]{32}$/);
    expect(typeof created.outs!.secret).toBe("string");
    expect(created.outs!.secret.length).toBeGreaterThan(0);

    const read = await apiKeyProvider.read!(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
    const mark = logMark(ctx.twin);
    expect(
      await apiKeyProvider.diff!(created.id, read.props, { friendlyName: "functions", providerVersion: "1" }),
    ).toMatchObject({ changes: false });
    expect(writesSince(ctx.twin, mark)).toEqual([]);

    const updated = await apiKeyProvider.update!(created.id, read.props, {
      friendlyName: "renamed",
      providerVersion: "1",
    });
    expect(updated.outs).toMatchObject({ sid: created.id, secret: created.outs!.secret, friendlyName: "renamed" });
    expect((await ctx.sdk.api.v2010.accounts(ctx.twin.accountSid).keys(created.id).fetch()).friendlyName).toBe(
      "renamed",
    );

    await ctx.sdk.api.v2010.accounts(ctx.twin.accountSid).keys(created.id).update({ friendlyName: "console edit" });
    expect((await apiKeyProvider.read!(created.id, updated.outs!)).props).toMatchObject({
      friendlyName: "console edit",
    });

    await apiKeyProvider.delete!(created.id, updated.outs!);
    expect(await apiKeyProvider.read!(created.id, updated.outs!)).toEqual({});
  });
});
