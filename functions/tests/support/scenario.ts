// A Flex call as the fake Twilio holds it: a conference with the customer and one agent, the
// customer's task and the agent's reservation, and the agent's Flex token.
import { ParticipantLabel, stateDocumentName, type ConferenceState } from "@flex-call-recovery/vocabulary";
import type { FakeTwilio, LoggedRequest } from "./fakeTwilio";
import { CALL_WORKFLOW_SID } from "./runtime";

export interface Agent {
  workerSid: string;
  workerName: string;
  identity: string;
  token: string;
  callSid: string;
  reservationSid: string;
}

export interface Call {
  conferenceSid: string;
  customerCallSid: string;
  taskSid: string;
  agent: Agent;
}

export const ORIGINAL_ATTRIBUTES = { name: "Customer", from: "+15005550006", direction: "inbound" };

export function addAgent(fake: FakeTwilio, call: Omit<Call, "agent">, name: string): Agent {
  const agent: Agent = {
    workerSid: fake.sid("WK"),
    workerName: name,
    identity: `agent_${name.toLowerCase()}`,
    token: `flex-token-${name}`,
    callSid: fake.sid("CA"),
    reservationSid: fake.sid("WR"),
  };
  // Flex dials the worker's contact_uri, `client:<identity>`: the identity the agent's browser
  // registered with, the one in its Flex token.
  fake.calls.set(agent.callSid, { status: "in-progress", to: `client:${agent.identity}`, from: "+15005550006" });
  fake.workerNames.set(agent.workerSid, name);
  fake.conferences.get(call.conferenceSid)!.participants.set(agent.callSid, {
    callSid: agent.callSid,
    label: ParticipantLabel.worker,
    endConferenceOnExit: true,
  });
  fake.tasks.get(call.taskSid)!.reservations.set(agent.reservationSid, "accepted");
  fake.reservationWorkers.set(agent.reservationSid, agent.workerSid);
  fake.flexTokens.set(agent.token, { worker_sid: agent.workerSid, identity: agent.identity });
  return agent;
}

/** The fake each seeded conference lives in (a leave takes the leg out of it, as Twilio does). */
const fakeOfConference = new Map<string, FakeTwilio>();

export function seedCall(fake: FakeTwilio): Call {
  const conferenceSid = fake.sid("CF");
  fakeOfConference.set(conferenceSid, fake);
  const customerCallSid = fake.sid("CA");
  const taskSid = fake.sid("WT");
  fake.calls.set(customerCallSid, { status: "in-progress" });
  fake.conferences.set(conferenceSid, {
    sid: conferenceSid,
    friendlyName: taskSid,
    status: "in-progress",
    participants: new Map([
      [customerCallSid, { callSid: customerCallSid, label: ParticipantLabel.customer, endConferenceOnExit: true }],
    ]),
  });
  fake.tasks.set(taskSid, {
    sid: taskSid,
    workflowSid: CALL_WORKFLOW_SID,
    attributes: JSON.stringify({
      ...ORIGINAL_ATTRIBUTES,
      call_sid: customerCallSid,
      conference: { sid: conferenceSid },
    }),
    assignmentStatus: "assigned",
    taskChannel: "voice",
    reservations: new Map(),
  });
  const call = { conferenceSid, customerCallSid, taskSid };
  return { ...call, agent: addAgent(fake, call, "Alice") };
}

/** The body the plugin posts to flex/register-worker. */
export function registerBody(call: Call, agent: Agent = call.agent): Record<string, string> {
  return {
    Token: agent.token,
    conferenceSid: call.conferenceSid,
    taskSid: call.taskSid,
    reservationSid: agent.reservationSid,
    workflowSid: CALL_WORKFLOW_SID,
    workerSid: agent.workerSid,
    workerName: agent.workerName,
    workerCallSid: agent.callSid,
    customerCallSid: call.customerCallSid,
  };
}

let sequence = 100;
/** A conference status callback as Twilio posts it (form fields, booleans as strings). */
export function statusCallback(call: Call, event: string, fields: Record<string, string> = {}): Record<string, string> {
  sequence += 1;
  return {
    AccountSid: `AC${"a".repeat(32)}`,
    ConferenceSid: call.conferenceSid,
    FriendlyName: call.taskSid,
    StatusCallbackEvent: event,
    SequenceNumber: String(sequence),
    Timestamp: "Wed, 25 Nov 2026 17:00:00 +0000",
    ...fields,
  };
}

/**
 * The participant-leave of the agent's leg when their browser drops; the leg has left, so Twilio
 * no longer lists it among the conference's participants and its call is completed.
 */
export function agentDropped(call: Call, agent: Agent = call.agent): Record<string, string> {
  const fake = fakeOfConference.get(call.conferenceSid);
  fake?.conferences.get(call.conferenceSid)?.participants.delete(agent.callSid);
  fake?.calls.set(agent.callSid, { status: "completed" });
  return statusCallback(call, "participant-leave", {
    CallSid: agent.callSid,
    ParticipantLabel: ParticipantLabel.worker,
    EndConferenceOnExit: "false",
    StartConferenceOnEnter: "true",
    Muted: "false",
    Hold: "false",
    Coaching: "false",
    ParticipantCallStatus: "completed",
    ReasonParticipantLeft: "participant_hung_up",
  });
}

/** The attributes inside `<Enqueue><Task>` of a redirect's TwiML. */
export function enqueuedAttributes(twiml: string): Record<string, unknown> {
  const body = /<Task[^>]*>([\s\S]*)<\/Task>/.exec(twiml)?.[1];
  if (body === undefined) throw new Error(`no <Task> in ${twiml}`);
  const text = body
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return JSON.parse(text) as Record<string, unknown>;
}

/** The functions' state document of `call`'s conference as the fake holds it (undefined before any). */
export function stateOf(fake: FakeTwilio, call: Call): ConferenceState {
  return fake.documents.get(stateDocumentName(call.conferenceSid))?.data as ConferenceState;
}

/** The redirects of a call (`POST …/Calls/{sid}.json` with new TwiML) the functions made. */
export function redirectsOf(fake: FakeTwilio, callSid: string): LoggedRequest[] {
  return fake.log.filter((r) => r.method === "POST" && r.path.endsWith(`/Calls/${callSid}.json`));
}
