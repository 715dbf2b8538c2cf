// `flex/end-conference`: the agent hung up with two or fewer live participants (as the plugin
// counts them; the registered workers in the document decide here). Worker legs keep
// endConferenceOnExit=false (so a drop leaves the customer on the line), hence a hangup has to
// end the conference explicitly. The caller's leg is unregistered in the same write, so the
// leave that follows is graceful.
import type { EndConferenceRequest, OkResponse } from "@flex-call-recovery/vocabulary";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam } from "../../http/response";
import { decide } from "../../recovery/core";
import { servicesFor } from "../../recovery/run";
import { transact } from "../../state/store";
import { perform } from "../../twilio/perform";

export const handler = flexHandler("end-conference", async ({ context, body, token }) => {
  const request: EndConferenceRequest = { conferenceSid: sidParam(body, "conferenceSid", "CF") };
  const services = servicesFor(context, `end-conference:${request.conferenceSid}`);
  const committed = await transact(services.store, request.conferenceSid, (state) => {
    if (!state) throw new BadRequest(`unknown conference ${request.conferenceSid} (never registered)`, 404);
    // Only an agent registered on this conference may end it — or repeat their own request, which
    // unregistered them, when Twilio failed to end the conference the first time.
    const leg = Object.values(state.workers).find((worker) => worker.workerSid === token.worker_sid);
    const repeating = !leg && token.worker_sid !== undefined && state.endRequestedBy === token.worker_sid;
    if (!leg && !repeating) {
      throw new BadRequest(`the caller is not a registered worker of ${request.conferenceSid}`, 403);
    }
    // The plugin's participant count is its own view: never end a conference another registered
    // agent is still on (a warm transfer, a reconnect racing the hangup); the caller's leg is
    // unregistered instead, so its leave is graceful and the others stay with the customer.
    const others = Object.values(state.workers).filter((worker) => worker.workerSid !== token.worker_sid);
    if (others.length > 0 && leg) {
      return decide(
        { kind: "unregisterWorker", conferenceSid: request.conferenceSid, workerCallSid: leg.callSid },
        state,
        services.config,
        services.now(),
      );
    }
    return decide(
      { kind: "endConference", conferenceSid: request.conferenceSid, workerCallSid: leg?.callSid ?? null },
      state,
      services.config,
      services.now(),
    );
  });
  const [outcome] = await perform(committed.decision.actions, services.performContext);
  if (outcome && !outcome.ok) throw outcome.error;
  const answer: OkResponse = { success: true };
  return { body: answer };
});
