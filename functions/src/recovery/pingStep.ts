// The facts a ping's step (accepted, or timed out) is decided on, gathered the same way whichever
// trigger drives it: Event Streams (task-event-handler) or, for an accepted ping, the agent's
// browser (flex/recovery-step). The document read runs beside them (one round trip), always inside
// one Promise.all, so a failed read is the caller's error, never an unhandled rejection.
import type { StoredState } from "../state/store";
import { listConferenceParticipants } from "../twilio/conference";
import { isNotFound } from "../twilio/errors";
import type { Services } from "./run";
import type { ConferenceParticipant } from "./types";

/** Status of a call, or null when Twilio does not know it. */
export async function callStatus(services: Services, callSid: string | null): Promise<string | null> {
  if (!callSid) return null;
  try {
    return (await services.client.calls(callSid).fetch()).status;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export interface PingFacts {
  read: StoredState | null;
  /** Status of the customer's call now (null: unknown to Twilio). */
  customerCallStatus: string | null;
  /** Everyone still in the dropped conference. */
  participants: ConferenceParticipant[];
}

/**
 * The conference's document, the customer's call status and the conference's legs. The customer's
 * call SID the ping's attributes name (`customerCallSidGuess`, Flex's `call_sid`) is fetched beside
 * the read; the document has the authoritative one, fetched after it only when they differ.
 */
export async function pingFacts(
  services: Services,
  conferenceSid: string,
  customerCallSidGuess: string | null,
): Promise<PingFacts> {
  const [read, guessedStatus, participants] = await Promise.all([
    services.store.read(conferenceSid),
    callStatus(services, customerCallSidGuess),
    listConferenceParticipants(services.client, conferenceSid),
  ]);
  const customerCallSid = read?.state.customerCallSid ?? null;
  const customerCallStatus =
    customerCallSid === customerCallSidGuess ? guessedStatus : await callStatus(services, customerCallSid);
  return { read, customerCallStatus, participants };
}
