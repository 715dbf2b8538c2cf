// `flex/end-conference`: the agent hung up with two or fewer live participants (as the plugin
// counts them; the registered workers in the document decide here). Worker legs keep
// endConferenceOnExit=false (so a drop leaves the customer on the line), hence a hangup has to
// end the conference explicitly. On the ordinary path it only reads: the conference is ended
// first and the document is written only when Twilio fails (the request is then recorded).
import type { ConferenceState, EndConferenceRequest, OkResponse } from "@flex-call-recovery/vocabulary";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam } from "../../http/response";
import { decide } from "../../recovery/core";
import { servicesFor } from "../../recovery/run";
import { transact } from "../../state/store";
import { perform } from "../../twilio/perform";

export const handler = flexHandler("end-conference", async ({ context, body, token }) => {
  const request: EndConferenceRequest = { conferenceSid: sidParam(body, "conferenceSid", "CF") };
  const services = servicesFor(context, `end-conference:${request.conferenceSid}`);
  const { config, now } = services;
  const decideFor = (ending: "end" | "record") => (state: ConferenceState | null) => {
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
      const unregister = { conferenceSid: request.conferenceSid, workerCallSid: leg.callSid };
      return decide({ kind: "unregisterWorker", ...unregister }, state, config, now());
    }
    const end = decide(
      { kind: "endConference", conferenceSid: request.conferenceSid, workerCallSid: leg?.callSid ?? null },
      state,
      config,
      now(),
    );
    // First try: only end the conference. Its legs then leave with `conference_ended_via_api`, a
    // reason the status handler settles without the document, and the conference's end deletes
    // it: nothing to write. Only when Twilio fails is the request recorded (see `record`).
    return ending === "end" ? { ...end, change: { kind: "keep" as const } } : end;
  };
  const first = await transact(services.store, request.conferenceSid, decideFor("end"));
  const [outcome] = await perform(first.decision.actions, services.performContext);
  if (!outcome || outcome.ok) return { body: { success: true } satisfies OkResponse };
  if (first.decision.actions[0]?.kind !== "endConference") throw outcome.error;
  // Twilio failed every try: unregister the caller and remember who asked, so the plugin's repeat
  // is allowed and the leg's leave can still end the conference (core `decideLeaveOfLeg`).
  try {
    await transact(services.store, request.conferenceSid, (state) =>
      state ? decideFor("record")(state) : first.decision,
    );
  } catch (error) {
    services.performContext.log(`end-conference: recording the request failed: ${String(error)}`);
  }
  throw outcome.error;
});
