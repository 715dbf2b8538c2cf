// Reading a conference's legs, in the shape the core decides on. Used by both webhooks and by
// move-participants, so the "ended conference has nobody left" rule lives in one place.
import type { ConferenceParticipant } from "../recovery/types";
import type { TwilioClient } from "./client";
import { isNotFound } from "./errors";

/** Everyone still in a conference; none when it has ended (Twilio answers 404). */
export async function listConferenceParticipants(
  client: TwilioClient,
  conferenceSid: string,
): Promise<ConferenceParticipant[]> {
  try {
    const participants = await client.conferences(conferenceSid).participants.list();
    return participants.map((p) => ({
      callSid: p.callSid,
      label: p.label ?? null,
      endConferenceOnExit: p.endConferenceOnExit,
      muted: p.muted,
      hold: p.hold,
      coaching: p.coaching,
    }));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
