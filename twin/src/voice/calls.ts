// Voice orchestration: what Twilio does with a call's TwiML and with conferences.
// - TwiML: <Say>/<Play> are recorded as heard; <Enqueue> creates a TaskRouter task and the call
//   waits; <Dial><Conference> moves the call into a conference (created on first join);
//   <Redirect> fetches the next TwiML (signed); <Hangup> or the end of the document ends the call.
// - Updating a call's TwiML first takes it out of its conference (or queue).
// - Conference end rules: a participant with endConferenceOnExit=true leaving ends it; the last
//   participant leaving ends it; remaining participants are then removed.
// - AnnounceUrl (conference or participant) is fetched with a signed POST; the <Say>/<Play> it returns
//   is recorded as heard by the remaining legs (or the one participant).
// - Status callbacks: the first participant's statusCallback and events are the conference's; the
//   parameters are those of https://www.twilio.com/docs/voice/twiml/conference (see docs/twilio-behaviour.md#conference-status-callbacks),
//   form-encoded and signed.
import type { Clock } from "../clock";
import type { WebhookDispatcher } from "../events/webhooks";
import { VOICE_CHANNEL } from "../flexFacts";
import { found, TwilioError } from "../http/errors";
import type { AccountStore } from "../store";
import { maybe } from "../util";
import { isEnded, type Call, type CallStatus, type Conference, type Participant, type VoiceBackend } from "./backend";
import { parseTwiml, type ConferenceOptions, type TwimlVerb } from "./twiml";
import { rfc2822 } from "../http/dates";

type ParticipantPatch = Partial<Pick<Participant, "endConferenceOnExit" | "muted" | "hold" | "coaching">>;

/** `ReasonParticipantLeft` values (participant-leave). */
export type ReasonParticipantLeft =
  | "conference_ended_via_api"
  | "moderator_ended_conference"
  | "participant_updated_via_api"
  | "participant_hung_up"
  | "participant_add_failed";

/** `ReasonConferenceEnded` values (conference-end). */
export type ReasonConferenceEnded =
  | "conference-ended-via-api"
  | "last-participant-kicked"
  | "last-participant-left"
  | "participant-with-end-conference-on-exit-kicked"
  | "participant-with-end-conference-on-exit-left";

/** How a participant leaves: hung up, moved by a TwiML update, kicked (participant delete). */
export type LeaveCause = "hangup" | "redirect" | "kicked";

/** Status callback settings of a conference (set by its first participant; not a REST field). */
interface ConferenceCallbacks {
  url: string | null;
  method: string;
  events: Set<string>;
  /** SequenceNumber of the next callback. */
  sequence: number;
  started: boolean;
}

/** What the voice side tells listeners (Flex behaviour, agents, tests). */
export type VoiceEvent =
  | { kind: "participant-join"; accountSid: string; conferenceSid: string; participant: Participant }
  | {
      kind: "participant-leave";
      accountSid: string;
      conferenceSid: string;
      participant: Participant;
      reason: ReasonParticipantLeft;
      conferenceEnding: boolean;
    }
  | { kind: "participant-modify"; accountSid: string; conferenceSid: string; participant: Participant }
  | { kind: "conference-end"; accountSid: string; conferenceSid: string; reason: ReasonConferenceEnded }
  | { kind: "call-ended"; accountSid: string; callSid: string; status: CallStatus };

export type VoiceEventListener = (event: VoiceEvent) => void;

/** A call's place: waiting in a queue for its task, in a conference, or neither. */
type CallPlace =
  | { kind: "none" }
  | { kind: "queue"; workspaceSid: string; taskSid: string }
  | { kind: "conference"; conferenceSid: string };

export interface VoiceEngineOptions {
  accounts: (accountSid: string) => AccountStore | undefined;
  clock: Clock;
  webhooks: WebhookDispatcher;
}

/** A joining call's flags (the backend defaults the missing ones) and, for a new conference, its callbacks. */
export type NewParticipant = Pick<Participant, "label" | "endConferenceOnExit"> &
  Partial<Pick<Participant, "startConferenceOnEnter" | "muted" | "hold" | "coaching">> &
  Partial<Pick<ConferenceOptions, "statusCallback" | "statusCallbackMethod" | "statusCallbackEvent">>;

const EVENT_SUBSCRIPTION: Record<string, string> = {
  "conference-start": "start",
  "conference-end": "end",
  "participant-join": "join",
  "participant-leave": "leave",
  "participant-modify": "modify",
  "participant-mute": "mute",
  "participant-unmute": "mute",
  "participant-hold": "hold",
  "participant-unhold": "hold",
  "announcement-end": "announcement",
  "announcement-fail": "announcement",
};

export class VoiceEngine {
  private readonly listeners = new Set<VoiceEventListener>();
  // Keyed by `${accountSid}/${conferenceSid}`: status callback settings and sequence numbers.
  private readonly callbacks = new Map<string, ConferenceCallbacks>();
  // Keyed by `${accountSid}/${callSid}`: where the call is (queue or conference).
  private readonly places = new Map<string, CallPlace>();
  // Keyed by `${accountSid}/${callSid}`: what the caller heard (<Say> text, <Play> URLs), in order.
  private readonly heard = new Map<string, string[]>();
  /** Errors of asynchronous work started by REST calls (redirect TwiML fetches, announcements). */
  readonly asyncErrors: string[] = [];
  /** That work while it runs (`TwinEngine.idle` waits for it). */
  readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: VoiceEngineOptions) {}

  onEvent(listener: VoiceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- calls ----

  /** A caller dials in: an inbound call, answered (in progress), not yet running TwiML. */
  createInboundCall(accountSid: string, from: string, to: string): Call {
    return this.backend(accountSid).createCall({ from, to, direction: "inbound", status: "in-progress" });
  }

  /** Runs TwiML on a call (a new call's answer, or an update with `Twiml`). */
  async executeTwiml(accountSid: string, callSid: string, twiml: string): Promise<void> {
    const call = this.requireLiveCall(accountSid, callSid);
    await this.run(accountSid, call, parseTwiml(twiml));
  }

  /**
   * A call update through the API with `Twiml` or `Url`: the call leaves its conference or queue
   * first, then runs the new TwiML.
   */
  async redirectCall(
    accountSid: string,
    callSid: string,
    next: { twiml: string } | { url: string; method?: string },
  ): Promise<void> {
    this.requireLiveCall(accountSid, callSid);
    this.leavePlace(accountSid, callSid, "redirect");
    if ("twiml" in next) return this.executeTwiml(accountSid, callSid, next.twiml);
    return this.fetchAndRun(accountSid, callSid, next.url, next.method ?? "POST");
  }

  /** The call ends: the caller hung up, or it has no more TwiML (<Hangup>, kicked, its conference ended...). */
  hangupCall(accountSid: string, callSid: string): void {
    const call = this.call(accountSid, callSid);
    if (!call || isEnded(call.status)) return;
    this.backend(accountSid).setCallStatus(call, "completed");
    this.leavePlace(accountSid, callSid, "hangup");
    this.emit({ kind: "call-ended", accountSid, callSid, status: "completed" });
  }

  /**
   * A call update through the API: a redirect (`Twiml`/`Url`) leaves the conference or queue and runs
   * the new TwiML (asynchronously, tracked); an end (`Status`) takes the call's legs with it.
   */
  callUpdated(
    accountSid: string,
    call: Call,
    previousStatus: CallStatus,
    redirect: { twiml?: string; url?: string; method?: string },
  ): void {
    const { twiml, url, method } = redirect;
    if (twiml !== undefined || url !== undefined) {
      const next = twiml !== undefined ? { twiml } : { url: url as string, method };
      this.track(accountSid, `redirect ${call.sid}`, this.redirectCall(accountSid, call.sid, next));
    } else if (call.status !== previousStatus && isEnded(call.status)) {
      this.leavePlace(accountSid, call.sid, "hangup");
      this.emit({ kind: "call-ended", accountSid, callSid: call.sid, status: call.status });
    }
  }

  /** A conference update through the API: `Status=completed` removes everyone; `AnnounceUrl` announces. */
  conferenceUpdated(
    accountSid: string,
    conference: Conference,
    previousStatus: Conference["status"],
    announce: { url?: string; method?: string },
  ): void {
    if (conference.status === "completed" && previousStatus !== "completed") {
      this.endConference(accountSid, conference.sid, "conference-ended-via-api", null, true);
    } else if (announce.url) {
      const work = this.announce(accountSid, conference.sid, announce.url, announce.method);
      this.track(accountSid, `announce ${conference.sid}`, work);
    }
  }

  private track(accountSid: string, what: string, work: Promise<void>): void {
    const done = work.catch((error: unknown) => {
      this.asyncErrors.push(`${what} (${accountSid}): ${error instanceof Error ? error.message : String(error)}`);
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }

  /** What a call has heard so far. */
  heardBy(accountSid: string, callSid: string): string[] {
    return [...(this.heard.get(this.key(accountSid, callSid)) ?? [])];
  }

  /** Where a call is (for agents, tests and the control API). */
  placeOf(accountSid: string, callSid: string): CallPlace {
    return this.places.get(this.key(accountSid, callSid)) ?? { kind: "none" };
  }

  /**
   * Marks an enqueued call as picked up by its task's reservation (Flex's conference instruction
   * takes the caller out of the queue into the conference without canceling the task).
   */
  dequeue(accountSid: string, callSid: string): void {
    const place = this.placeOf(accountSid, callSid);
    if (place.kind === "queue") this.places.set(this.key(accountSid, callSid), { kind: "none" });
  }

  // ---- conferences ----

  /**
   * Puts a live call into the named conference (created on first join). The conference's status
   * callback settings come from its first participant.
   */
  joinConference(accountSid: string, callSid: string, name: string, options: NewParticipant): Conference {
    this.requireLiveCall(accountSid, callSid);
    this.leavePlace(accountSid, callSid, "redirect");
    const backend = this.backend(accountSid);
    let conference = backend.listConference({ friendlyName: name }).find((c) => c.status !== "completed");
    if (!conference) {
      conference = backend.createConference({ friendlyName: name });
      this.callbacks.set(this.key(accountSid, conference.sid), {
        url: options.statusCallback ?? null,
        method: options.statusCallbackMethod ?? "POST",
        events: new Set(options.statusCallbackEvent ?? []),
        sequence: 1,
        started: false,
      });
    }
    const participant = backend.addParticipant(conference.sid, { ...options, callSid });
    this.places.set(this.key(accountSid, callSid), { kind: "conference", conferenceSid: conference.sid });
    this.maybeStart(accountSid, conference.sid);
    this.callback(accountSid, conference.sid, "participant-join", participantParams(participant));
    this.emit({ kind: "participant-join", accountSid, conferenceSid: conference.sid, participant });
    return conference;
  }

  /** Adds a participant by dialing out (REST CreateParticipant, Flex's worker leg, a third party). */
  dialIntoConference(
    accountSid: string,
    name: string,
    call: { from: string; to: string },
    options: NewParticipant,
  ): { call: Call; conference: Conference } {
    const created = this.backend(accountSid).createCall({ ...call, direction: "outbound-api", status: "in-progress" });
    const conference = this.joinConference(accountSid, created.sid, name, options);
    return { call: created, conference };
  }

  /** Participant update, as the API does it (the backend reports the change back to `participantUpdated`). */
  updateParticipant(accountSid: string, conferenceSid: string, callSid: string, patch: ParticipantPatch): void {
    this.backend(accountSid).updateParticipant(conferenceSid, callSid, patch);
  }

  /**
   * A participant update through the API: `modify` for EndConferenceOnExit/Coaching, `hold`/`unhold`,
   * `mute`/`unmute` callbacks for the fields that changed; `AnnounceUrl` announces to that participant.
   */
  participantUpdated(
    accountSid: string,
    now: Participant,
    changed: (keyof Participant)[],
    announce: { url?: string; method?: string },
  ): void {
    const conferenceSid = now.conferenceSid;
    const params = participantParams(now);
    if (changed.includes("endConferenceOnExit") || changed.includes("coaching")) {
      this.callback(accountSid, conferenceSid, "participant-modify", params);
      this.emit({ kind: "participant-modify", accountSid, conferenceSid, participant: now });
    }
    if (changed.includes("hold")) {
      this.callback(accountSid, conferenceSid, now.hold ? "participant-hold" : "participant-unhold", params);
    }
    if (changed.includes("muted")) {
      this.callback(accountSid, conferenceSid, now.muted ? "participant-mute" : "participant-unmute", params);
    }
    if (announce.url) {
      const work = this.announce(accountSid, conferenceSid, announce.url, announce.method, now.callSid);
      this.track(accountSid, `announce ${now.callSid}`, work);
    }
  }

  /** Participant delete (kick) through the API: the call leaves the conference and, having no more TwiML, ends. */
  participantRemoved(accountSid: string, participant: Participant): void {
    const place = this.placeOf(accountSid, participant.callSid);
    if (place.kind !== "conference" || place.conferenceSid !== participant.conferenceSid) return;
    this.leaveConference(accountSid, participant, "kicked");
    this.hangupCall(accountSid, participant.callSid);
  }

  /** A conference's friendly name (the name <Dial><Conference> joins by). */
  conferenceName(accountSid: string, conferenceSid: string): string {
    return this.backend(accountSid).fetchConference(conferenceSid).friendlyName;
  }

  /** Live participants of a conference, in join order. */
  participants(accountSid: string, conferenceSid: string): Participant[] {
    return maybe(() => this.backend(accountSid).listParticipant(conferenceSid)) ?? [];
  }

  /**
   * Fetches an AnnounceUrl (signed POST) and records the <Say>/<Play> it returns as heard by every
   * participant of the conference, or by one participant when `callSid` is given.
   */
  async announce(
    accountSid: string,
    conferenceSid: string,
    url: string,
    method = "POST",
    callSid?: string,
  ): Promise<void> {
    const conference = this.conference(accountSid, conferenceSid);
    if (!conference) return;
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ConferenceSid: conferenceSid,
      FriendlyName: conference.friendlyName,
      ...(callSid ? { CallSid: callSid } : {}),
    };
    const reportParams = { AnnounceUrl: url };
    try {
      const answer = await this.options.webhooks.fetch(accountSid, {
        url,
        method: method === "GET" ? "GET" : "POST",
        purpose: "announce",
        body: { kind: "form", params },
      });
      if (answer.status < 200 || answer.status >= 300) throw new Error(`AnnounceUrl answered ${answer.status}`);
      const heard = announcementContent(answer.contentType, answer.body, url);
      const listeners = callSid ? [callSid] : this.participants(accountSid, conferenceSid).map((p) => p.callSid);
      for (const listener of listeners) this.hear(accountSid, listener, heard);
      this.callback(accountSid, conferenceSid, "announcement-end", reportParams);
    } catch (error) {
      this.callback(accountSid, conferenceSid, "announcement-fail", {
        ...reportParams,
        ReasonAnnouncementFailed: error instanceof Error ? error.message : String(error),
      });
    }
  }

  // ---- internals ----

  private async run(accountSid: string, call: Call, verbs: TwimlVerb[]): Promise<void> {
    for (const verb of verbs) {
      switch (verb.verb) {
        case "Say":
          this.hear(accountSid, call.sid, [`say:${verb.text}`]);
          break;
        case "Play":
          this.hear(accountSid, call.sid, [`play:${verb.url}`]);
          break;
        case "Pause":
          break;
        case "Hangup":
          this.hangupCall(accountSid, call.sid);
          return;
        case "Redirect":
          return this.fetchAndRun(accountSid, call.sid, verb.url, verb.method);
        case "Enqueue": {
          // Twilio adds the call's details to the task's attributes.
          const attributes = {
            ...verb.attributes,
            call_sid: call.sid,
            from: call.from,
            to: call.to,
            caller: call.from,
            called: call.to,
            direction: call.direction,
            account_sid: accountSid,
          };
          const tr = this.store(accountSid).taskrouter;
          const workspaceSid = tr
            .allWorkspaces()
            .find((ws) => maybe(() => tr.fetchWorkflow(ws.sid, verb.workflowSid)))?.sid;
          if (!workspaceSid) throw new Error(`<Enqueue>: workflow ${verb.workflowSid} not found`);
          // Created as CreateTask would create it: the routing takes it from there.
          const task = tr.createTask(workspaceSid, {
            workflowSid: verb.workflowSid,
            attributes: JSON.stringify(attributes),
            ...(verb.priority !== null ? { priority: verb.priority } : {}),
            ...(verb.timeout !== null ? { timeout: verb.timeout } : {}),
            taskChannel: VOICE_CHANNEL,
          });
          // A reservation may have taken the caller already (the conference moved it).
          if (this.placeOf(accountSid, call.sid).kind === "none" && !isEnded(this.call(accountSid, call.sid)?.status)) {
            this.places.set(this.key(accountSid, call.sid), { kind: "queue", workspaceSid, taskSid: task.sid });
          }
          return; // The caller waits in the queue; later verbs run only after a dequeue.
        }
        case "Dial":
          if (verb.conference) {
            const options = { ...verb.conference, label: verb.conference.participantLabel };
            this.joinConference(accountSid, call.sid, verb.conference.name, options);
          }
          return; // The call stays in the conference.
      }
    }
    // The document ended without a blocking verb: Twilio hangs up.
    this.hangupCall(accountSid, call.sid);
  }

  private async fetchAndRun(accountSid: string, callSid: string, url: string, method: string): Promise<void> {
    const call = this.requireLiveCall(accountSid, callSid);
    const answer = await this.options.webhooks.fetch(accountSid, {
      url,
      method: method === "GET" ? "GET" : "POST",
      purpose: "voice-url",
      body: {
        kind: "form",
        params: {
          AccountSid: accountSid,
          CallSid: call.sid,
          From: call.from,
          To: call.to,
          CallStatus: call.status,
          Direction: call.direction,
        },
      },
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`fetch TwiML ${url}: ${answer.status} (Twilio error 11200)`);
    }
    await this.run(accountSid, call, parseTwiml(answer.body));
  }

  private hear(accountSid: string, callSid: string, items: string[]): void {
    const key = this.key(accountSid, callSid);
    this.heard.set(key, [...(this.heard.get(key) ?? []), ...items]);
  }

  /** Takes a call out of its queue (canceling the waiting task) or conference. */
  private leavePlace(accountSid: string, callSid: string, cause: LeaveCause): void {
    const place = this.placeOf(accountSid, callSid);
    this.places.set(this.key(accountSid, callSid), { kind: "none" });
    if (place.kind === "queue") {
      // The caller left the queue: its task is canceled if it still waits (as the API would).
      const tr = this.store(accountSid).taskrouter;
      const task = maybe(() => tr.fetchTask(place.workspaceSid, place.taskSid));
      if (task && (task.assignmentStatus === "pending" || task.assignmentStatus === "reserved")) {
        const reason = cause === "hangup" ? "hangup" : "redirected";
        tr.updateTask(place.workspaceSid, place.taskSid, { assignmentStatus: "canceled", reason });
      }
    } else if (place.kind === "conference") {
      const inConference = this.participants(accountSid, place.conferenceSid).some((p) => p.callSid === callSid);
      if (inConference)
        this.leaveConference(
          accountSid,
          this.backend(accountSid).removeParticipant(place.conferenceSid, callSid),
          cause,
        );
    }
  }

  /** A participant (removed from the backend) leaves: if it was a moderator or the last one, the conference ends. */
  private leaveConference(accountSid: string, participant: Participant, cause: LeaveCause): void {
    const { conferenceSid } = participant;
    const ending = participant.endConferenceOnExit || this.participants(accountSid, conferenceSid).length === 0;
    const reason = cause === "hangup" ? "participant_hung_up" : "participant_updated_via_api";
    this.participantLeft(accountSid, participant, reason, ending);
    if (!ending) return;
    const how = cause === "kicked" ? "kicked" : "left";
    const endReason: ReasonConferenceEnded = participant.endConferenceOnExit
      ? `participant-with-end-conference-on-exit-${how}`
      : `last-participant-${how}`;
    this.endConference(accountSid, conferenceSid, endReason, participant);
  }

  /** The participant-leave callback and event (a hung-up participant's call is completed). */
  private participantLeft(
    accountSid: string,
    participant: Participant,
    reason: ReasonParticipantLeft,
    conferenceEnding: boolean,
  ): void {
    const { conferenceSid, callSid } = participant;
    this.places.set(this.key(accountSid, callSid), { kind: "none" });
    this.callback(accountSid, conferenceSid, "participant-leave", {
      ...participantParams(participant),
      ParticipantCallStatus: reason === "participant_hung_up" ? "completed" : "in-progress",
      ReasonParticipantLeft: reason,
    });
    this.emit({ kind: "participant-leave", accountSid, conferenceSid, participant, reason, conferenceEnding });
  }

  private endConference(
    accountSid: string,
    conferenceSid: string,
    reason: ReasonConferenceEnded,
    ending: Participant | null,
    force = false,
  ): void {
    const conference = this.conference(accountSid, conferenceSid);
    if (!conference || (conference.status === "completed" && !force)) return;
    // Whoever is still in is removed: by the API, or because a moderator (endConferenceOnExit) left.
    const removedReason: ReasonParticipantLeft =
      reason === "conference-ended-via-api" ? "conference_ended_via_api" : "moderator_ended_conference";
    const removed = this.participants(accountSid, conferenceSid);
    for (const participant of removed) {
      this.backend(accountSid).removeParticipant(conferenceSid, participant.callSid);
      this.participantLeft(accountSid, participant, removedReason, true);
    }
    this.backend(accountSid).setConferenceStatus(conference, "completed", { reason, callSid: ending?.callSid });
    this.callback(accountSid, conferenceSid, "conference-end", {
      ...(ending ? { CallSidEndingConference: ending.callSid } : {}),
      ...(ending?.label ? { ParticipantLabelEndingConference: ending.label } : {}),
      ReasonConferenceEnded: reason,
      Reason: conferenceEndText(reason, ending),
    });
    this.emit({ kind: "conference-end", accountSid, conferenceSid, reason });
    // The removed legs have no TwiML after their <Dial>: their calls end.
    for (const participant of removed) this.hangupCall(accountSid, participant.callSid);
  }

  private maybeStart(accountSid: string, conferenceSid: string): void {
    const settings = this.callbacks.get(this.key(accountSid, conferenceSid));
    if (!settings || settings.started) return;
    const live = this.participants(accountSid, conferenceSid);
    // Audio mixing starts with two participants, one of them allowed to start the conference.
    if (live.length >= 2 && live.some((p) => p.startConferenceOnEnter)) {
      settings.started = true;
      const conference = this.conference(accountSid, conferenceSid);
      if (conference) this.backend(accountSid).setConferenceStatus(conference, "in-progress");
      this.callback(accountSid, conferenceSid, "conference-start", {});
    }
  }

  private callback(accountSid: string, conferenceSid: string, event: string, extra: Record<string, string>): void {
    const settings = this.callbacks.get(this.key(accountSid, conferenceSid));
    const conference = this.conference(accountSid, conferenceSid);
    if (!settings || !conference) return;
    const sequence = settings.sequence++;
    if (!settings.url || !settings.events.has(EVENT_SUBSCRIPTION[event] ?? event)) return;
    this.options.webhooks.send(accountSid, {
      url: settings.url,
      method: settings.method === "GET" ? "GET" : "POST",
      purpose: "conference-status",
      retry: "voice",
      body: {
        kind: "form",
        params: {
          AccountSid: accountSid,
          ConferenceSid: conferenceSid,
          FriendlyName: conference.friendlyName,
          SequenceNumber: String(sequence),
          Timestamp: rfc2822(this.options.clock.now()),
          StatusCallbackEvent: event,
          ...extra,
        },
      },
    });
  }

  private store(accountSid: string): AccountStore {
    return found(this.options.accounts(accountSid), `/2010-04-01/Accounts/${accountSid}.json`);
  }

  private backend(accountSid: string): VoiceBackend {
    return this.store(accountSid).voice;
  }

  private call(accountSid: string, callSid: string): Call | undefined {
    return maybe(() => this.backend(accountSid).fetchCall(callSid));
  }

  private conference(accountSid: string, conferenceSid: string): Conference | undefined {
    return maybe(() => this.backend(accountSid).fetchConference(conferenceSid));
  }

  private requireLiveCall(accountSid: string, callSid: string): Call {
    const call = this.backend(accountSid).fetchCall(callSid);
    // 21220: the call is not in progress (https://www.twilio.com/docs/api/errors/21220).
    if (isEnded(call.status)) throw new TwilioError(400, 21220, `Call ${callSid} is not in progress`);
    return call;
  }

  private key(accountSid: string, sid: string): string {
    return `${accountSid}/${sid}`;
  }

  private emit(event: VoiceEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

/** The participant fields every participant event carries (booleans as "true"/"false"). */
function participantParams(p: Participant): Record<string, string> {
  return {
    CallSid: p.callSid,
    Muted: String(p.muted),
    Hold: String(p.hold),
    Coaching: String(p.coaching),
    EndConferenceOnExit: String(p.endConferenceOnExit),
    StartConferenceOnEnter: String(p.startConferenceOnEnter),
    ...(p.label ? { ParticipantLabel: p.label } : {}),
  };
}

function conferenceEndText(reason: ReasonConferenceEnded, ending: Participant | null): string {
  if (reason === "conference-ended-via-api") return "Conference ended via API";
  const kicked = reason.endsWith("kicked");
  if (reason.startsWith("last-participant"))
    return kicked ? "Last participant was removed" : "Last participant left the conference";
  // Twilio's wording, e.g. "Participant CA… with endConferenceOnExit left the conference".
  return `Participant ${ending?.callSid ?? "unknown"} with endConferenceOnExit ${kicked ? "was removed from" : "left"} the conference`;
}

/** What an announcement plays: the <Say>/<Play> of returned TwiML, or the audio URL itself. */
function announcementContent(contentType: string, body: string, url: string): string[] {
  if (/^audio\//.test(contentType)) return [`play:${url}`];
  const verbs = parseTwiml(body);
  return verbs.flatMap((v) => (v.verb === "Say" ? [`say:${v.text}`] : v.verb === "Play" ? [`play:${v.url}`] : []));
}
