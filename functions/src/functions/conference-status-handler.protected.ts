// Conference status callbacks (participant join/leave/modify, conference end) of every Flex call
// whose plugin set this URL (docs/recovery-flow.md#step-1). Protected: Twilio signs the callbacks.
import "@twilio-labs/serverless-runtime-types";
import type { ServerlessEventObject, ServerlessFunctionSignature } from "@twilio-labs/serverless-runtime-types/types";
import type { FunctionContext } from "../config";
import { answerError, errorResponse, jsonResponse } from "../http/response";
import { decideFromCallback, leaveNeedsParticipants } from "../recovery/core";
import type { ConferenceParticipant } from "../recovery/types";
import { failures, handleEvent, servicesFor, type Services } from "../recovery/run";
import type { StoredState } from "../state/store";
import { listConferenceParticipants } from "../twilio/conference";
import { describeError } from "../twilio/errors";
import { parseConferenceStatus } from "../webhooks/conferenceStatus";

type Env = Record<string, string | undefined>;
/** Form parameters of docs/twilio-behaviour.md#conference-status-callbacks (optional until validated). */
type Event = Record<string, unknown> & {
  ConferenceSid?: string;
  StatusCallbackEvent?: string;
  CallSid?: string;
  SequenceNumber?: string;
};

/** The conference's live participants; null when they cannot be listed (decide on the state alone). */
async function liveParticipants(services: Services, conferenceSid: string): Promise<ConferenceParticipant[] | null> {
  try {
    return await listConferenceParticipants(services.client, conferenceSid);
  } catch (error) {
    console.log(`[${conferenceSid}] listing participants failed: ${describeError(error)}`);
    return null;
  }
}

export const handler: ServerlessFunctionSignature<Env, ServerlessEventObject<Event>> = async (
  context,
  event,
  callback,
) => {
  const operation = `conference-status ${String(event.StatusCallbackEvent)} ${String(event.ConferenceSid)}`;
  try {
    const now = new Date().toISOString();
    const parsed = parseConferenceStatus(event, now);
    if (parsed === null) {
      callback(null, jsonResponse(200, { success: true, note: "event not handled" }));
      return;
    }
    // Decided by the callback alone (a join, a modify that keeps the flag off, a leave caused by
    // the conference ending, our own redirect of the customer): nothing read, nothing listed.
    const settled = decideFromCallback(parsed);
    if (settled !== null) {
      callback(null, jsonResponse(200, { success: true, note: settled.note }));
      return;
    }
    const conferenceSid = event.ConferenceSid as string;
    // Calls made for this one callback share its id (ConferenceSid:SequenceNumber).
    const services = servicesFor(context as FunctionContext, "eventId" in parsed ? parsed.eventId : conferenceSid);
    let firstRead: Promise<StoredState | null> | undefined;
    let withFacts = parsed;
    if (parsed.kind === "participantLeave" && leaveNeedsParticipants(parsed)) {
      // Who is still on the call, listed beside the state read: same round trip. Both are awaited
      // together, so a failed read is this handler's error, never an unhandled rejection. The
      // customer's own leave is decided on the document alone.
      const [read, participants] = await Promise.all([
        services.store.read(conferenceSid),
        liveParticipants(services, conferenceSid),
      ]);
      firstRead = Promise.resolve(read);
      withFacts = { ...parsed, participants };
    }
    const handled = await handleEvent(services, conferenceSid, withFacts, firstRead);
    const failed = failures(handled);
    if (failed.length > 0) {
      callback(null, errorResponse(500, `${operation}: ${failed.length} action(s) failed`));
      return;
    }
    callback(null, jsonResponse(200, { success: true, note: handled.committed.decision.note }));
  } catch (error) {
    answerError(callback, error, operation);
  }
};
