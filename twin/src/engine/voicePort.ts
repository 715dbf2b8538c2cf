// What the voice orchestration reads and writes: calls, conferences and participants as the twin's
// REST store holds them (through an adapter), or a memory store in pure tests. Plus the two
// TaskRouter operations TwiML needs (<Enqueue> creates a task; a caller leaving the queue cancels it).

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
