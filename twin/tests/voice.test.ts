// Voice (2010) through the real `twilio` SDK. Calls and conferences are placed by the engine in
// real runs; here the backend's engine-facing methods create them.
import { restError, useTwin } from "./helpers";

const h = useTwin();
const api = () => h.client.api.v2010.accounts(h.twin.accountSid);
const voice = () => h.twin.store.voice;

describe("Voice calls", () => {
  it("fetches, lists with paging, redirects with Twiml or Url, ends and deletes calls", async () => {
    const calls = [1, 2, 3].map((i) => voice().createCall({ from: "+15550000000", to: `client:agent${i}` }));
    const fetched = await api().calls(calls[0].sid).fetch();
    expect(fetched.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(fetched.status).toBe("in-progress");
    expect(fetched.dateCreated).toBeInstanceOf(Date);
    const page = await api().calls.page({ pageSize: 2 });
    expect(page.instances.length).toBe(2);
    const rest = await page.nextPage();
    expect(rest!.instances.length).toBe(1);
    expect((await api().calls.list({ to: "client:agent2" })).map((c) => c.sid)).toEqual([calls[1].sid]);

    const redirects: string[] = [];
    const off = h.twin.events.on("callUpdated", (e) => redirects.push(e.twiml ?? e.url ?? e.call.status));
    const twiml = '<Response><Enqueue workflowSid="WW1"><Task>{}</Task></Enqueue></Response>';
    await api().calls(calls[0].sid).update({ twiml });
    await api().calls(calls[1].sid).update({ url: "https://example.com/twiml", method: "POST" });
    const ended = await api().calls(calls[2].sid).update({ status: "completed" });
    off();
    expect(redirects).toEqual([twiml, "https://example.com/twiml", "completed"]);
    expect(ended.status).toBe("completed");
    expect(ended.endTime).toBeInstanceOf(Date);
    // A finished call cannot be redirected (21220).
    const err = await restError(() => api().calls(calls[2].sid).update({ twiml }));
    expect(err.status).toBe(400);
    expect(err.code).toBe(21220);
    await api().calls(calls[2].sid).remove();
    expect((await restError(() => api().calls(calls[2].sid).fetch())).code).toBe(20404);
  });
});

describe("Voice conferences and participants", () => {
  it("fetches, lists, announces to and ends a conference", async () => {
    const conf = voice().createConference({ friendlyName: "WT123", status: "in-progress" });
    const fetched = await api().conferences(conf.sid).fetch();
    expect(fetched.sid).toMatch(/^CF/);
    expect(fetched.status).toBe("in-progress");
    expect((await api().conferences.list({ friendlyName: "WT123" })).map((c) => c.sid)).toEqual([conf.sid]);
    const announced: (string | undefined)[] = [];
    const off = h.twin.events.on("conferenceUpdated", (e) => announced.push(e.announceUrl));
    await api().conferences(conf.sid).update({ announceUrl: "https://example.com/announce", announceMethod: "POST" });
    off();
    expect(announced).toEqual(["https://example.com/announce"]);
    const ended = await api().conferences(conf.sid).update({ status: "completed" });
    expect(ended.status).toBe("completed");
    expect(ended.reasonConferenceEnded).toBe("conference-ended-via-api");
    const over = await restError(() => api().conferences(conf.sid).update({ status: "completed" }));
    expect([over.status, over.code, over.message]).toEqual([400, 20001, `Conference ${conf.sid} is not active`]);
  });

  it("lists, fetches (by call SID or label), updates and removes participants", async () => {
    const conf = voice().createConference({ friendlyName: "WT456", status: "in-progress" });
    const customer = voice().createCall({ from: "+15551111111", to: "+15552222222" });
    const agent = voice().createCall({ from: "+15552222222", to: "client:alice", direction: "outbound-api" });
    voice().addParticipant(conf.sid, { callSid: customer.sid, label: "customer" });
    voice().addParticipant(conf.sid, { callSid: agent.sid, label: "worker", endConferenceOnExit: true });
    const list = await api().conferences(conf.sid).participants.list();
    expect(list.map((p) => p.label)).toEqual(["customer", "worker"]);
    const byLabel = await api().conferences(conf.sid).participants("worker").fetch();
    expect(byLabel.callSid).toBe(agent.sid);
    expect(byLabel.endConferenceOnExit).toBe(true);
    const changes: string[][] = [];
    const off = h.twin.events.on("participantUpdated", (e) => changes.push(e.changed));
    const updated = await api()
      .conferences(conf.sid)
      .participants(agent.sid)
      .update({ endConferenceOnExit: false, hold: true });
    off();
    expect(updated.endConferenceOnExit).toBe(false);
    expect(updated.hold).toBe(true);
    expect(changes).toEqual([["endConferenceOnExit", "hold"]]);
    expect((await api().conferences(conf.sid).participants.list({ hold: true })).map((p) => p.callSid)).toEqual([
      agent.sid,
    ]);
    await api().conferences(conf.sid).participants(agent.sid).remove();
    expect((await api().conferences(conf.sid).participants.list()).map((p) => p.label)).toEqual(["customer"]);
    expect((await restError(() => api().conferences(conf.sid).participants(agent.sid).fetch())).status).toBe(404);
  });
});
