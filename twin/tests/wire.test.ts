// The generic serialiser every product's responses.ts builds on. Spec validation accepts extra
// properties, so what must stay out of an answer is checked here.
import { iso, rfc2822 } from "../src/http/dates";
import { links, nulls, snake, wire } from "../src/http/wire";
import { raw, useTwin } from "./helpers";

describe("wire serialiser", () => {
  it.each([
    ["friendlyName", "friendly_name"],
    ["sid", "sid"],
    ["taskrouterTargetTaskqueueSid", "taskrouter_target_taskqueue_sid"],
    ["RealTimeStatistics", "real_time_statistics"],
  ])("writes %s as %s", (key, expected) => {
    expect(snake(key)).toBe(expected);
  });

  const record = {
    sid: "XX1",
    friendlyName: "a",
    dateCreated: new Date("2015-07-30T20:00:00.123Z"),
    dateExpires: null,
    data: { keptAsIs: 1 },
    revision: 3,
  };

  it("writes every field in Twilio's case, dates in the API's style, nested objects untouched", () => {
    expect(wire(record, iso)).toEqual({
      sid: "XX1",
      friendly_name: "a",
      date_created: "2015-07-30T20:00:00Z",
      date_expires: null,
      data: { keptAsIs: 1 },
      revision: 3,
    });
    expect(wire(record, rfc2822).date_created).toBe("Thu, 30 Jul 2015 20:00:00 +0000");
  });

  it("leaves omitted fields out and puts computed ones on top", () => {
    const out = wire(record, iso, { url: "u", friendly_name: "renamed" }, ["revision", "data"]);
    expect(out).toEqual({
      sid: "XX1",
      friendly_name: "renamed",
      date_created: "2015-07-30T20:00:00Z",
      date_expires: null,
      url: "u",
    });
  });

  it("builds sub-resource links and null fields from space-separated names", () => {
    expect(links("https://x/v1/W", "Tasks RealTimeStatistics")).toEqual({
      tasks: "https://x/v1/W/Tasks",
      real_time_statistics: "https://x/v1/W/RealTimeStatistics",
    });
    expect(nulls(" a\n  b_c ")).toEqual({ a: null, b_c: null });
  });
});

describe("state the twin keeps for itself stays out of answers", () => {
  const h = useTwin();

  it("a call shows neither its TwiML nor its URL; a task not its revision (that is the ETag)", async () => {
    const call = h.twin.store.voice.createCall({
      from: "+1555",
      to: "client:a",
      twiml: "<Response/>",
      url: "https://x",
    });
    const fetched = await raw(
      h.twin,
      "GET",
      `api.twilio.com/2010-04-01/Accounts/${h.twin.accountSid}/Calls/${call.sid}.json`,
    );
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty("twiml");
    expect(fetched.body).not.toHaveProperty("url");

    const tr = h.client.taskrouter.v1;
    const ws = await tr.workspaces.create({ friendlyName: "wire" });
    const queue = await tr.workspaces(ws.sid).taskQueues.create({ friendlyName: "q" });
    const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } });
    const workflow = await tr.workspaces(ws.sid).workflows.create({ friendlyName: "wf", configuration });
    const task = await tr.workspaces(ws.sid).tasks.create({ workflowSid: workflow.sid, attributes: "{}" });
    const answer = await raw(h.twin, "GET", `taskrouter.twilio.com/v1/Workspaces/${ws.sid}/Tasks/${task.sid}`);
    expect(answer.body.sid).toBe(task.sid);
    expect(answer.body).not.toHaveProperty("revision");
  });
});
