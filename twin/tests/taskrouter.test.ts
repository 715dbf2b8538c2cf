import { useTwin, restError } from "./helpers";

const h = useTwin();

describe("TaskRouter workspaces", () => {
  it("creates, fetches, updates, lists and deletes a workspace", async () => {
    const ws = await h.client.taskrouter.v1.workspaces.create({ friendlyName: "Flex Task Assignment" });
    expect(ws.sid).toMatch(/^WS[0-9a-f]{32}$/);
    expect(ws.defaultActivityName).toBe("Offline");
    const fetched = await h.client.taskrouter.v1.workspaces(ws.sid).fetch();
    expect(fetched.friendlyName).toBe("Flex Task Assignment");
    const updated = await h.client.taskrouter.v1.workspaces(ws.sid).update({ friendlyName: "Renamed" });
    expect(updated.friendlyName).toBe("Renamed");
    const list = await h.client.taskrouter.v1.workspaces.list();
    expect(list.map((w) => w.sid)).toContain(ws.sid);
    await h.client.taskrouter.v1.workspaces(ws.sid).remove();
    const err = await restError(() => h.client.taskrouter.v1.workspaces(ws.sid).fetch());
    expect(err.status).toBe(404);
    expect(err.code).toBe(20404);
  });
});
