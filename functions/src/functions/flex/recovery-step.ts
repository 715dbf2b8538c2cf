// `flex/recovery-step`: the second trigger of the recovery's "ping accepted" step. The agent's
// browser accepted its recovery ping and says so here, so the customer comes back even when the
// Event Streams delivery of that acceptance never arrives (a misconfigured sink, an outage, a
// batch refused for ever). The step is the one task-event-handler drives, on the same facts and
// through the same conditional write: whichever trigger commits `pinging → reconnecting` first
// performs the redirect, the other finds the step done ("ping already handled") and does nothing.
// Asked again RECOVERY_STEP_DEADLINE_SECONDS after that step with no reconnect task seen entering
// the queue (its Event Streams delivery lost too), it closes the dropped reservation itself, which
// frees the agent's voice capacity for the waiting reconnect task (core `stuckRecoveryActions`).
//
// Authorization from Twilio's facts and the functions' own document, never from the request body
// or task attributes: the ping task must be in the Recovery Ping workflow, the reservation must be
// the caller's (its worker = the Flex token's) and accepted (or completed, once the step closed the
// ping), and the conference the ping's attributes name counts only if the document the functions
// wrote there names the caller as the dropped worker of this ping (its recorded SID, or before that
// was recorded, its dropped reservation).
import {
  RECOVERY_STEP_DEADLINE_SECONDS,
  TaskAttribute,
  parseTaskAttributes,
  type RecoveryPingAttributes,
  type RecoveryStepRequest,
  type RecoveryStepResponse,
} from "@flex-call-recovery/vocabulary";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam } from "../../http/response";
import { stuckRecoveryActions } from "../../recovery/core";
import { pingFacts } from "../../recovery/pingStep";
import type { RecoveryEvent } from "../../recovery/types";
import { handleEvent, servicesFor, throwOnFailure } from "../../recovery/run";
import { isNotFound } from "../../twilio/errors";
import { attributeSidProblem } from "../../webhooks/eventStreams";
import { perform } from "../../twilio/perform";

/** Reservation statuses of a ping its worker has accepted (the step completes it). */
const ACCEPTED_PING_RESERVATION = ["accepted", "completed"];

const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

async function mustExist<T>(what: string, fetch: Promise<T>): Promise<T> {
  try {
    return await fetch;
  } catch (error) {
    if (isNotFound(error)) throw new BadRequest(`unknown ${what}`, 404);
    throw error;
  }
}

/** The browser's wait since it accepted the ping (a timing hint; 0 when absent or unreadable). */
function waitedSeconds(body: Record<string, unknown>): number {
  const value = Number(body.waitedSeconds);
  return Number.isFinite(value) && value > 0 ? Math.min(value, 3600) : 0;
}

export const handler = flexHandler("recovery-step", async ({ context, body, token }) => {
  const request: RecoveryStepRequest = {
    pingTaskSid: sidParam(body, "pingTaskSid", "WT"),
    pingReservationSid: sidParam(body, "pingReservationSid", "WR"),
  };
  const services = servicesFor(context, `recovery-step:${request.pingTaskSid}`);
  const task = services.client.taskrouter.v1
    .workspaces(services.performContext.workspaceSid)
    .tasks(request.pingTaskSid);
  const [ping, reservation] = await Promise.all([
    mustExist(`task ${request.pingTaskSid}`, task.fetch()),
    mustExist(
      `reservation ${request.pingReservationSid} of task ${request.pingTaskSid}`,
      task.reservations(request.pingReservationSid).fetch(),
    ),
  ]);
  if (ping.workflowSid !== services.config.recoveryPingWorkflowSid) {
    throw new BadRequest(`task ${request.pingTaskSid} is not a recovery ping`, 403);
  }
  if (token.worker_sid === undefined || reservation.workerSid !== token.worker_sid) {
    throw new BadRequest(`reservation ${request.pingReservationSid} is not the caller's`, 403);
  }
  if (!ACCEPTED_PING_RESERVATION.includes(reservation.reservationStatus)) {
    throw new BadRequest(`reservation ${request.pingReservationSid} is ${reservation.reservationStatus}`, 409);
  }
  const attributes = parseTaskAttributes(ping.attributes);
  const conferenceSid = attributes?.[TaskAttribute.disconnectedConferenceSid];
  if (!attributes || typeof conferenceSid !== "string" || !SID.test(conferenceSid) || !conferenceSid.startsWith("CF")) {
    throw new BadRequest(`ping ${request.pingTaskSid} names no conference`);
  }
  // Every SID the step reads from the ping's attributes (the workflow it requeues to, the customer's
  // call it looks up) is checked like the Event Streams path checks them.
  const sidProblem = attributeSidProblem(attributes);
  if (sidProblem) throw new BadRequest(`ping ${request.pingTaskSid}: ${sidProblem}`);
  const guess = attributes[TaskAttribute.callSid];
  const { read, customerCallStatus, participants } = await pingFacts(
    services,
    conferenceSid,
    typeof guess === "string" && SID.test(guess) ? guess : null,
  );
  const event: RecoveryEvent = {
    kind: "pingAccepted",
    // Not a CloudEvent id: this trigger and the Event Streams one are deduplicated by the
    // recovery's status (and the ping's recorded SID), not by event id.
    eventId: `recovery-step:${request.pingTaskSid}`,
    pingTaskSid: request.pingTaskSid,
    pingAttributes: attributes as RecoveryPingAttributes,
    workerSid: reservation.workerSid,
    customerCallStatus,
    participants,
  };
  const recovery = read?.state.recovery;
  if (!recovery) throw new BadRequest(`no recovery in conference ${conferenceSid}`, 404);
  const samePing =
    recovery.pingTaskSid !== null
      ? recovery.pingTaskSid === request.pingTaskSid
      : recovery.droppedReservationSid === attributes[TaskAttribute.disconnectedReservationSid];
  if (recovery.droppedWorkerSid !== reservation.workerSid || !samePing) {
    throw new BadRequest(`the caller's ping is not the recovery of conference ${conferenceSid}`, 403);
  }
  const handled = await handleEvent(services, conferenceSid, event, Promise.resolve(read));
  throwOnFailure(handled);
  // Asked again after the deadline with the customer still not back: drive the recovery on.
  const drive = stuckRecoveryActions(
    handled.committed.state,
    services.now(),
    waitedSeconds(body),
    RECOVERY_STEP_DEADLINE_SECONDS,
  );
  const [driven] = await perform(drive, services.performContext);
  if (driven && !driven.ok) throw driven.error;
  if (driven)
    services.performContext.log(
      `recovery-step: stuck past ${RECOVERY_STEP_DEADLINE_SECONDS} s, dropped reservation completed`,
    );
  const answer: RecoveryStepResponse = { success: true, note: handled.committed.decision.note };
  return { body: answer };
});
