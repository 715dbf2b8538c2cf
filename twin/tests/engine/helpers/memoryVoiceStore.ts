// An in-memory VoicePort for the voice engine's pure tests (a test double).
import { randomBytes } from "crypto";
import type { Clock } from "../../../src/clock";
import type {
  CallStatus,
  ConferenceStatus,
  ParticipantPatch,
  VoiceCall,
  VoiceConference,
  VoiceParticipant,
  VoicePort,
} from "../../../src/engine/voicePort";

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
