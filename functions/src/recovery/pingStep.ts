// The facts the "ping accepted" step is decided on, gathered the same way whichever trigger drives
// it: Event Streams' `reservation.accepted` (task-event-handler) or the agent's browser
// (flex/recovery-step). The document read runs beside them (one round trip), always inside one
// Promise.all, so a failed read is the caller's error, never an unhandled rejection.
import type { RecoveryPingAttributes } from "@flex-call-recovery/vocabulary";
import type { StoredState } from "../state/store";
import { listConferenceParticipants } from "../twilio/conference";
import { isNotFound } from "../twilio/errors";
import type { Services } from "./run";
import type { RecoveryEvent } from "./types";

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

export interface PingAccepted {
  eventId: string;
  conferenceSid: string;
  pingTaskSid: string;
  pingAttributes: RecoveryPingAttributes;
  workerSid: string;
  /** The customer's call SID as the ping's attributes name it (a guess: the document has the real one). */
  customerCallSidGuess: string | null;
}

/** The document and the core event of an accepted ping, with the customer's call status and the conference's legs. */
export async function pingAcceptedFacts(
  services: Services,
  ping: PingAccepted,
): Promise<{ read: StoredState | null; event: Extract<RecoveryEvent, { kind: "pingAccepted" }> }> {
  const [read, guessedStatus, participants] = await Promise.all([
    services.store.read(ping.conferenceSid),
    callStatus(services, ping.customerCallSidGuess),
    listConferenceParticipants(services.client, ping.conferenceSid),
  ]);
  const customerCallSid = read?.state.customerCallSid ?? null;
  const status =
    customerCallSid === ping.customerCallSidGuess ? guessedStatus : await callStatus(services, customerCallSid);
  return {
    read,
    event: {
      kind: "pingAccepted",
      eventId: ping.eventId,
      pingTaskSid: ping.pingTaskSid,
      pingAttributes: ping.pingAttributes,
      workerSid: ping.workerSid,
      customerCallStatus: status,
      participants,
    },
  };
}
