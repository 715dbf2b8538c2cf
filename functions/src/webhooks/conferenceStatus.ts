// Parses a conference status callback (form-encoded; docs/twilio-behaviour.md#conference-status-callbacks) into a core
// event. Booleans arrive as the strings "true"/"false"; SequenceNumber orders a conference's
// callbacks, so ConferenceSid + SequenceNumber identifies one callback across redeliveries.
import { BadRequest, sidParam } from "../http/response";
import type { RecoveryEvent } from "../recovery/types";

/** Status callback events this project handles; the rest are answered 200 and ignored. */
export const ConferenceStatusEvent = {
  participantJoin: "participant-join",
  participantLeave: "participant-leave",
  participantModify: "participant-modify",
  conferenceEnd: "conference-end",
} as const;

function flag(event: Record<string, unknown>, name: string): boolean {
  const value = event[name];
  if (value === undefined) return false;
  if (value === "true" || value === true) return true;
  if (value === "false" || value === false) return false;
  throw new BadRequest(`parameter ${name} must be "true" or "false"`);
}

function optionalString(event: Record<string, unknown>, name: string): string | null {
  const value = event[name];
  return typeof value === "string" && value !== "" ? value : null;
}

/** RFC 2822 Timestamp → ISO-8601 (the receive time when absent or unreadable). */
function timestamp(event: Record<string, unknown>, now: string): string {
  const raw = optionalString(event, "Timestamp");
  const parsed = raw === null ? NaN : Date.parse(raw);
  return Number.isNaN(parsed) ? now : new Date(parsed).toISOString();
}

/**
 * The core event of a callback; null for callbacks we do not act on. Throws BadRequest for a
 * malformed one (missing or malformed SIDs, unreadable booleans).
 */
export function parseConferenceStatus(event: Record<string, unknown>, now: string): RecoveryEvent | null {
  const conferenceSid = sidParam(event, "ConferenceSid", "CF");
  const kind = optionalString(event, "StatusCallbackEvent");
  if (kind === null) throw new BadRequest("missing parameter StatusCallbackEvent");
  const sequence = optionalString(event, "SequenceNumber");
  if (sequence !== null && !/^\d+$/.test(sequence)) throw new BadRequest("parameter SequenceNumber is not a number");
  // Without a sequence number the receive time stands in (no dedupe by id; the state dedupes).
  const eventId = `${conferenceSid}:${sequence ?? `t${now}`}`;

  if (kind === ConferenceStatusEvent.conferenceEnd) {
    const ending = optionalString(event, "CallSidEndingConference");
    return {
      kind: "conferenceEnd",
      conferenceSid,
      eventId,
      reason: optionalString(event, "ReasonConferenceEnded"),
      endingCallSid: ending === null ? null : sidParam(event, "CallSidEndingConference", "CA"),
    };
  }
  if (
    kind !== ConferenceStatusEvent.participantJoin &&
    kind !== ConferenceStatusEvent.participantLeave &&
    kind !== ConferenceStatusEvent.participantModify
  ) {
    return null;
  }
  const base = {
    conferenceSid,
    callSid: sidParam(event, "CallSid", "CA"),
    label: optionalString(event, "ParticipantLabel"),
    eventId,
    time: timestamp(event, now),
  };
  if (kind === ConferenceStatusEvent.participantLeave) {
    return {
      ...base,
      kind: "participantLeave",
      callStatus: optionalString(event, "ParticipantCallStatus"),
      reason: optionalString(event, "ReasonParticipantLeft"),
      // Filled in by the handler, which lists them beside the state read.
      participants: null,
    };
  }
  return {
    ...base,
    kind: kind === ConferenceStatusEvent.participantJoin ? "participantJoin" : "participantModify",
    endConferenceOnExit: flag(event, "EndConferenceOnExit"),
  };
}
