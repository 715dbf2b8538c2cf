// The Flex-facing functions against the fake Twilio: token (401/403), origins (CORS), bad input
// (400, nothing changed) and what each endpoint does.
import { FunctionEnv, stateDocumentName, type ConferenceState } from "@flex-call-recovery/vocabulary";
import { handler as conferenceStatus } from "../src/functions/conference-status-handler.protected";
import { handler as endConference } from "../src/functions/flex/end-conference";
import { handler as moveParticipants } from "../src/functions/flex/move-participants";
import { handler as registerWorker } from "../src/functions/flex/register-worker";
import { handler as syncToken } from "../src/functions/flex/sync-token";
import { handler as unregisterWorker } from "../src/functions/flex/unregister-worker";
import { FakeTwilio } from "./support/fakeTwilio";
import { callHandler, SYNC_SERVICE_SID, withFakeTwilio } from "./support/runtime";
import { addAgent, agentDropped, registerBody, seedCall, statusCallback, type Call, stateOf } from "./support/scenario";

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

const FLEX = "https://flex.twilio.com";
/** A request as the runtime hands it over with its headers: the body's length as a browser declares it. */
const withHeaders = (body: object, headers: Record<string, string>) => ({
  ...body,
  request: { headers: { "content-length": String(JSON.stringify(body).length), ...headers }, cookies: {} },
});
describe("Flex token and origin", () => {
  const endpoints = [registerWorker, unregisterWorker, endConference, moveParticipants, syncToken];

  it.each(endpoints.map((h) => [h]))("answers 401 without a token (%#)", async (endpoint) => {
    const answer = await callHandler(endpoint, context, withHeaders({ conferenceSid: "x" }, { origin: FLEX }));
    expect(answer.statusCode).toBe(401);
    expect(answer.body).toMatchObject({ success: false, message: expect.stringContaining("missing Flex token") });
    expect(answer.headers["Access-Control-Allow-Origin"]).toBe(FLEX);
  });

  it.each(endpoints.map((h) => [h]))("answers 403 for a token Twilio rejects (%#)", async (endpoint) => {
    const answer = await callHandler(endpoint, context, { Token: "forged" });
    expect(answer.statusCode).toBe(403);
    expect(answer.body).toMatchObject({ success: false, message: expect.stringContaining("Invalid token") });
    expect(fake.writes().filter((r) => r.host !== "iam.twilio.com")).toHaveLength(0);
  });

  it("retries the token check through Twilio's 429/5xx and goes on", async () => {
    // A passing iam hiccup must not turn into a 403 nobody retries (found end to end, 20 % faults).
    const call = seedCall(fake);
    const iam = (r: { host: string }) => r.host === "iam.twilio.com";
    fake.failNext(iam, 503);
    fake.failNext(iam, 429, 20429);
    const answer = await callHandler(registerWorker, context, registerBody(call));
    expect(answer.statusCode).toBe(200);
    expect(fake.log.filter(iam)).toHaveLength(3);
  });

  it("answers 503 (not 403) when Twilio cannot check the token, and changes nothing", async () => {
    const call = seedCall(fake);
    const iam = (r: { host: string }) => r.host === "iam.twilio.com";
    for (let i = 0; i < 4; i++) fake.failNext(iam, 500);
    const answer = await callHandler(registerWorker, context, registerBody(call));
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toMatchObject({ success: false, message: expect.stringContaining("token validation") });
    expect(fake.writes().filter((r) => !iam(r))).toHaveLength(0);
  });

  it("takes the token from the Authorization header, and refuses one that came in the URL", async () => {
    const call = seedCall(fake);
    const viaHeader = await callHandler(
      syncToken,
      context,
      withHeaders({}, { origin: FLEX, authorization: `Bearer ${call.agent.token}` }),
    );
    expect(viaHeader.statusCode).toBe(200);
    // POST /flex/sync-token?Token=… with an empty body: the runtime puts the query's Token into
    // `event` beside the (empty) body, whose declared length cannot hold it.
    const checks = fake.log.length;
    const viaUrl = await callHandler(syncToken, context, {
      Token: call.agent.token,
      request: { headers: { origin: FLEX, "content-length": "0" }, cookies: {} },
    });
    expect(viaUrl).toMatchObject({ statusCode: 401, body: { message: expect.stringContaining("never in the URL") } });
    expect(fake.log).toHaveLength(checks);
    // The same token in the body is fine.
    const viaBody = await callHandler(syncToken, context, withHeaders({ Token: call.agent.token }, { origin: FLEX }));
    expect(viaBody.statusCode).toBe(200);
  });

  it("refuses an origin that is not Flex's before looking at anything else", async () => {
    const call = seedCall(fake);
    const answer = await callHandler(
      registerWorker,
      context,
      withHeaders(registerBody(call), { origin: "https://evil.example" }),
    );
    expect(answer.statusCode).toBe(403);
    expect(answer.headers).not.toHaveProperty("Access-Control-Allow-Origin");
    expect(fake.log).toHaveLength(0);
  });

  it("answers a preflight for an allowed origin, from ALLOWED_ORIGINS when set", async () => {
    const preflight = { "access-control-request-method": "POST", origin: "https://flex.example.com" };
    const configured = { ...context, [FunctionEnv.allowedOrigins]: "https://flex.example.com, https://other.example" };
    const allowed = await callHandler(syncToken, configured, withHeaders({}, preflight));
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({
      "Access-Control-Allow-Origin": "https://flex.example.com",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": "Content-Type, Authorization",
      Vary: "Origin",
    });
    // The default list is Flex's own origin only.
    expect((await callHandler(syncToken, context, withHeaders({}, preflight))).statusCode).toBe(403);
  });
});

/** Another task's conference (named after that task), holding only its own customer. */
function otherConference(call: Call): string {
  const sid = fake.sid("CF");
  const customer = fake.sid("CA");
  fake.conferences.set(sid, {
    sid,
    friendlyName: fake.sid("WT"),
    status: "in-progress",
    participants: new Map([[customer, { callSid: customer, label: "customer", endConferenceOnExit: true }]]),
  });
  // The call's task names its own conference (Flex wrote it there).
  expect(JSON.parse(fake.tasks.get(call.taskSid)!.attributes).conference.sid).toBe(call.conferenceSid);
  return sid;
}

describe("flex/register-worker", () => {
  it("records the leg, clears its endConferenceOnExit and grants the agent read access", async () => {
    const call = seedCall(fake);
    const answer = await callHandler(registerWorker, context, withHeaders(registerBody(call), { origin: FLEX }));
    expect(answer).toMatchObject({ statusCode: 200, body: { success: true } });
    expect(answer.headers["Access-Control-Allow-Origin"]).toBe(FLEX);
    const state = stateOf(fake, call)!;
    expect(state.workers[call.agent.callSid]).toEqual({
      workerSid: call.agent.workerSid,
      workerName: "Alice",
      callSid: call.agent.callSid,
      taskSid: call.taskSid,
      reservationSid: call.agent.reservationSid,
    });
    expect(state.customerCallSid).toBe(call.customerCallSid);
    expect(fake.conferences.get(call.conferenceSid)!.participants.get(call.agent.callSid)!.endConferenceOnExit).toBe(
      false,
    );
    const permissions = fake.documents.get(stateDocumentName(call.conferenceSid))!.permissions;
    expect(permissions.get(call.agent.identity)).toEqual({ read: true, write: false, manage: false });
  });

  it.each<[string, (call: Call) => Record<string, string>, number, string]>([
    ["a missing parameter", (call) => ({ ...registerBody(call), taskSid: "" }), 400, "missing parameter taskSid"],
    [
      "a malformed SID",
      (call) => ({ ...registerBody(call), reservationSid: "WT123" }),
      400,
      "parameter reservationSid is not a WR SID",
    ],
    [
      "an unknown task",
      (call) => ({ ...registerBody(call), taskSid: `WT${"9".repeat(32)}` }),
      400,
      `unknown task WT${"9".repeat(32)}`,
    ],
    [
      "a call that is not in the conference",
      (call) => ({ ...registerBody(call), customerCallSid: `CA${"9".repeat(32)}` }),
      400,
      `unknown customer call CA${"9".repeat(32)} in conference CF00000000000000000000000000000001`,
    ],
    [
      "another agent's worker SID",
      (call) => ({ ...registerBody(call), workerSid: `WK${"9".repeat(32)}` }),
      403,
      `worker WK${"9".repeat(32)} is not the caller`,
    ],
    [
      "another agent's reservation",
      (call) => ({ ...registerBody(call), reservationSid: addAgent(fake, call, "Bob").reservationSid }),
      403,
      "is not the caller's",
    ],
    [
      "a reservation that is no longer accepted",
      (call) => {
        fake.tasks.get(call.taskSid)!.reservations.set(call.agent.reservationSid, "completed");
        return registerBody(call);
      },
      409,
      "is completed, not accepted",
    ],
    [
      "the customer's call as the worker leg",
      (call) => ({ ...registerBody(call), workerCallSid: call.customerCallSid }),
      400,
      "workerCallSid and customerCallSid are the same call",
    ],
    [
      "a worker leg labelled customer",
      (call) => {
        fake.conferences.get(call.conferenceSid)!.participants.get(call.agent.callSid)!.label = "customer";
        return registerBody(call);
      },
      403,
      "is the customer's leg",
    ],
    [
      "another task's conference",
      (call) => {
        const other = otherConference(call);
        return { ...registerBody(call), conferenceSid: other, customerCallSid: call.customerCallSid };
      },
      // Alice's leg is not in that conference.
      400,
      "unknown worker call",
    ],
    [
      "a conference that is not the task's (leg moved there)",
      (call) => {
        const other = otherConference(call);
        const legs = fake.conferences.get(call.conferenceSid)!.participants;
        for (const leg of legs.values()) fake.conferences.get(other)!.participants.set(leg.callSid, leg);
        return { ...registerBody(call), conferenceSid: other };
      },
      403,
      "is not the conference of task",
    ],
  ])("answers %s with a 4xx and changes nothing", async (_name, body, status, message) => {
    const call = seedCall(fake);
    const answer = await callHandler(registerWorker, context, body(call));
    expect(answer).toMatchObject({
      statusCode: status,
      body: { success: false, message: expect.stringContaining(message) },
    });
    expect(fake.writes().filter((r) => r.host !== "iam.twilio.com")).toHaveLength(0);
    expect(fake.documents.size).toBe(0);
  });

  it("before Flex wrote the conference into the task, accepts only the conference named after the task", async () => {
    const call = seedCall(fake);
    const task = fake.tasks.get(call.taskSid)!;
    const { conference: _written, ...withoutConference } = JSON.parse(task.attributes) as Record<string, unknown>;
    task.attributes = JSON.stringify(withoutConference);
    fake.conferences.get(call.conferenceSid)!.friendlyName = fake.sid("WT");
    const refused = await callHandler(registerWorker, context, registerBody(call));
    expect(refused).toMatchObject({
      statusCode: 403,
      body: { message: expect.stringContaining("not the conference") },
    });
    fake.conferences.get(call.conferenceSid)!.friendlyName = call.taskSid;
    expect((await callHandler(registerWorker, context, registerBody(call))).statusCode).toBe(200);
  });

  it("refuses a leg that is not the caller's own call, whatever the caller wrote into their task", async () => {
    const alices = seedCall(fake);
    expect((await callHandler(registerWorker, context, registerBody(alices))).statusCode).toBe(200);
    // A supervisor (or any third party) is on Alice's call.
    const thirdParty = fake.sid("CA");
    fake.conferences.get(alices.conferenceSid)!.participants.set(thirdParty, {
      callSid: thirdParty,
      label: "supervisor",
      endConferenceOnExit: false,
    });
    fake.calls.set(thirdParty, { status: "in-progress", to: "client:supervisor", from: "+15005550006" });
    // Mallory, on her own call, writes Alice's conference into her own task and registers that
    // third party's leg as hers on Alice's conference.
    const mallorys = seedCall(fake);
    const task = fake.tasks.get(mallorys.taskSid)!;
    task.attributes = JSON.stringify({ ...JSON.parse(task.attributes), conference: { sid: alices.conferenceSid } });
    const answer = await callHandler(registerWorker, context, {
      ...registerBody(mallorys),
      conferenceSid: alices.conferenceSid,
      workerCallSid: thirdParty,
      customerCallSid: alices.customerCallSid,
    });
    expect(answer).toMatchObject({
      statusCode: 403,
      body: { message: expect.stringContaining("not the caller's own leg") },
    });
    expect(Object.keys(stateOf(fake, alices)!.workers)).toEqual([alices.agent.callSid]);
    // So Alice's drop is still recovered (nobody "covers" for her).
    await callHandler(conferenceStatus, context, agentDropped(alices));
    expect(stateOf(fake, alices)!.recovery?.droppedWorkerSid).toBe(alices.agent.workerSid);
  });

  it("records the worker's name TaskRouter holds, not the one the request names", async () => {
    const call = seedCall(fake);
    const answer = await callHandler(registerWorker, context, { ...registerBody(call), workerName: "Someone Else" });
    expect(answer.statusCode).toBe(200);
    expect(stateOf(fake, call)!.workers[call.agent.callSid].workerName).toBe("Alice");
  });

  it("refuses to take over a leg another agent registered", async () => {
    const call = seedCall(fake);
    const bob = addAgent(fake, call, "Bob");
    await callHandler(registerWorker, context, registerBody(call));
    // Bob's own accepted reservation, but Alice's leg: not dialled to Bob (and the core would keep
    // Alice as its owner too).
    const answer = await callHandler(registerWorker, context, {
      ...registerBody(call, bob),
      workerCallSid: call.agent.callSid,
    });
    expect(answer).toMatchObject({
      statusCode: 403,
      body: { message: expect.stringContaining("not the caller's own leg") },
    });
    expect(stateOf(fake, call)!.workers[call.agent.callSid].workerSid).toBe(call.agent.workerSid);
  });

  it("checks the request in one parallel batch, then creates the state without reading it", async () => {
    const call = seedCall(fake);
    fake.hold();
    const answer = callHandler(registerWorker, context, registerBody(call));
    await fake.waitForPending(1); // the Flex token
    fake.release();
    const batch = await fake.waitForPending(5);
    expect(batch.map((r) => r.method)).toEqual(Array(5).fill("GET"));
    expect(batch.some((r) => r.host === "sync.twilio.com")).toBe(false);
    fake.release(true);
    expect((await answer).statusCode).toBe(200);
    const sync = fake.log.filter((r) => r.host === "sync.twilio.com");
    expect(sync.map((r) => r.method)).toEqual(["POST", "POST"]); // the document, then the agent's read grant
  });

  it("a second registration on the same conference loses the create and decides on the document", async () => {
    const call = seedCall(fake);
    const bob = addAgent(fake, call, "Bob");
    expect((await callHandler(registerWorker, context, registerBody(call))).statusCode).toBe(200);
    expect((await callHandler(registerWorker, context, registerBody(call, bob))).statusCode).toBe(200);
    expect(Object.keys(stateOf(fake, call)!.workers).sort()).toEqual([call.agent.callSid, bob.callSid].sort());
    // Bob cannot take Alice's leg over, also when his create loses to her document.
    const takeOver = { ...registerBody(call, bob), workerCallSid: call.agent.callSid };
    expect((await callHandler(registerWorker, context, takeOver)).statusCode).toBe(403);
  });

  it("answers 500 without leaking credentials when Twilio fails unexpectedly", async () => {
    jest.spyOn(console, "error").mockImplementation(() => undefined);
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    const call = seedCall(fake);
    fake.failNext((r) => r.host === "sync.twilio.com" && r.method === "POST", 400, 54006);
    const answer = await callHandler(registerWorker, context, registerBody(call));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toEqual({ success: false, message: "register-worker failed: Twilio answered HTTP 400" });
    expect(JSON.stringify(answer)).not.toContain(context[FunctionEnv.authToken]);
  });
});

describe("flex/unregister-worker and flex/end-conference", () => {
  it("unregisters the caller's leg so its leave is graceful (no ping)", async () => {
    const call = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(call));
    const body = { Token: call.agent.token, conferenceSid: call.conferenceSid, workerCallSid: call.agent.callSid };
    expect((await callHandler(unregisterWorker, context, body)).statusCode).toBe(200);
    expect(stateOf(fake, call)!.workers).toEqual({});
    await callHandler(conferenceStatus, context, agentDropped(call));
    expect(fake.log.filter((r) => r.method === "POST" && /\/Tasks$/.test(r.path))).toHaveLength(0);
  });

  it("refuses to unregister another agent's leg", async () => {
    const call = seedCall(fake);
    const bob = addAgent(fake, call, "Bob");
    await callHandler(registerWorker, context, registerBody(call));
    const body = { Token: bob.token, conferenceSid: call.conferenceSid, workerCallSid: call.agent.callSid };
    expect((await callHandler(unregisterWorker, context, body)).statusCode).toBe(403);
    expect(Object.keys(stateOf(fake, call)!.workers)).toEqual([call.agent.callSid]);
  });

  it("ends the conference for a registered agent with one read and no write; the end's callbacks clean up", async () => {
    const call = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(call));
    const mark = fake.log.length;
    const answer = await callHandler(endConference, context, {
      Token: call.agent.token,
      conferenceSid: call.conferenceSid,
    });
    expect(answer.statusCode).toBe(200);
    expect(fake.conferences.get(call.conferenceSid)!.status).toBe("completed");
    const sync = fake.log.slice(mark).filter((r) => r.host === "sync.twilio.com");
    expect(sync.map((r) => r.method)).toEqual(["GET"]);
    // The agent's leg leaves because the API ended the conference: graceful, decided without Sync.
    const before = fake.log.length;
    const removed = {
      ...agentDropped(call),
      ParticipantCallStatus: "in-progress",
      ReasonParticipantLeft: "conference_ended_via_api",
    };
    expect((await callHandler(conferenceStatus, context, removed)).statusCode).toBe(200);
    expect(fake.log.length).toBe(before);
    const end = statusCallback(call, "conference-end", { ReasonConferenceEnded: "conference-ended-via-api" });
    expect((await callHandler(conferenceStatus, context, end)).statusCode).toBe(200);
    expect(stateOf(fake, call)).toBeUndefined();
    expect(fake.log.filter((r) => r.method === "POST" && /\/Tasks$/.test(r.path))).toHaveLength(0);
  });

  it("lets the agent repeat an end Twilio failed (the first request already unregistered them)", async () => {
    // Found end to end with 20 % faults: the retry met 403 and the customer stayed alone in the conference.
    const call = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(call));
    const conference = (r: { host: string; path: string; method: string }) =>
      r.method === "POST" && /\/Conferences\/CF\w+\.json$/.test(r.path);
    for (let i = 0; i < 4; i++) fake.failNext(conference, 500);
    const body = { Token: call.agent.token, conferenceSid: call.conferenceSid };
    const failed = await callHandler(endConference, context, body);
    expect(failed.statusCode).toBe(500);
    expect(fake.conferences.get(call.conferenceSid)!.status).toBe("in-progress");
    const repeated = await callHandler(endConference, context, body);
    expect(repeated.statusCode).toBe(200);
    expect(fake.conferences.get(call.conferenceSid)!.status).toBe("completed");
    const bob = addAgent(fake, call, "Bob");
    expect((await callHandler(endConference, context, { ...body, Token: bob.token })).statusCode).toBe(403);
  });

  it("does not end a conference another registered agent is still on: only the caller's leg is unregistered", async () => {
    const call = seedCall(fake);
    const bob = addAgent(fake, call, "Bob");
    await callHandler(registerWorker, context, registerBody(call));
    await callHandler(registerWorker, context, registerBody(call, bob));
    const answer = await callHandler(endConference, context, {
      Token: call.agent.token,
      conferenceSid: call.conferenceSid,
    });
    expect(answer).toMatchObject({ statusCode: 200, body: { success: true } });
    expect(fake.conferences.get(call.conferenceSid)!.status).toBe("in-progress");
    // Bob stays registered with the customer; the caller's leave will be graceful.
    expect(Object.keys(stateOf(fake, call)!.workers)).toEqual([bob.callSid]);
  });

  it("refuses to end a conference the caller is not registered on, or an unknown one", async () => {
    const call = seedCall(fake);
    const bob = addAgent(fake, call, "Bob");
    await callHandler(registerWorker, context, registerBody(call));
    const notMine = await callHandler(endConference, context, { Token: bob.token, conferenceSid: call.conferenceSid });
    expect(notMine.statusCode).toBe(403);
    const unknown = await callHandler(endConference, context, {
      Token: bob.token,
      conferenceSid: `CF${"9".repeat(32)}`,
    });
    expect(unknown.statusCode).toBe(404);
    expect(fake.conferences.get(call.conferenceSid)!.status).toBe("in-progress");
  });
});

describe("flex/move-participants", () => {
  it("moves every third party into the new conference in parallel, keeping label and flag", async () => {
    const old = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(old));
    const participants = fake.conferences.get(old.conferenceSid)!.participants;
    participants.delete(old.agent.callSid);
    const thirdParties = [
      { callSid: fake.sid("CA"), label: "supervisor", endConferenceOnExit: false, muted: true, coaching: true },
      { callSid: fake.sid("CA"), label: "external", endConferenceOnExit: true },
    ];
    for (const p of thirdParties) {
      participants.set(p.callSid, p);
      fake.calls.set(p.callSid, { status: "in-progress" });
    }
    await callHandler(conferenceStatus, context, agentDropped(old));
    // The customer is back with the same agent in a new conference, registered there.
    participants.delete(old.customerCallSid);
    // The ping failed: another agent got the reconnect task (the functions saw it enter the queue
    // after their requeue), before its acceptance reached the document (reconnectedWorkerSid null).
    const next = seedCall(fake);
    const document = fake.documents.get(stateDocumentName(old.conferenceSid))!;
    const recorded = document.data as ConferenceState;
    document.data = {
      ...recorded,
      recovery: { ...recorded.recovery!, status: "requeued", reconnectTaskSid: next.taskSid },
    };
    fake.flexTokens.set(old.agent.token, { worker_sid: next.agent.workerSid, identity: next.agent.identity });
    await callHandler(registerWorker, context, registerBody(next));
    expect(stateOf(fake, old)!.recovery).toMatchObject({
      droppedWorkerSid: old.agent.workerSid,
      reconnectedWorkerSid: null,
    });

    fake.hold();
    const answer = callHandler(moveParticipants, context, {
      Token: old.agent.token,
      fromConferenceSid: old.conferenceSid,
      toConferenceSid: next.conferenceSid,
    });
    await fake.waitForPending(1); // the Flex token
    fake.release();
    await fake.waitForPending(4); // the two states, the participants, the new conference
    fake.release();
    const redirects = await fake.waitForPending(2);
    expect(redirects.every((r) => r.method === "POST" && /\/Calls\/\w+\.json$/.test(r.path))).toBe(true);
    fake.release(true);
    expect(await answer).toMatchObject({
      statusCode: 200,
      body: { success: true, moved: thirdParties.map((p) => ({ callSid: p.callSid, label: p.label })) },
    });
    // The muted, coaching supervisor stays muted and now coaches the agent of the new conference.
    expect(fake.calls.get(thirdParties[0].callSid)!.twiml).toContain(
      `<Dial><Conference endConferenceOnExit="false" participantLabel="supervisor" muted="true" coach="${next.agent.callSid}">${next.taskSid}</Conference></Dial>`,
    );
    expect(fake.calls.get(thirdParties[1].callSid)!.twiml).not.toMatch(/muted|coach/);
    expect(fake.calls.get(thirdParties[1].callSid)!.twiml).toContain(
      'endConferenceOnExit="true" participantLabel="external"',
    );
  });

  it("refuses an agent whose new conference has nothing to do with the recovery", async () => {
    const old = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(old));
    fake.conferences.get(old.conferenceSid)!.participants.delete(old.agent.callSid);
    await callHandler(conferenceStatus, context, agentDropped(old));
    expect(stateOf(fake, old)!.recovery).not.toBeNull();
    // Carol is registered on her own, unrelated call and tries to pull the old conference's parties.
    const carolsCall = seedCall(fake);
    fake.flexTokens.set("carol", { worker_sid: carolsCall.agent.workerSid, identity: "carol" });
    await callHandler(registerWorker, context, registerBody(carolsCall));
    const redirectsBefore = fake.log.filter((r) => r.method === "POST" && /\/Calls\//.test(r.path)).length;
    const answer = await callHandler(moveParticipants, context, {
      Token: "carol",
      fromConferenceSid: old.conferenceSid,
      toConferenceSid: carolsCall.conferenceSid,
    });
    expect(answer).toMatchObject({ statusCode: 403, body: { message: expect.stringContaining("does not concern") } });
    expect(fake.log.filter((r) => r.method === "POST" && /\/Calls\//.test(r.path))).toHaveLength(redirectsBefore);
  });

  it("refuses an agent who wrote the dropped conference into their own task's attributes", async () => {
    const old = seedCall(fake);
    await callHandler(registerWorker, context, registerBody(old));
    const thirdParty = fake.sid("CA");
    fake.conferences.get(old.conferenceSid)!.participants.set(thirdParty, {
      callSid: thirdParty,
      label: "external",
      endConferenceOnExit: false,
    });
    fake.calls.set(thirdParty, { status: "in-progress" });
    await callHandler(conferenceStatus, context, agentDropped(old));
    expect(stateOf(fake, old)!.recovery).not.toBeNull();
    // Mallory, on her own call, writes the dropped conference into her task (Flex lets her) and
    // registers, then asks for the old conference's third party.
    const mallorys = seedCall(fake);
    const task = fake.tasks.get(mallorys.taskSid)!;
    task.attributes = JSON.stringify({
      ...JSON.parse(task.attributes),
      disconnectedConferenceSid: old.conferenceSid,
      isReconnect: true,
    });
    expect((await callHandler(registerWorker, context, registerBody(mallorys))).statusCode).toBe(200);
    const answer = await callHandler(moveParticipants, context, {
      Token: mallorys.agent.token,
      fromConferenceSid: old.conferenceSid,
      toConferenceSid: mallorys.conferenceSid,
    });
    expect(answer).toMatchObject({ statusCode: 403, body: { message: expect.stringContaining("does not concern") } });
    expect(fake.calls.get(thirdParty)!.twiml).toBeUndefined();
  });

  it("refuses callers not registered on the new conference", async () => {
    const old = seedCall(fake);
    const next = seedCall(fake);
    const answer = await callHandler(moveParticipants, context, {
      Token: old.agent.token,
      fromConferenceSid: old.conferenceSid,
      toConferenceSid: next.conferenceSid,
    });
    expect(answer.statusCode).toBe(403);
  });
});

describe("flex/sync-token", () => {
  it("signs a Sync token for the agent's own identity and the state service", async () => {
    const call = seedCall(fake);
    const answer = await callHandler(syncToken, context, { Token: call.agent.token });
    expect(answer.statusCode).toBe(200);
    const body = answer.body as { token: string; identity: string; ttl: number };
    expect(body).toMatchObject({ success: true, identity: call.agent.identity, ttl: 3600 });
    const payload = JSON.parse(Buffer.from(body.token.split(".")[1], "base64url").toString("utf8"));
    expect(payload.grants).toEqual({ identity: call.agent.identity, data_sync: { service_sid: SYNC_SERVICE_SID } });
    expect(payload.iss).toBe(context[FunctionEnv.syncApiKey]);
    expect(JSON.stringify(answer)).not.toContain(context[FunctionEnv.syncApiSecret]);
  });
});
