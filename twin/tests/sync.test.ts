// Sync through the real `twilio` SDK: services (acl_enabled), documents with revisions, If-Match
// conflicts (54103), TTL expiry on the twin's clock, the 16 KiB limit (54006), the per-object
// write rate limit (54009) and document permissions.
import { ManualClock } from "../src";
import { raw, restError, useTwin } from "./helpers";

const clock = new ManualClock();
const h = useTwin({ clock });
const sync = () => h.client.sync.v1;

async function newService(aclEnabled = false) {
  return sync().services.create({ friendlyName: "recovery state", aclEnabled });
}

describe("Sync services", () => {
  it("creates, fetches, updates, lists and deletes a service", async () => {
    const s = await newService(true);
    expect(s.sid).toMatch(/^IS[0-9a-f]{32}$/);
    expect(s.aclEnabled).toBe(true);
    const updated = await sync().services(s.sid).update({ aclEnabled: false, friendlyName: "renamed" });
    expect(updated.aclEnabled).toBe(false);
    expect((await sync().services(s.sid).fetch()).friendlyName).toBe("renamed");
    expect((await sync().services.list()).map((x) => x.sid)).toContain(s.sid);
    await sync().services(s.sid).remove();
    expect((await restError(() => sync().services(s.sid).fetch())).status).toBe(404);
  });
});

describe("Sync documents", () => {
  it("creates, fetches by SID and unique name, updates with revisions, lists, deletes", async () => {
    const s = await newService();
    const doc = await sync()
      .services(s.sid)
      .documents.create({ uniqueName: "CF123", data: { status: "active" } });
    expect(doc.sid).toMatch(/^ET/);
    expect(doc.revision).toBe("0");
    expect(doc.dateExpires).toBeNull();
    const byName = await sync().services(s.sid).documents("CF123").fetch();
    expect(byName.data).toEqual({ status: "active" });
    const updated = await sync()
      .services(s.sid)
      .documents(doc.sid)
      .update({ data: { status: "pinging" }, ifMatch: "0" });
    expect(updated.revision).toBe("1");
    for (let i = 0; i < 3; i++) await sync().services(s.sid).documents.create({ data: { i } });
    const page = await sync().services(s.sid).documents.page({ pageSize: 3 });
    expect(page.instances.length).toBe(3);
    expect((await page.nextPage())!.instances.length).toBe(1);
    await sync().services(s.sid).documents(doc.sid).remove();
    expect((await restError(() => sync().services(s.sid).documents("CF123").fetch())).code).toBe(20404);
    // The unique name is free again, and a taken one is refused (54301).
    const again = await sync().services(s.sid).documents.create({ uniqueName: "CF123", data: {} });
    expect((await sync().services(s.sid).documents("CF123").fetch()).sid).toBe(again.sid);
    const taken = await restError(() => sync().services(s.sid).documents.create({ uniqueName: "CF123" }));
    expect(taken.status).toBe(409);
    expect(taken.code).toBe(54301);
  });

  it("answers a stale If-Match with 54103 / HTTP 412 and changes nothing", async () => {
    const s = await newService();
    const doc = await sync()
      .services(s.sid)
      .documents.create({ data: { n: 1 } });
    await sync()
      .services(s.sid)
      .documents(doc.sid)
      .update({ data: { n: 2 }, ifMatch: "0" });
    const err = await restError(() =>
      sync()
        .services(s.sid)
        .documents(doc.sid)
        .update({ data: { n: 3 }, ifMatch: "0" }),
    );
    expect(err.status).toBe(412);
    expect(err.code).toBe(54103);
    const now = await sync().services(s.sid).documents(doc.sid).fetch();
    expect(now.data).toEqual({ n: 2 });
    expect(now.revision).toBe("1");
  });

  it("expires a document when its TTL passes on the twin's clock", async () => {
    const s = await newService();
    const doc = await sync()
      .services(s.sid)
      .documents.create({ data: { a: 1 }, ttl: 60 });
    expect(doc.dateExpires!.getTime()).toBe(clock.now().getTime() + 60_000);
    const expired: string[] = [];
    const off = h.twin.events.on("documentDeleted", (e) => e.expired && expired.push(e.document.sid));
    clock.advance(59_000);
    expect((await sync().services(s.sid).documents(doc.sid).fetch()).sid).toBe(doc.sid);
    // A write with a new TTL restarts the countdown.
    await sync().services(s.sid).documents(doc.sid).update({ ttl: 120 });
    clock.advance(61_000);
    expect((await sync().services(s.sid).documents(doc.sid).fetch()).sid).toBe(doc.sid);
    clock.advance(60_000);
    off();
    expect(expired).toEqual([doc.sid]);
    expect((await restError(() => sync().services(s.sid).documents(doc.sid).fetch())).status).toBe(404);
  });

  it("refuses data over 16 KiB with 54006", async () => {
    const s = await newService();
    const big = { blob: "x".repeat(16 * 1024) };
    const err = await restError(() => sync().services(s.sid).documents.create({ data: big }));
    expect(err.code).toBe(54006);
    expect(err.status).toBe(413);
    expect(await sync().services(s.sid).documents.list()).toEqual([]);
    const fits = { blob: "x".repeat(16 * 1024 - 20) };
    expect((await sync().services(s.sid).documents.create({ data: fits })).revision).toBe("0");
  });

  it("refuses Data that is not a JSON object", async () => {
    const s = await newService();
    const { status, body } = await raw(h.twin, "POST", `sync.twilio.com/v1/Services/${s.sid}/Documents`, {
      form: { Data: "[1,2]" },
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(/Data.*must be (a JSON )?object/);
    expect(await sync().services(s.sid).documents.list()).toEqual([]);
  });

  it("throttles more than 200 writes to one document in 10 s with 54009 / 429", async () => {
    const s = await newService();
    const doc = await sync()
      .services(s.sid)
      .documents.create({ data: { n: 0 } });
    const backend = h.twin.store.sync;
    // 199 more writes fit in the 10 s window (the create was the first)...
    for (let n = 1; n < 200; n++) backend.updateDocument(s.sid, doc.sid, { data: { n } });
    const err = await restError(() =>
      sync()
        .services(s.sid)
        .documents(doc.sid)
        .update({ data: { n: 200 } }),
    );
    expect(err.status).toBe(429);
    expect(err.code).toBe(54009);
    // ...and the window slides.
    clock.advance(10_001);
    expect(
      (
        await sync()
          .services(s.sid)
          .documents(doc.sid)
          .update({ data: { n: 200 } })
      ).revision,
    ).toBe("200");
  });
});

describe("Sync document permissions", () => {
  it("upserts, fetches, lists and deletes an identity's permission", async () => {
    const s = await newService(true);
    const doc = await sync().services(s.sid).documents.create({ uniqueName: "CF9", data: {} });
    const p = await sync()
      .services(s.sid)
      .documents(doc.sid)
      .documentPermissions("agent1")
      .update({ read: true, write: false, manage: false });
    expect(p.identity).toBe("agent1");
    expect(p.read).toBe(true);
    expect((await sync().services(s.sid).documents(doc.sid).documentPermissions("agent1").fetch()).write).toBe(false);
    expect((await sync().services(s.sid).documents(doc.sid).documentPermissions.list()).map((x) => x.identity)).toEqual(
      ["agent1"],
    );
    await sync().services(s.sid).documents(doc.sid).documentPermissions("agent1").remove();
    expect(
      (await restError(() => sync().services(s.sid).documents(doc.sid).documentPermissions("agent1").fetch())).status,
    ).toBe(404);
  });
});
