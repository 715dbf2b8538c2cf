import { validateRequest } from "twilio/lib/webhooks/webhooks";
import { CONFERENCE_STATUS_CALLBACK_EVENTS, ParticipantLabel, TaskAttribute } from "@flex-call-recovery/vocabulary";
import { parseTwiml, TwimlParseError } from "../../src/voice/twiml";
import { ACCOUNT, createHarness, TOKEN } from "./helpers/harness";
import { startReceiver, type Receiver } from "../../testing";

// Twilio's behaviour for every conference event these tests look at (the product itself
// subscribes to fewer: end, leave, modify).
const EVERY_CONFERENCE_EVENT = ["start", "end", "join", "leave", "modify"];

type Harness = ReturnType<typeof createHarness>;

const enqueue = (workflowSid: string, attributes: Record<string, unknown> = {}, priority = 0) =>
  `<?xml version="1.0"?><Response><Say>Please wait</Say><Enqueue workflowSid="${workflowSid}"><Task priority="${priority}" timeout="600">${JSON.stringify(
    attributes,
  )
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")}</Task></Enqueue></Response>`;

/** Conference callbacks received, in SequenceNumber order (parallel deliveries may arrive in any order). */
function callbacks(receiver: Receiver): Record<string, string>[] {
  return receiver.requests
    .filter((r) => r.path.startsWith("/conference-status"))
    .map((r) => Object.fromEntries(new URLSearchParams(r.body)))
    .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
}

describe("TwiML", () => {
  it("parses the verbs the project uses", () => {
    const verbs = parseTwiml(
      `<Response><Say voice="Polly.Amy" language="en-GB">Hello &amp; welcome</Say><Play>https://x/a.mp3</Play>` +
        `<Dial><Conference participantLabel="customer" endConferenceOnExit="true" statusCallback="https://cb" statusCallbackEvent="start end join leave">room</Conference></Dial></Response>`,
    );
    expect(verbs[0]).toEqual({ verb: "Say", text: "Hello & welcome", voice: "Polly.Amy", language: "en-GB" });
    expect(verbs[1]).toEqual({ verb: "Play", url: "https://x/a.mp3" });
    expect(verbs[2]).toMatchObject({
      verb: "Dial",
      conference: {
        name: "room",
        participantLabel: "customer",
        endConferenceOnExit: true,
        statusCallback: "https://cb",
        statusCallbackEvent: ["start", "end", "join", "leave"],
      },
    });
    expect(
      parseTwiml(
        `<Response><Enqueue workflowSid="WW1"><Task priority="1000" timeout="15">{"a":1}</Task></Enqueue></Response>`,
      ),
    ).toEqual([{ verb: "Enqueue", workflowSid: "WW1", attributes: { a: 1 }, priority: 1000, timeout: 15 }]);
  });

  it.each([
    ["<Response><Say>x</Response>", /unexpected close tag/],
    ["<Foo/>", /root element must be <Response>/],
    ["<Response><Gather/></Response>", /not supported/],
    ['<Response><Enqueue workflowSid="WW1"><Task>{nope</Task></Enqueue></Response>', /not JSON/],
    ['<Response><Dial><Conference endConferenceOnExit="yes">r</Conference></Dial></Response>', /true or false/],
    ["", /empty document/],
  ])("rejects %j", (twiml, message) => {
    expect(() => parseTwiml(twiml)).toThrow(TwimlParseError);
    expect(() => parseTwiml(twiml)).toThrow(message);
  });
});

describe("voice and Flex orchestration", () => {
  let h: Harness;
  let receiver: Receiver;
  let statusCallback: string;

  beforeEach(async () => {
    h = createHarness();
    receiver = await startReceiver();
    statusCallback = `${receiver.baseUrl}/conference-status`;
  });
  afterEach(async () => {
    await h.dispose();
    await receiver.close();
  });

  /** A customer enqueued, reserved to alice, accepted as Flex does. */
  async function connectedCall() {
    const alice = h.agents.createAgent(ACCOUNT, h.ref.workspaceSid, { friendlyName: "alice" });
    const { callSid } = await h.agents.customerCalls(ACCOUNT, {
      from: "+15550001",
      to: "+15559999",
      twiml: enqueue(h.workflow.sid, { type: "support" }, 5),
    });
    const reservation = h.agents.view(ACCOUNT, alice.workerSid).reservations[0];
    const view = h.agents.accept(ACCOUNT, alice.workerSid, reservation.sid, {
      conferenceStatusCallback: statusCallback,
      conferenceStatusCallbackEvent: [...EVERY_CONFERENCE_EVENT],
    });
    await h.webhooks.idle();
    const leg = view.leg!;
    return {
      alice,
      customerCallSid: callSid,
      reservation,
      conferenceSid: leg.conferenceSid,
      workerCallSid: leg.callSid,
    };
  }

  it("enqueues a caller as a task with the call's attributes", async () => {
    const { callSid } = await h.agents.customerCalls(ACCOUNT, {
      from: "+15550001",
      to: "+15559999",
      twiml: enqueue(h.workflow.sid, { type: "support" }, 7),
    });
    const [task] = h.store.tasks(h.ref);
    expect(task.attributes).toMatchObject({
      type: "support",
      [TaskAttribute.callSid]: callSid,
      from: "+15550001",
      to: "+15559999",
    });
    expect(task.priority).toBe(7);
    expect(task.timeout).toBe(600);
    expect(h.voice.heardBy(ACCOUNT, callSid)).toEqual(["say:Please wait"]);
    expect(h.voice.placeOf(ACCOUNT, callSid)).toMatchObject({ kind: "queue", taskSid: task.sid });
  });

  it("cancels the task of a caller who hangs up in the queue", async () => {
    const { callSid } = await h.agents.customerCalls(ACCOUNT, { from: "+1", to: "+2", twiml: enqueue(h.workflow.sid) });
    h.agents.customerHangsUp(ACCOUNT, callSid);
    const [task] = h.store.tasks(h.ref);
    expect(task.assignmentStatus).toBe("canceled");
    expect(h.voiceStore.fetchCall(callSid)?.status).toBe("completed");
  });

  it("accepting as Flex creates a conference named after the task with labelled legs and signed callbacks", async () => {
    const c = await connectedCall();
    const task = h.store.tasks(h.ref)[0];
    const conference = h.voiceStore.fetchConference(c.conferenceSid)!;
    expect(conference.friendlyName).toBe(task.sid);
    expect(conference.status).toBe("in-progress");
    const legs = h.voice.participants(ACCOUNT, c.conferenceSid);
    expect(legs.map((p) => [p.label, p.endConferenceOnExit])).toEqual([
      [ParticipantLabel.worker, true], // Flex 2.17's accept payload: the first agent's leg ends the conference
      [ParticipantLabel.customer, true],
    ]);
    expect(task.assignmentStatus).toBe("assigned");
    expect(task.attributes[TaskAttribute.conference]).toEqual({
      sid: c.conferenceSid,
      participants: { customer: c.customerCallSid, worker: c.workerCallSid },
    });
    const received = callbacks(receiver);
    expect(received.map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-join",
      "conference-start",
      "participant-join",
    ]);
    expect(received.map((p) => p.SequenceNumber)).toEqual(["1", "2", "3"]);
    expect(received[0]).toEqual({
      AccountSid: ACCOUNT,
      ConferenceSid: c.conferenceSid,
      FriendlyName: task.sid,
      SequenceNumber: "1",
      Timestamp: expect.stringMatching(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
      StatusCallbackEvent: "participant-join",
      CallSid: c.workerCallSid,
      Muted: "false",
      Hold: "false",
      Coaching: "false",
      EndConferenceOnExit: "true",
      StartConferenceOnEnter: "true",
      ParticipantLabel: "worker",
    });
    for (const request of receiver.requests) {
      const params = Object.fromEntries(new URLSearchParams(request.body));
      expect(validateRequest(TOKEN, String(request.headers["x-twilio-signature"]), request.url, params)).toBe(true);
    }
  });

  it("ends the conference when a leg with endConferenceOnExit=true drops, and Flex wraps the task up", async () => {
    const c = await connectedCall();
    await h.webhooks.idle();
    receiver.requests.length = 0;
    h.agents.refreshPage(ACCOUNT, c.alice.workerSid, 5);
    await h.webhooks.idle();
    const received = callbacks(receiver);
    expect(received.map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-leave",
      "participant-leave",
      "conference-end",
    ]);
    expect(received[0]).toMatchObject({
      CallSid: c.workerCallSid,
      ParticipantLabel: "worker",
      ParticipantCallStatus: "completed",
      ReasonParticipantLeft: "participant_hung_up",
    });
    expect(received[1]).toMatchObject({
      CallSid: c.customerCallSid,
      ReasonParticipantLeft: "moderator_ended_conference",
    });
    expect(received[2]).toMatchObject({
      CallSidEndingConference: c.workerCallSid,
      ParticipantLabelEndingConference: "worker",
      ReasonConferenceEnded: "participant-with-end-conference-on-exit-left",
    });
    expect(received[2].Reason).toEqual(expect.any(String));
    expect(h.store.reservation(h.ref, c.reservation.sid)?.status).toBe("wrapping");
    expect(h.voiceStore.fetchCall(c.customerCallSid)?.status).toBe("completed");
    // The UI is back after 5 s and sees its wrapping reservation.
    expect(h.agents.view(ACCOUNT, c.alice.workerSid).online).toBe(false);
    h.clock.advance(5000);
    const view = h.agents.view(ACCOUNT, c.alice.workerSid);
    expect(view.online).toBe(true);
    expect(view.reservations.map((r) => [r.sid, r.status])).toEqual([[c.reservation.sid, "wrapping"]]);
  });

  it("keeps the customer when the worker leg's endConferenceOnExit was set back to false, announces, and re-enqueues", async () => {
    const c = await connectedCall();
    // What the recovery's register-worker does.
    h.voice.updateParticipant(ACCOUNT, c.conferenceSid, c.workerCallSid, { endConferenceOnExit: false });
    h.agents.refreshPage(ACCOUNT, c.alice.workerSid, 10);
    expect(h.voiceStore.fetchConference(c.conferenceSid)?.status).toBe("in-progress");
    expect(h.voice.participants(ACCOUNT, c.conferenceSid).map((p) => p.label)).toEqual(["customer"]);
    // The announcement is fetched (signed) and heard by the customer.
    const announcer = await startReceiver();
    announcer.answer({
      contentType: "text/xml",
      body: "<Response><Say>Please hold, reconnecting you.</Say></Response>",
    });
    await h.voice.announce(ACCOUNT, c.conferenceSid, `${announcer.baseUrl}/announce`);
    const [fetch] = announcer.requests;
    const fetchParams = Object.fromEntries(new URLSearchParams(fetch.body));
    expect(validateRequest(TOKEN, String(fetch.headers["x-twilio-signature"]), fetch.url, fetchParams)).toBe(true);
    expect(h.voice.heardBy(ACCOUNT, c.customerCallSid)).toContain("say:Please hold, reconnecting you.");
    await announcer.close();
    // Redirecting the customer takes it out of the conference first (which ends it), then enqueues it.
    await h.webhooks.idle();
    receiver.requests.length = 0;
    await h.voice.redirectCall(ACCOUNT, c.customerCallSid, {
      twiml: enqueue(h.workflow.sid, { [TaskAttribute.isReconnect]: true }, 1000),
    });
    await h.webhooks.idle();
    const received = callbacks(receiver);
    expect(received.map((p) => p.StatusCallbackEvent)).toEqual(["participant-leave", "conference-end"]);
    expect(received[0]).toMatchObject({
      ParticipantCallStatus: "in-progress",
      ReasonParticipantLeft: "participant_updated_via_api",
    });
    expect(received[1]).toMatchObject({ ReasonConferenceEnded: "participant-with-end-conference-on-exit-left" });
    const reconnect = h.store.tasks(h.ref).find((t) => t.attributes[TaskAttribute.isReconnect] === true);
    expect(reconnect?.priority).toBe(1000);
    expect(h.voice.placeOf(ACCOUNT, c.customerCallSid)).toMatchObject({ kind: "queue", taskSid: reconnect?.sid });
  });

  it("ends a conference when its last participant leaves", async () => {
    // A conference whose first participant subscribes hold and announcement events.
    const { callSid } = await h.agents.customerCalls(ACCOUNT, {
      from: "+1",
      to: "+2",
      twiml: `<Response><Dial><Conference statusCallback="${statusCallback}" statusCallbackEvent="start end join leave">room</Conference></Dial></Response>`,
    });
    h.agents.customerHangsUp(ACCOUNT, callSid);
    await h.webhooks.idle();
    const received = callbacks(receiver);
    expect(received.map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-join",
      "participant-leave",
      "conference-end",
    ]);
    expect(received[2]).toMatchObject({
      ReasonConferenceEnded: "last-participant-left",
      CallSidEndingConference: callSid,
    });
    expect(received[2].ParticipantLabelEndingConference).toBeUndefined();
  });

  it("re-applies endConferenceOnExit=true only when two or fewer participants are live", async () => {
    const c = await connectedCall();
    const { callSid: third } = h.agents.addThirdParty(ACCOUNT, c.alice.workerSid, "+15557777", "external");
    h.voice.updateParticipant(ACCOUNT, c.conferenceSid, c.workerCallSid, { endConferenceOnExit: false });
    // Three live: Flex leaves it.
    expect(
      h.voice.participants(ACCOUNT, c.conferenceSid).find((p) => p.callSid === c.workerCallSid)?.endConferenceOnExit,
    ).toBe(false);
    await h.webhooks.idle();
    receiver.requests.length = 0;
    h.voice.hangupCall(ACCOUNT, third);
    await h.webhooks.idle();
    expect(callbacks(receiver).map((p) => [p.StatusCallbackEvent, p.CallSid, p.EndConferenceOnExit])).toEqual([
      ["participant-leave", third, "false"],
      ["participant-modify", c.workerCallSid, "true"],
    ]);
  });

  it("can let Flex's reset land after the recovery registered the leg (UI reaction time)", async () => {
    h.flex.setResetDelay(800);
    {
      const alice = h.agents.createAgent(ACCOUNT, h.ref.workspaceSid, { friendlyName: "alice" });
      await h.agents.customerCalls(ACCOUNT, { from: "+1", to: "+2", twiml: enqueue(h.workflow.sid) });
      const [reservation] = h.agents.view(ACCOUNT, alice.workerSid).reservations;
      // A beforeAcceptTask listener set endConferenceOnExit=false; Flex's reset still writes true
      // once (its page memory has no value for the task yet), after the UI's reaction time.
      const legs = h.flex.acceptVoiceReservation(h.ref, reservation.sid, {
        conferenceStatusCallback: statusCallback,
        conferenceStatusCallbackEvent: [...CONFERENCE_STATUS_CALLBACK_EVENTS],
        endConferenceOnExit: false,
      });
      const worker = () =>
        h.voice.participants(ACCOUNT, legs.conferenceSid).find((p) => p.callSid === legs.workerCallSid);
      expect(worker()?.endConferenceOnExit).toBe(false);
      h.clock.advance(800);
      expect(worker()?.endConferenceOnExit).toBe(true);
      // A function sets it back to false: the computed value did not flip, so Flex does not write again.
      h.voice.updateParticipant(ACCOUNT, legs.conferenceSid, legs.workerCallSid, { endConferenceOnExit: false });
      h.clock.advance(800);
      expect(worker()?.endConferenceOnExit).toBe(false);
    }
  });

  it("holds the customer, and a graceful hangup wraps the task", async () => {
    const c = await connectedCall();
    h.agents.hold(ACCOUNT, c.alice.workerSid, true);
    expect(h.voice.participants(ACCOUNT, c.conferenceSid).find((p) => p.callSid === c.customerCallSid)?.hold).toBe(
      true,
    );
    h.agents.hangup(ACCOUNT, c.alice.workerSid);
    expect(h.store.reservation(h.ref, c.reservation.sid)?.status).toBe("wrapping");
    h.agents.complete(ACCOUNT, c.alice.workerSid, c.reservation.sid);
    expect(h.store.tasks(h.ref)[0].assignmentStatus).toBe("completed");
  });

  it("reports hold/unhold and kicks, and an announcement that fails", async () => {
    const c = await connectedCall();
    const conference = c.conferenceSid;
    await h.webhooks.idle();
    receiver.requests.length = 0;
    h.voice.updateParticipant(ACCOUNT, conference, c.customerCallSid, { hold: true });
    h.voice.updateParticipant(ACCOUNT, conference, c.customerCallSid, { hold: false });
    // hold is not among the subscribed events (start end join leave modify): nothing is sent.
    await h.webhooks.idle();
    expect(callbacks(receiver)).toEqual([]);
    // A conference whose first participant subscribes hold and announcement events.
    const { callSid } = await h.agents.customerCalls(ACCOUNT, {
      from: "+1",
      to: "+2",
      twiml: `<Response><Dial><Conference statusCallback="${statusCallback}" statusCallbackEvent="start end join leave hold announcement" endConferenceOnExit="true">room2</Conference></Dial></Response>`,
    });
    const other = h.agents.customerCalls(ACCOUNT, {
      from: "+3",
      to: "+2",
      twiml: `<Response><Dial><Conference>room2</Conference></Dial></Response>`,
    });
    const otherCall = (await other).callSid;
    const room2 = h.voice.placeOf(ACCOUNT, callSid);
    if (room2.kind !== "conference") throw new Error("not in a conference");
    h.voice.updateParticipant(ACCOUNT, room2.conferenceSid, otherCall, { hold: true });
    receiver.answer({ status: 404 });
    await h.voice.announce(ACCOUNT, room2.conferenceSid, `${receiver.baseUrl}/missing`);
    receiver.answer({ status: 200 });
    h.voiceStore.deleteParticipant(room2.conferenceSid, callSid);
    await h.webhooks.idle();
    const received = callbacks(receiver).filter((p) => p.ConferenceSid === room2.conferenceSid);
    expect(received.map((p) => p.StatusCallbackEvent)).toEqual([
      "participant-join",
      "conference-start",
      "participant-join",
      "participant-hold",
      "announcement-fail",
      "participant-leave",
      "participant-leave",
      "conference-end",
    ]);
    expect(received[4]).toMatchObject({
      AnnounceUrl: `${receiver.baseUrl}/missing`,
      ReasonAnnouncementFailed: expect.stringMatching(/404/),
    });
    expect(received[5]).toMatchObject({
      CallSid: callSid,
      ReasonParticipantLeft: "participant_updated_via_api",
      ParticipantCallStatus: "in-progress",
    });
    expect(received[6]).toMatchObject({ CallSid: otherCall, ReasonParticipantLeft: "moderator_ended_conference" });
    expect(received[7]).toMatchObject({
      ReasonConferenceEnded: "participant-with-end-conference-on-exit-kicked",
      CallSidEndingConference: callSid,
    });
    expect(h.voiceStore.fetchCall(callSid)?.status).toBe("completed");
    expect(h.voiceStore.fetchCall(otherCall)?.status).toBe("completed");
  });

  it("warm-transfers to another agent who joins the same conference", async () => {
    const c = await connectedCall();
    const bob = h.agents.createAgent(ACCOUNT, h.ref.workspaceSid, { friendlyName: "bob" });
    h.agents.transfer(ACCOUNT, c.alice.workerSid, { workflowSid: h.workflow.sid, mode: "WARM" });
    const offer = h.agents.view(ACCOUNT, bob.workerSid).reservations[0];
    const accepted = h.agents.accept(ACCOUNT, bob.workerSid, offer.sid);
    expect(accepted.leg?.conferenceSid).toBe(c.conferenceSid);
    const labels = h.voice.participants(ACCOUNT, c.conferenceSid).map((p) => p.label);
    expect(labels).toEqual(["worker", "customer", "worker"]);
    expect(h.voice.participants(ACCOUNT, c.conferenceSid).find((p) => p.label === "customer")?.hold).toBe(false);
    h.agents.hangup(ACCOUNT, c.alice.workerSid);
    expect(h.voiceStore.fetchConference(c.conferenceSid)?.status).toBe("in-progress");
  });

  it("cold-transfers: the first agent leaves at once and the customer stays", async () => {
    const c = await connectedCall();
    h.agents.createAgent(ACCOUNT, h.ref.workspaceSid, { friendlyName: "bob" });
    h.agents.transfer(ACCOUNT, c.alice.workerSid, { workflowSid: h.workflow.sid, mode: "COLD" });
    expect(h.voiceStore.fetchConference(c.conferenceSid)?.status).toBe("in-progress");
    expect(h.store.reservation(h.ref, c.reservation.sid)?.status).toBe("wrapping");
  });

  it("refuses actions of an agent whose UI is not loaded, and one who never comes back stays away", async () => {
    const c = await connectedCall();
    h.agents.disconnectForever(ACCOUNT, c.alice.workerSid);
    h.clock.advance(60_000);
    expect(h.agents.view(ACCOUNT, c.alice.workerSid)).toMatchObject({ online: false, gone: true, reservations: [] });
    expect(() => h.agents.complete(ACCOUNT, c.alice.workerSid, c.reservation.sid)).toThrow(/Flex UI is not loaded/);
  });
});
