// Sync Lists through the real `twilio` SDK (spec-validated twin): unique names in the path, items
// appended in order with `date_created` on the twin's clock, paging and order, the collection TTL,
// 54301 for a taken name, 404 for a missing list, 400 for data that is not an object.
import { ManualClock } from "../src";
import { raw, restError, useTwin } from "./helpers";

const clock = new ManualClock(Date.parse("2026-12-02T10:00:00Z"));
const h = useTwin({ clock });
const service = async () => h.client.sync.v1.services((await h.client.sync.v1.services.create({})).sid);

describe("Sync Lists", () => {
  it("creates a list by unique name, appends items and reads them back in order", async () => {
    const s = await service();
    const list = await s.syncLists.create({ uniqueName: "recovery-outcomes-2026-12-02", ttl: 3600 });
    expect(list.sid).toMatch(/^ES[0-9a-f]{32}$/);
    expect(list.dateExpires?.toISOString()).toBe("2026-12-02T11:00:00.000Z");
    const first = await s.syncLists("recovery-outcomes-2026-12-02").syncListItems.create({ data: { n: 1 } });
    clock.advance(5000);
    await s.syncLists(list.sid).syncListItems.create({ data: { n: 2 } });
    expect(first.index).toBe(0);
    const items = await s.syncLists("recovery-outcomes-2026-12-02").syncListItems.list({ pageSize: 1 });
    expect(items.map((i) => [i.index, i.data, i.dateCreated.toISOString()])).toEqual([
      [0, { n: 1 }, "2026-12-02T10:00:00.000Z"],
      [1, { n: 2 }, "2026-12-02T10:00:05.000Z"],
    ]);
    const desc = await s.syncLists(list.sid).syncListItems.list({ order: "desc" });
    expect(desc.map((i) => i.index)).toEqual([1, 0]);
    expect((await s.syncLists(list.sid).syncListItems(1).fetch()).data).toEqual({ n: 2 });
    expect((await s.syncLists.list()).map((l) => l.uniqueName)).toEqual(["recovery-outcomes-2026-12-02"]);
  });

  it("answers 404 for a missing list and 54301 / 409 for a taken unique name", async () => {
    const s = await service();
    expect((await restError(() => s.syncLists("nope").syncListItems.create({ data: {} }))).status).toBe(404);
    expect((await restError(() => s.syncLists("nope").syncListItems.list())).status).toBe(404);
    await s.syncLists.create({ uniqueName: "day" });
    const taken = await restError(() => s.syncLists.create({ uniqueName: "day" }));
    expect([taken.status, taken.code]).toEqual([409, 54301]);
  });

  it("deletes a list when its TTL runs out on the twin's clock, and on request", async () => {
    const s = await service();
    await s.syncLists.create({ uniqueName: "short", ttl: 60 });
    await s.syncLists.create({ uniqueName: "gone" });
    await s.syncLists("gone").remove();
    clock.advance(59_000);
    expect((await s.syncLists("short").fetch()).uniqueName).toBe("short");
    clock.advance(1000);
    expect((await restError(() => s.syncLists("short").fetch())).status).toBe(404);
    expect((await restError(() => s.syncLists("gone").fetch())).status).toBe(404);
  });

  it("refuses item data that is not a JSON object (400)", async () => {
    const s = await service();
    const list = await s.syncLists.create({});
    const { status, body } = await raw(
      h.twin,
      "POST",
      `sync.twilio.com/v1/Services/${list.serviceSid}/Lists/${list.sid}/Items`,
      {
        form: { Data: "[1]" },
      },
    );
    expect(status).toBe(400);
    expect(body.message).toMatch(/Data.*must be (a JSON )?object/);
    expect(await s.syncLists(list.sid).syncListItems.list()).toEqual([]);
  });
});
