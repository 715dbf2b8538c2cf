// `flex/unregister-worker`: a graceful end for this agent (hangup, cold transfer), so the leave
// that follows is not taken for a drop. Unknown or already unregistered legs are a no-op.
import type { OkResponse, UnregisterWorkerRequest } from "@flex-call-recovery/vocabulary";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam } from "../../http/response";
import { decide } from "../../recovery/core";
import { servicesFor } from "../../recovery/run";
import { transact } from "../../state/store";

export const handler = flexHandler("unregister-worker", async ({ context, body, token }) => {
  const request: UnregisterWorkerRequest = {
    conferenceSid: sidParam(body, "conferenceSid", "CF"),
    workerCallSid: sidParam(body, "workerCallSid", "CA"),
  };
  const services = servicesFor(context, `unregister-worker:${request.conferenceSid}`);
  await transact(services.store, request.conferenceSid, (state) => {
    const worker = state?.workers[request.workerCallSid];
    // An agent unregisters only their own leg.
    if (worker && worker.workerSid !== token.worker_sid) {
      throw new BadRequest(`call ${request.workerCallSid} is not the caller's leg`, 403);
    }
    return decide({ kind: "unregisterWorker", ...request }, state, services.config, services.now());
  });
  const answer: OkResponse = { success: true };
  return { body: answer };
});
