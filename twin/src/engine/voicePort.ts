// What the voice orchestration reads and writes: calls, conferences and participants as the twin's
// REST store holds them (through an adapter), or `MemoryVoiceStore` in pure tests. Plus the two
// TaskRouter operations TwiML needs (<Enqueue> creates a task; a caller leaving the queue cancels it).
import { randomBytes } from "crypto";
import type { Clock } from "./clockPort";

export type CallStatus =
  "queued" | "ringing" | "in-progress" | "completed" | "busy" | "failed" | "no-answer" | "canceled";
export type ConferenceStatus = "init" | "in-progress" | "completed";

export interface VoiceCall {
  sid: string;
  from: string;
  to: string;
  direction: "inbound" | "outbound-api" | "outbound-dial";
  status: CallStatus;
}

export interface VoiceConference {
  sid: string;
  friendlyName: string;
  status: ConferenceStatus;
}

export interface VoiceParticipant {
  callSid: string;
  conferenceSid: string;
  label: string | null;
  endConferenceOnExit: boolean;
  startConferenceOnEnter: boolean;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
}

export type ParticipantPatch = Partial<Pick<VoiceParticipant, "endConferenceOnExit" | "muted" | "hold" | "coaching">>;

export interface VoicePort {
  call(accountSid: string, callSid: string): VoiceCall | undefined;
  createCall(accountSid: string, call: Omit<VoiceCall, "sid">): VoiceCall;
  setCallStatus(accountSid: string, callSid: string, status: CallStatus): void;
  conference(accountSid: string, conferenceSid: string): VoiceConference | undefined;
  /** The conference with this friendly name that has not ended, if any. */
  liveConferenceNamed(accountSid: string, friendlyName: string): VoiceConference | undefined;
  createConference(accountSid: string, friendlyName: string): VoiceConference;
  setConferenceStatus(
    accountSid: string,
    conferenceSid: string,
    status: ConferenceStatus,
    ended?: { reason: string; callSidEndingConference: string | null },
  ): void;
  /** Participants currently in the conference, in join order. */
  participants(accountSid: string, conferenceSid: string): VoiceParticipant[];
  addParticipant(accountSid: string, participant: VoiceParticipant): void;
  updateParticipant(accountSid: string, conferenceSid: string, callSid: string, patch: ParticipantPatch): void;
  removeParticipant(accountSid: string, conferenceSid: string, callSid: string): void;
}

/** The TaskRouter side of TwiML: `<Enqueue>` and a caller leaving the queue. */
export interface VoiceTaskBridge {
  createTask(
    accountSid: string,
    input: {
      workflowSid: string;
      attributes: Record<string, unknown>;
      priority: number | null;
      timeout: number | null;
    },
  ): { workspaceSid: string; taskSid: string };
  /** Cancels the task of a caller who left the queue, if it is still waiting. */
  cancelTask(accountSid: string, workspaceSid: string, taskSid: string, reason: string): void;
}

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString("hex");
}

/** An in-memory VoicePort for pure tests. */
export class MemoryVoiceStore implements VoicePort {
  // Calls, conferences and participants, keyed by `${accountSid}/${sid}` (participants by `${conf}/${call}`).
  private readonly calls = new Map<string, VoiceCall>();
  private readonly conferences = new Map<string, VoiceConference & { dateCreated: number }>();
  private readonly members = new Map<string, VoiceParticipant[]>();

  constructor(private readonly clock: Clock) {}

  call(accountSid: string, callSid: string): VoiceCall | undefined {
    return this.calls.get(`${accountSid}/${callSid}`);
  }
  createCall(accountSid: string, call: Omit<VoiceCall, "sid">): VoiceCall {
    const full = { sid: sid("CA"), ...call };
    this.calls.set(`${accountSid}/${full.sid}`, full);
    return full;
  }
  setCallStatus(accountSid: string, callSid: string, status: CallStatus): void {
    const call = this.call(accountSid, callSid);
    if (call) call.status = status;
  }
  conference(accountSid: string, conferenceSid: string): VoiceConference | undefined {
    return this.conferences.get(`${accountSid}/${conferenceSid}`);
  }
  liveConferenceNamed(accountSid: string, friendlyName: string): VoiceConference | undefined {
    return [...this.conferences.entries()].find(
      ([key, c]) => key.startsWith(`${accountSid}/`) && c.friendlyName === friendlyName && c.status !== "completed",
    )?.[1];
  }
  createConference(accountSid: string, friendlyName: string): VoiceConference {
    const conference = {
      sid: sid("CF"),
      friendlyName,
      status: "init" as const,
      dateCreated: this.clock.now().getTime(),
    };
    this.conferences.set(`${accountSid}/${conference.sid}`, conference);
    this.members.set(`${accountSid}/${conference.sid}`, []);
    return conference;
  }
  setConferenceStatus(accountSid: string, conferenceSid: string, status: ConferenceStatus): void {
    const conference = this.conference(accountSid, conferenceSid);
    if (conference) conference.status = status;
  }
  participants(accountSid: string, conferenceSid: string): VoiceParticipant[] {
    return [...(this.members.get(`${accountSid}/${conferenceSid}`) ?? [])];
  }
  addParticipant(accountSid: string, participant: VoiceParticipant): void {
    this.members.get(`${accountSid}/${participant.conferenceSid}`)?.push(participant);
  }
  updateParticipant(accountSid: string, conferenceSid: string, callSid: string, patch: ParticipantPatch): void {
    const p = this.members.get(`${accountSid}/${conferenceSid}`)?.find((m) => m.callSid === callSid);
    if (p) Object.assign(p, patch);
  }
  removeParticipant(accountSid: string, conferenceSid: string, callSid: string): void {
    const list = this.members.get(`${accountSid}/${conferenceSid}`);
    if (list)
      this.members.set(
        `${accountSid}/${conferenceSid}`,
        list.filter((m) => m.callSid !== callSid),
      );
  }
}
