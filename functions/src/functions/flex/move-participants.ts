// `flex/move-participants` (docs/recovery-flow.md#step-10): after a reconnect, bring the third parties left
// in the dropped conference into the new one, all in parallel, each keeping its label and its
// endConferenceOnExit. A call cannot be handed between conferences directly, so each third
// party's call is redirected with `<Dial><Conference>` to the new conference's name.
import type { MoveParticipantsRequest, MoveParticipantsResponse } from "@flex-call-recovery/vocabulary";
import { twiml } from "twilio";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam } from "../../http/response";
import { thirdParties } from "../../recovery/core";
import type { ConferenceParticipant } from "../../recovery/types";
import { servicesFor } from "../../recovery/run";
import { listConferenceParticipants } from "../../twilio/conference";
import { isNotFound } from "../../twilio/errors";

/**
 * TwiML that puts a call into the named conference as the participant it was: label,
 * endConferenceOnExit and muted carry over; a coaching leg coaches `agentCallSid` (the agent of the
 * new conference, who replaced the one it coached). Hold does not carry: `<Conference>` has no
 * such attribute, and holding after the join would race it; the agent can hold them again.
 */
export function joinConferenceTwiml(
  conferenceName: string,
  participant: ConferenceParticipant,
  agentCallSid: string | null = null,
): string {
  const response = new twiml.VoiceResponse();
  response.dial().conference(
    {
      endConferenceOnExit: participant.endConferenceOnExit,
      ...(participant.label ? { participantLabel: participant.label } : {}),
      ...(participant.muted ? { muted: true } : {}),
      ...(participant.coaching && agentCallSid ? { coach: agentCallSid } : {}),
    },
    conferenceName,
  );
  return response.toString();
}

export const handler = flexHandler("move-participants", async ({ context, body, token }) => {
  const request: MoveParticipantsRequest = {
    fromConferenceSid: sidParam(body, "fromConferenceSid", "CF"),
    toConferenceSid: sidParam(body, "toConferenceSid", "CF"),
  };
  if (request.fromConferenceSid === request.toConferenceSid) {
    throw new BadRequest("fromConferenceSid and toConferenceSid are the same conference");
  }
  const services = servicesFor(context, `move-participants:${request.toConferenceSid}`);
  const { client, store } = services;
  const [from, to, participants, target] = await Promise.all([
    store.read(request.fromConferenceSid),
    store.read(request.toConferenceSid),
    listConferenceParticipants(client, request.fromConferenceSid),
    client
      .conferences(request.toConferenceSid)
      .fetch()
      .catch((error: unknown) => {
        if (isNotFound(error)) throw new BadRequest(`unknown conference ${request.toConferenceSid}`, 404);
        throw error;
      }),
  ]);
  // Only the agent now on the new conference moves people, and only out of a recovered one.
  const callerLeg = to && Object.values(to.state.workers).find((worker) => worker.workerSid === token.worker_sid);
  if (!to || !callerLeg) {
    throw new BadRequest(`the caller is not a registered worker of ${request.toConferenceSid}`, 403);
  }
  const recovery = from?.state.recovery;
  if (!recovery) {
    throw new BadRequest(`conference ${request.fromConferenceSid} has no recovery to move participants from`, 404);
  }
  // ...and only the agent that recovery concerns: the dropped one, the one the customer reached,
  // or — before the reconnect's acceptance is recorded (a failed ping reaches another agent) — the
  // agent registered with the reconnect task itself: the task of their leg came from their own
  // accepted reservation, and the reconnect task is the one the functions saw enter the queue
  // after their redirect. Never from task attributes: an agent can write
  // `disconnectedConferenceSid` into their own task.
  const concernsCaller =
    recovery.droppedWorkerSid === token.worker_sid ||
    recovery.reconnectedWorkerSid === token.worker_sid ||
    (recovery.reconnectTaskSid !== null && callerLeg.taskSid === recovery.reconnectTaskSid);
  if (!concernsCaller) {
    throw new BadRequest(`the recovery of ${request.fromConferenceSid} does not concern the caller`, 403);
  }
  const moving = thirdParties(participants, from.state);
  await Promise.all(
    moving.map((participant) =>
      client
        .calls(participant.callSid)
        .update({ twiml: joinConferenceTwiml(target.friendlyName, participant, callerLeg.callSid) }),
    ),
  );
  const answer: MoveParticipantsResponse = {
    success: true,
    moved: moving.map((participant) => ({ callSid: participant.callSid, label: participant.label })),
  };
  return { body: answer };
});
