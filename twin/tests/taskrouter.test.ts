// TaskRouter through the real `twilio` SDK: every resource kind created, read, updated, listed
// (with paging) and deleted; answers checked against Twilio's spec by the harness.
import { raw, restError, useTwin } from "./helpers";

const h = useTwin();
const tr = () => h.client.taskrouter.v1;

async function newWorkspace(name: string) {
  return tr().workspaces.create({ friendlyName: name });
}

describe("TaskRouter workspaces", () => {
  it("creates, fetches, updates, lists and deletes a workspace", async () => {
    const ws = await newWorkspace("Flex Task Assignment (test)");
    expect(ws.sid).toMatch(/^WS[0-9a-f]{32}$/);
    expect(ws.defaultActivityName).toBe("Offline");
    expect(ws.dateCreated).toBeInstanceOf(Date);
    const fetched = await tr().workspaces(ws.sid).fetch();
    expect(fetched.friendlyName).toBe("Flex Task Assignment (test)");
    const updated = await tr()
      .workspaces(ws.sid)
      .update({ friendlyName: "Renamed", eventCallbackUrl: "https://example.com/e" });
    expect(updated.friendlyName).toBe("Renamed");
    expect(updated.eventCallbackUrl).toBe("https://example.com/e");
    const list = await tr().workspaces.list({ friendlyName: "Renamed" });
    expect(list.map((w) => w.sid)).toEqual([ws.sid]);
    await tr().workspaces(ws.sid).remove();
    const err = await restError(() => tr().workspaces(ws.sid).fetch());
    expect(err.status).toBe(404);
    expect(err.code).toBe(20404);
    expect(err.message).toBe(`The requested resource /v1/Workspaces/${ws.sid} was not found`);
  });

  it("rejects a missing FriendlyName with 400 / 20001", async () => {
    // The SDK checks required parameters itself, so send the request raw.
    const { status, body } = await raw(h.twin, "POST", "taskrouter.twilio.com/v1/Workspaces", { form: {} });
    expect(status).toBe(400);
    expect(body).toEqual({
      code: 20001,
      message: "Missing required parameter FriendlyName in the post body",
      more_info: "https://www.twilio.com/docs/errors/20001",
      status: 400,
    });
  });
});

describe("TaskRouter activities, channels, workers", () => {
  it("manages activities", async () => {
    const ws = await newWorkspace("activities");
    const defaults = await tr().workspaces(ws.sid).activities.list();
    expect(defaults.map((a) => a.friendlyName)).toEqual(["Offline", "Available", "Unavailable"]);
    const lunch = await tr().workspaces(ws.sid).activities.create({ friendlyName: "Lunch", available: false });
    expect(lunch.sid).toMatch(/^WA/);
    const renamed = await tr().workspaces(ws.sid).activities(lunch.sid).update({ friendlyName: "Break" });
    expect(renamed.friendlyName).toBe("Break");
    expect((await tr().workspaces(ws.sid).activities(lunch.sid).fetch()).available).toBe(false);
    const available = await tr().workspaces(ws.sid).activities.list({ available: "true" });
    expect(available.map((a) => a.friendlyName)).toEqual(["Available"]);
    await tr().workspaces(ws.sid).activities(lunch.sid).remove();
    expect((await tr().workspaces(ws.sid).activities.list()).length).toBe(3);
  });

  it("manages task channels (by SID or unique name)", async () => {
    const ws = await newWorkspace("channels");
    const voice = await tr().workspaces(ws.sid).taskChannels("voice").fetch();
    expect(voice.uniqueName).toBe("voice");
    const ping = await tr().workspaces(ws.sid).taskChannels.create({ friendlyName: "Ping", uniqueName: "ping" });
    expect(ping.sid).toMatch(/^TC/);
    const updated = await tr().workspaces(ws.sid).taskChannels(ping.sid).update({ friendlyName: "Recovery ping" });
    expect(updated.friendlyName).toBe("Recovery ping");
    expect((await tr().workspaces(ws.sid).taskChannels.list()).map((c) => c.uniqueName)).toContain("ping");
    await tr().workspaces(ws.sid).taskChannels(ping.sid).remove();
    expect((await restError(() => tr().workspaces(ws.sid).taskChannels(ping.sid).fetch())).code).toBe(20404);
  });

  it("manages workers and pages through them", async () => {
    const ws = await newWorkspace("workers");
    const available = (await tr().workspaces(ws.sid).activities.list({ friendlyName: "Available" }))[0];
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await tr()
          .workspaces(ws.sid)
          .workers.create({
            friendlyName: `agent${i}`,
            attributes: JSON.stringify({ contact_uri: `client:agent${i}` }),
          }),
      );
    }
    expect(created[0].activityName).toBe("Offline");
    expect(created[0].available).toBe(false);
    const updated = await tr().workspaces(ws.sid).workers(created[0].sid).update({ activitySid: available.sid });
    expect(updated.activityName).toBe("Available");
    expect(updated.available).toBe(true);
    // Paging: 5 workers, 2 per page → 3 pages followed through next_page_url.
    const page1 = await tr().workspaces(ws.sid).workers.page({ pageSize: 2 });
    expect(page1.instances.length).toBe(2);
    const page2 = await page1.nextPage();
    const page3 = await page2!.nextPage();
    expect(page3!.instances.length).toBe(1);
    expect(await page3!.nextPage()).toBeUndefined();
    const all = await tr().workspaces(ws.sid).workers.list({ pageSize: 2 });
    expect(all.map((w) => w.friendlyName)).toEqual(["agent0", "agent1", "agent2", "agent3", "agent4"]);
    expect((await tr().workspaces(ws.sid).workers.list({ available: "true" })).map((w) => w.sid)).toEqual([
      created[0].sid,
    ]);
    await tr().workspaces(ws.sid).workers(created[4].sid).remove();
    expect((await tr().workspaces(ws.sid).workers.list()).length).toBe(4);
  });

  it("lists, fetches (by SID or channel name) and updates a worker's channels", async () => {
    const ws = await newWorkspace("worker-channels");
    const worker = await tr().workspaces(ws.sid).workers.create({ friendlyName: "carol" });
    const channels = await tr().workspaces(ws.sid).workers(worker.sid).workerChannels.list();
    expect(channels.map((c) => c.taskChannelUniqueName)).toEqual(["default", "voice", "chat", "sms", "video", "email"]);
    expect(channels[0].sid).toMatch(/^WC/);
    expect(channels[1].configuredCapacity).toBe(1);
    const chat = await tr().workspaces(ws.sid).workers(worker.sid).workerChannels("chat").update({ capacity: 3 });
    expect(chat.configuredCapacity).toBe(3);
    expect(chat.availableCapacityPercentage).toBe(100);
    expect(
      (await tr().workspaces(ws.sid).workers(worker.sid).workerChannels(chat.sid).fetch()).configuredCapacity,
    ).toBe(3);
    expect(h.twin.store.taskrouter.configuredCapacity(ws.sid, worker.sid, "chat")).toBe(3);
    expect(h.twin.store.taskrouter.configuredCapacity(ws.sid, worker.sid, "voice")).toBeUndefined();
    const off = await tr().workspaces(ws.sid).workers(worker.sid).workerChannels("chat").update({ available: false });
    expect(off.available).toBe(false);
    expect(h.twin.store.taskrouter.configuredCapacity(ws.sid, worker.sid, "chat")).toBe(0);
  });

  it("rejects worker attributes that are not JSON", async () => {
    const ws = await newWorkspace("bad-attrs");
    const err = await restError(() =>
      tr().workspaces(ws.sid).workers.create({ friendlyName: "x", attributes: "{nope" }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain("Attributes");
  });
});

describe("TaskRouter queues, workflows, tasks, reservations", () => {
  const config = (queueSid: string) =>
    JSON.stringify({
      task_routing: {
        filters: [
          {
            filter_friendly_name: "Ping Disconnected Agent",
            expression: "disconnectedWorkerSid != null",
            targets: [{ queue: queueSid, known_worker_sid: "task.disconnectedWorkerSid" }],
          },
        ],
        default_filter: { queue: queueSid },
      },
    });

  it("answers a taken queue name with 400 / 20001 as Twilio does (not 409)", async () => {
    // Seen on Twilio: https://github.com/nash-md/twilio-contact-center/issues/23
    const ws = await newWorkspace("taken names");
    await tr().workspaces(ws.sid).taskQueues.create({ friendlyName: "Chat Queue" });
    const err = await restError(() => tr().workspaces(ws.sid).taskQueues.create({ friendlyName: "Chat Queue" }));
    expect([err.status, err.code, err.message]).toEqual([
      400,
      20001,
      `Queue named Chat Queue already exists for workspace ${ws.sid} for account ${h.twin.accountSid}`,
    ]);
  });

  it("manages task queues and workflows, storing the configuration as given", async () => {
    const ws = await newWorkspace("routing");
    const q = await tr()
      .workspaces(ws.sid)
      .taskQueues.create({ friendlyName: "Recovery Ping", targetWorkers: "1 == 1" });
    expect(q.sid).toMatch(/^WQ/);
    expect(q.targetWorkers).toBe("1 == 1");
    expect(q.taskOrder).toBe("FIFO");
    const q2 = await tr().workspaces(ws.sid).taskQueues(q.sid).update({ maxReservedWorkers: 3 });
    expect(q2.maxReservedWorkers).toBe(3);
    const text = config(q.sid);
    const wf = await tr()
      .workspaces(ws.sid)
      .workflows.create({ friendlyName: "Recovery Ping", configuration: text, taskReservationTimeout: 15 });
    expect(wf.sid).toMatch(/^WW/);
    expect(wf.configuration).toBe(text);
    expect(wf.taskReservationTimeout).toBe(15);
    const wf2 = await tr().workspaces(ws.sid).workflows(wf.sid).update({ taskReservationTimeout: 20 });
    expect(wf2.taskReservationTimeout).toBe(20);
    expect((await tr().workspaces(ws.sid).workflows.list({ friendlyName: "Recovery Ping" })).length).toBe(1);
    // A queue a workflow routes to cannot go.
    const inUse = await restError(() => tr().workspaces(ws.sid).taskQueues(q.sid).remove());
    expect([inUse.status, inUse.code]).toEqual([400, 20001]);
    expect(inUse.message).toBe(`Cannot delete TaskQueue ${q.sid}: workflow ${wf.sid} routes to it`);
    await tr().workspaces(ws.sid).workflows(wf.sid).remove();
    await tr().workspaces(ws.sid).taskQueues(q.sid).remove();
    expect(await tr().workspaces(ws.sid).taskQueues.list()).toEqual([]);
  });

  it("versions tasks: ETag on answers, If-Match on update and delete (412 when stale)", async () => {
    const ws = await newWorkspace("task-versions");
    const q = await tr().workspaces(ws.sid).taskQueues.create({ friendlyName: "q" });
    const wf = await tr()
      .workspaces(ws.sid)
      .workflows.create({ friendlyName: "wf", configuration: config(q.sid) });
    const task = await tr().workspaces(ws.sid).tasks.create({ workflowSid: wf.sid, attributes: "{}" });
    const path = `taskrouter.twilio.com/v1/Workspaces/${ws.sid}/Tasks/${task.sid}`;
    const first = await fetch(`${h.twin.baseUrl}/${path}`, {
      headers: { Authorization: `Basic ${Buffer.from(`${h.twin.accountSid}:${h.twin.authToken}`).toString("base64")}` },
    });
    const etag = first.headers.get("etag")!;
    expect(etag).toBe("0");
    await tr()
      .workspaces(ws.sid)
      .tasks(task.sid)
      .update({ attributes: JSON.stringify({ a: 1 }), ifMatch: etag });
    const stale = await restError(() =>
      tr()
        .workspaces(ws.sid)
        .tasks(task.sid)
        .update({ attributes: JSON.stringify({ a: 2 }), ifMatch: etag }),
    );
    expect(stale.status).toBe(412);
    expect(stale.message).toContain("If-Match");
    expect(JSON.parse((await tr().workspaces(ws.sid).tasks(task.sid).fetch()).attributes)).toEqual({ a: 1 });
    const del = await raw(h.twin, "DELETE", path, { headers: { "If-Match": "0" } });
    expect(del.status).toBe(412);
    expect((await raw(h.twin, "DELETE", path, { headers: { "If-Match": "1" } })).status).toBe(204);
  });

  it("rejects a workflow configuration naming an unknown queue", async () => {
    const ws = await newWorkspace("bad-config");
    const err = await restError(() =>
      tr()
        .workspaces(ws.sid)
        .workflows.create({ friendlyName: "x", configuration: config("WQ" + "0".repeat(32)) }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain("unknown queue");
  });

  it("creates, updates, lists and deletes tasks; reservations read and update", async () => {
    const ws = await newWorkspace("tasks");
    const q = await tr().workspaces(ws.sid).taskQueues.create({ friendlyName: "Everyone" });
    const wf = await tr()
      .workspaces(ws.sid)
      .workflows.create({ friendlyName: "Assign", configuration: config(q.sid) });
    const worker = await tr().workspaces(ws.sid).workers.create({ friendlyName: "alice" });
    const task = await tr()
      .workspaces(ws.sid)
      .tasks.create({
        workflowSid: wf.sid,
        attributes: JSON.stringify({ call_sid: "CA1" }),
        taskChannel: "voice",
        timeout: 15,
        priority: 1000,
      });
    expect(task.sid).toMatch(/^WT/);
    expect(task.assignmentStatus).toBe("pending");
    expect(task.taskChannelUniqueName).toBe("voice");
    expect(task.workflowFriendlyName).toBe("Assign");
    expect(task.timeout).toBe(15);
    const updated = await tr()
      .workspaces(ws.sid)
      .tasks(task.sid)
      .update({ attributes: JSON.stringify({ call_sid: "CA1", conversations: { followed_by: "Reconnect Agent" } }) });
    expect(JSON.parse(updated.attributes)).toEqual({
      call_sid: "CA1",
      conversations: { followed_by: "Reconnect Agent" },
    });

    // Reservations are the engine's to create; the REST side reads and updates them.
    const reservation = h.twin.store.taskrouter.createReservation(ws.sid, task.sid, worker.sid);
    const listed = await tr().workspaces(ws.sid).tasks(task.sid).reservations.list();
    expect(listed.map((r) => r.sid)).toEqual([reservation.sid]);
    expect(listed[0].workerName).toBe("alice");
    const viaWorker = await tr().workspaces(ws.sid).workers(worker.sid).reservations(reservation.sid).fetch();
    expect(viaWorker.reservationStatus).toBe("pending");
    const seen: string[] = [];
    const off = h.twin.events.on("reservationUpdated", (e) =>
      seen.push(`${e.previousStatus}->${e.reservation.reservationStatus}`),
    );
    const accepted = await tr()
      .workspaces(ws.sid)
      .tasks(task.sid)
      .reservations(reservation.sid)
      .update({ reservationStatus: "accepted", instruction: "conference" });
    off();
    expect(accepted.reservationStatus).toBe("accepted");
    expect(seen).toEqual(["pending->accepted"]);
    const again = await restError(() =>
      tr()
        .workspaces(ws.sid)
        .workers(worker.sid)
        .reservations(reservation.sid)
        .update({ reservationStatus: "rejected" }),
    );
    expect([again.status, again.code, again.message]).toEqual([
      400,
      20001,
      `Cannot change Reservation ${reservation.sid} from accepted to rejected`,
    ]);

    // Cancel a pending task; completing a pending one is refused.
    const t2 = await tr().workspaces(ws.sid).tasks.create({ workflowSid: wf.sid, attributes: "{}" });
    const early = await restError(() =>
      tr().workspaces(ws.sid).tasks(t2.sid).update({ assignmentStatus: "completed" }),
    );
    expect([early.status, early.message]).toEqual([400, `Cannot change Task ${t2.sid} from pending to completed`]);
    const canceled = await tr()
      .workspaces(ws.sid)
      .tasks(t2.sid)
      .update({ assignmentStatus: "canceled", reason: "test" });
    expect(canceled.assignmentStatus).toBe("canceled");
    expect(canceled.reason).toBe("test");
    const pending = await tr()
      .workspaces(ws.sid)
      .tasks.list({ assignmentStatus: ["pending"] });
    expect(pending.map((t) => t.sid)).toEqual([task.sid]);
    const byPriority = await tr().workspaces(ws.sid).tasks.list({ ordering: "Priority:desc" });
    expect(byPriority[0].sid).toBe(task.sid);
    await tr().workspaces(ws.sid).tasks(t2.sid).remove();
    expect((await tr().workspaces(ws.sid).tasks.list()).length).toBe(1);
  });

  it("lists tasks whose attributes match EvaluateTaskAttributes (and refuses one that does not parse)", async () => {
    const ws = await newWorkspace("evaluate");
    const q = await tr().workspaces(ws.sid).taskQueues.create({ friendlyName: "Everyone" });
    const wf = await tr()
      .workspaces(ws.sid)
      .workflows.create({ friendlyName: "Assign", configuration: config(q.sid) });
    const create = (attributes: object) =>
      tr()
        .workspaces(ws.sid)
        .tasks.create({ workflowSid: wf.sid, attributes: JSON.stringify(attributes) });
    const ping = await create({ disconnectedReservationSid: "WR1", recoveryAttemptFailed: false });
    await create({ disconnectedReservationSid: "WR2", recoveryAttemptFailed: false });
    const nested = await create({ conversations: { followed_by: "Reconnect Agent" }, priority: 3 });
    const list = (expression: string) =>
      tr()
        .workspaces(ws.sid)
        .tasks.list({ evaluateTaskAttributes: expression })
        .then((tasks) => tasks.map((t) => t.sid));
    expect(await list('disconnectedReservationSid == "WR1"')).toEqual([ping.sid]);
    expect(await list("disconnectedReservationSid == 'WR3'")).toEqual([]);
    expect(await list("conversations.followed_by == 'Reconnect Agent' AND priority > 2")).toEqual([nested.sid]);
    // Combined with the other filters (AND), and carried onto the next page.
    const paged = await tr()
      .workspaces(ws.sid)
      .tasks.list({ evaluateTaskAttributes: "recoveryAttemptFailed == false", pageSize: 1 });
    expect(paged).toHaveLength(2);
    const none = await tr()
      .workspaces(ws.sid)
      .tasks.list({ evaluateTaskAttributes: "recoveryAttemptFailed == false", assignmentStatus: ["canceled"] });
    expect(none).toEqual([]);
    const bad = await restError(() => list("disconnectedReservationSid =="));
    expect([bad.status, bad.code]).toEqual([400, 20001]);
  });
});
