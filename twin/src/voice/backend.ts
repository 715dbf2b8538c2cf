// Voice (2010) state for one account: calls, conferences and their participants. Twilio creates
// these when calls arrive; here the voice behaviour (./calls.ts) does, through the methods at the
// bottom. REST updates record the change, then hand it to the attached behaviour (what a
// redirect's TwiML or an AnnounceUrl does).
import { NotFoundError } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { CallNotInProgressError, checkUrl, ConferenceNotActiveError } from "./errors";
import { insert, stamped, type Dated, where } from "../util";

export type CallStatus =
  "queued" | "ringing" | "in-progress" | "canceled" | "completed" | "failed" | "busy" | "no-answer";
export type ConferenceStatus = "init" | "in-progress" | "completed";
export type ParticipantStatus = "queued" | "connecting" | "ringing" | "connected" | "complete" | "failed";

export interface Call extends Dated {
  sid: string;
  parentCallSid: string | null;
  to: string;
  from: string;
  status: CallStatus;
  direction: "inbound" | "outbound-api" | "outbound-dial";
  startTime: Date | null;
  endTime: Date | null;
  /** The TwiML document or URL the call last got (create or redirect). */
  twiml: string | null;
  url: string | null;
}

export interface Conference extends Dated {
  sid: string;
  friendlyName: string;
  status: ConferenceStatus;
  region: string;
  reasonConferenceEnded: string | null;
  callSidEndingConference: string | null;
}

export interface Participant extends Dated {
  conferenceSid: string;
  callSid: string;
  label: string | null;
  callSidToCoach: string | null;
  coaching: boolean;
  endConferenceOnExit: boolean;
  startConferenceOnEnter: boolean;
  muted: boolean;
  hold: boolean;
  status: ParticipantStatus;
}

/** Whether a call is over (an unknown call, `undefined`, counts as over). */
export function isEnded(status: CallStatus | undefined): boolean {
  return status === undefined || ["canceled", "completed", "failed", "busy", "no-answer"].includes(status);
}

export class VoiceBackend {
  // Calls by SID (CA...).
  private readonly calls = new Map<string, Call>();
  // Conferences by SID (CF...).
  private readonly conferences = new Map<string, Conference>();
  // Participants by conference SID, then call SID (insertion = join order).
  private readonly participants = new Map<string, Map<string, Participant>>();

  constructor(private readonly ctx: BackendContext) {}

  private now(): Date {
    return this.ctx.clock.now();
  }

  /** The 404 names the 2010 path (`Calls/CA….json`). */
  private missing(path: string): never {
    throw new NotFoundError(`/2010-04-01/Accounts/${this.ctx.accountSid}/${path}.json`);
  }

  // ---- Calls ----

  fetchCall(sid: string): Call {
    return this.calls.get(sid) ?? this.missing(`Calls/${sid}`);
  }

  /** Newest first, as Twilio lists calls; filterable by status, to, from and parent call. */
  listCall(filter: Partial<Call> = {}): Call[] {
    return where(this.calls.values(), filter, ["status", "to", "from", "parentCallSid"]).reverse();
  }

  /**
   * Redirect (Twiml or Url) or end (Status canceled/completed, the spec's enum) a call. Url must
   * be absolute (21205). A redirect needs a live call (21220 otherwise); ending an ended call is
   * a no-op as on Twilio.
   */
  updateCall(
    sid: string,
    input: { twiml?: string; url?: string; method?: string; status?: "canceled" | "completed" },
  ): Call {
    checkUrl("Url", input.url);
    const call = this.fetchCall(sid);
    const previousStatus = call.status;
    const redirect = input.twiml !== undefined || input.url !== undefined;
    if (redirect && isEnded(call.status)) throw new CallNotInProgressError(sid, call.status);
    if (input.twiml !== undefined) {
      call.twiml = input.twiml;
      call.url = null;
    } else if (input.url !== undefined) {
      call.url = input.url;
      call.twiml = null;
    }
    if (input.status && !isEnded(call.status)) {
      call.status = input.status === "canceled" && call.status === "in-progress" ? "completed" : input.status;
      call.endTime = this.now();
    }
    call.dateUpdated = this.now();
    this.ctx.events.emit("callUpdated", {
      accountSid: this.ctx.accountSid,
      call,
      previousStatus,
      twiml: input.twiml,
      url: input.url,
      method: input.method,
    });
    this.ctx.engine()?.voice.callUpdated(this.ctx.accountSid, call, previousStatus, input);
    return call;
  }

  /** Deleting a call removes only its record (Twilio allows it for finished calls). */
  deleteCall(sid: string): void {
    this.fetchCall(sid);
    this.calls.delete(sid);
  }

  // ---- Conferences ----

  /** By SID (Twilio has no lookup by friendly name here; the list filters by it). */
  fetchConference(sid: string): Conference {
    return this.conferences.get(sid) ?? this.missing(`Conferences/${sid}`);
  }

  /** Newest first, filterable by status and friendly name. */
  listConference(filter: Partial<Conference> = {}): Conference[] {
    return where(this.conferences.values(), filter, ["status", "friendlyName"]).reverse();
  }

  /** `Status=completed` ends the conference; `AnnounceUrl` (absolute) asks for an announcement to everyone. */
  updateConference(
    sid: string,
    input: { status?: "completed"; announceUrl?: string; announceMethod?: string },
  ): Conference {
    checkUrl("AnnounceUrl", input.announceUrl);
    const conference = this.fetchConference(sid);
    if (conference.status === "completed") throw new ConferenceNotActiveError(sid);
    const previousStatus = conference.status;
    if (input.status === "completed") {
      conference.status = "completed";
      conference.reasonConferenceEnded = "conference-ended-via-api";
    }
    conference.dateUpdated = this.now();
    this.ctx.events.emit("conferenceUpdated", {
      accountSid: this.ctx.accountSid,
      conference,
      previousStatus,
      announceUrl: input.announceUrl,
      announceMethod: input.announceMethod,
    });
    const announce = { url: input.announceUrl, method: input.announceMethod };
    this.ctx.engine()?.voice.conferenceUpdated(this.ctx.accountSid, conference, previousStatus, announce);
    return conference;
  }

  // ---- Participants ----

  /** The conference's participants by call SID (the conference must exist). */
  private participantsOf(conferenceSid: string): Map<string, Participant> {
    this.fetchConference(conferenceSid);
    let map = this.participants.get(conferenceSid);
    if (!map) this.participants.set(conferenceSid, (map = new Map()));
    return map;
  }

  /** Join order; filterable by muted, hold and coaching (the spec's filters). */
  listParticipant(conferenceSid: string, filter: Partial<Participant> = {}): Participant[] {
    return where(this.participantsOf(conferenceSid).values(), filter, ["muted", "hold", "coaching"]);
  }

  /** By call SID or label, as Twilio accepts both. */
  fetchParticipant(conferenceSid: string, callSidOrLabel: string): Participant {
    const map = this.participantsOf(conferenceSid);
    const found = map.get(callSidOrLabel) ?? [...map.values()].find((p) => p.label === callSidOrLabel);
    return found ?? this.missing(`Conferences/${conferenceSid}/Participants/${callSidOrLabel}`);
  }

  /** Only fields that really change are recorded in the event's `changed`; AnnounceUrl must be absolute. */
  updateParticipant(
    conferenceSid: string,
    callSidOrLabel: string,
    input: Partial<Pick<Participant, "endConferenceOnExit" | "hold" | "muted" | "coaching" | "callSidToCoach">> & {
      announceUrl?: string;
      announceMethod?: string;
    },
  ): Participant {
    checkUrl("AnnounceUrl", input.announceUrl);
    const participant = this.fetchParticipant(conferenceSid, callSidOrLabel);
    const changed: (keyof Participant)[] = [];
    for (const key of ["endConferenceOnExit", "hold", "muted", "coaching", "callSidToCoach"] as const) {
      const value = input[key];
      if (value !== undefined && participant[key] !== value) {
        (participant as unknown as Record<string, unknown>)[key] = value;
        changed.push(key);
      }
    }
    participant.dateUpdated = this.now();
    this.ctx.events.emit("participantUpdated", {
      accountSid: this.ctx.accountSid,
      participant,
      changed,
      announceUrl: input.announceUrl,
      announceMethod: input.announceMethod,
    });
    const announce = { url: input.announceUrl, method: input.announceMethod };
    this.ctx.engine()?.voice.participantUpdated(this.ctx.accountSid, participant, changed, announce);
    return participant;
  }

  /** Kicks a participant (REST delete): the call leaves and, with no more TwiML, ends. */
  deleteParticipant(conferenceSid: string, callSidOrLabel: string): Participant {
    const participant = this.removeParticipant(conferenceSid, callSidOrLabel);
    this.ctx.engine()?.voice.participantRemoved(this.ctx.accountSid, participant);
    return participant;
  }

  /** Records that a participant left (the voice behaviour's hangups, redirects and conference ends). */
  removeParticipant(conferenceSid: string, callSidOrLabel: string): Participant {
    const participant = this.fetchParticipant(conferenceSid, callSidOrLabel);
    this.participants.get(conferenceSid)?.delete(participant.callSid);
    participant.status = "complete";
    participant.dateUpdated = this.now();
    return participant;
  }

  // ---- Engine-facing methods (Twilio creates these objects as calls happen) ----

  /** Engine-facing: a call as the network would create it (inbound by default, in progress). */
  createCall(input: {
    from: string;
    to: string;
    status?: CallStatus;
    direction?: Call["direction"];
    parentCallSid?: string;
    twiml?: string;
    url?: string;
  }): Call {
    const now = this.now();
    return insert(this.calls, {
      sid: newSid("CA"),
      parentCallSid: input.parentCallSid ?? null,
      to: input.to,
      from: input.from,
      status: input.status ?? "in-progress",
      direction: input.direction ?? "inbound",
      startTime: (input.status ?? "in-progress") === "in-progress" ? now : null,
      endTime: null,
      twiml: input.twiml ?? null,
      url: input.url ?? null,
      ...stamped(now),
    });
  }

  /** Sets a call's status as the network would (answered, hung up...). */
  setCallStatus(call: Call, status: CallStatus): Call {
    const previousStatus = call.status;
    const now = this.now();
    call.status = status;
    if (status === "in-progress" && !call.startTime) call.startTime = now;
    if (isEnded(status) && !call.endTime) call.endTime = now;
    call.dateUpdated = now;
    this.ctx.events.emit("callUpdated", { accountSid: this.ctx.accountSid, call, previousStatus });
    return call;
  }

  /** Engine-facing: conferences start "init" until someone joins. */
  createConference(input: { friendlyName: string; status?: ConferenceStatus; region?: string }): Conference {
    const conference = insert(this.conferences, {
      sid: newSid("CF"),
      friendlyName: input.friendlyName,
      status: input.status ?? "init",
      region: input.region ?? "us1",
      reasonConferenceEnded: null,
      callSidEndingConference: null,
      ...stamped(this.now()),
    });
    this.participants.set(conference.sid, new Map());
    return conference;
  }

  /** Ends or starts a conference as the network would; `reason` is Twilio's ReasonConferenceEnded. */
  setConferenceStatus(
    conference: Conference,
    status: ConferenceStatus,
    ended: { reason?: string; callSid?: string } = {},
  ): Conference {
    const previousStatus = conference.status;
    conference.status = status;
    if (status === "completed") {
      conference.reasonConferenceEnded = ended.reason ?? conference.reasonConferenceEnded;
      conference.callSidEndingConference = ended.callSid ?? conference.callSidEndingConference;
    }
    conference.dateUpdated = this.now();
    this.ctx.events.emit("conferenceUpdated", { accountSid: this.ctx.accountSid, conference, previousStatus });
    return conference;
  }

  /** Engine-facing: a call joins a conference (connected by default). */
  addParticipant(
    conferenceSid: string,
    input: Partial<Omit<Participant, "conferenceSid" | "dateCreated" | "dateUpdated">> & { callSid: string },
  ): Participant {
    const map = this.participantsOf(conferenceSid);
    const now = this.now();
    const participant: Participant = {
      conferenceSid,
      callSid: input.callSid,
      label: input.label ?? null,
      callSidToCoach: input.callSidToCoach ?? null,
      coaching: input.coaching ?? false,
      endConferenceOnExit: input.endConferenceOnExit ?? false,
      startConferenceOnEnter: input.startConferenceOnEnter ?? true,
      muted: input.muted ?? false,
      hold: input.hold ?? false,
      status: input.status ?? "connected",
      ...stamped(now),
    };
    map.set(participant.callSid, participant);
    this.ctx.events.emit("participantCreated", { accountSid: this.ctx.accountSid, participant });
    return participant;
  }

  /** Every call of the account, for the engine. */
  allCalls(): Call[] {
    return [...this.calls.values()];
  }
}
