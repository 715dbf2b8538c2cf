// `flex/register-worker` (DESIGN §2 step 2): the plugin saw its worker leg and the customer in
// the conference. Checks every SID against Twilio first (an unknown one is a 400 and changes
// nothing), then records the leg in the conference document, clears the leg's
// endConferenceOnExit and lets the agent's Sync identity read the document.
import type { OkResponse, RegisterWorkerRequest } from "@flex-call-recovery/vocabulary";
import { ParticipantLabel, TaskAttribute, parseTaskAttributes } from "@flex-call-recovery/vocabulary";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam, stringParam } from "../../http/response";
import { handleEvent, servicesFor, throwOnFailure, type Services } from "../../recovery/run";
import { isNotFound } from "../../twilio/errors";

export function parseRegisterWorker(body: Record<string, unknown>): RegisterWorkerRequest {
  return {
    conferenceSid: sidParam(body, "conferenceSid", "CF"),
    taskSid: sidParam(body, "taskSid", "WT"),
    reservationSid: sidParam(body, "reservationSid", "WR"),
    workflowSid: sidParam(body, "workflowSid", "WW"),
    workerSid: sidParam(body, "workerSid", "WK"),
    workerName: stringParam(body, "workerName"),
    workerCallSid: sidParam(body, "workerCallSid", "CA"),
    customerCallSid: sidParam(body, "customerCallSid", "CA"),
  };
}

/** Turns Twilio's 404 for a SID the request named into a 400 naming it. */
async function mustExist<T>(what: string, fetch: Promise<T>): Promise<T> {
  try {
    return await fetch;
  } catch (error) {
    if (isNotFound(error)) throw new BadRequest(`unknown ${what}`);
    throw error;
  }
}

/** Reservation statuses in which a worker is on the call (registration follows the accept). */
const REGISTRABLE_RESERVATION = "accepted";

/** The conference SID Flex wrote into the task's attributes, if any. */
function taskConferenceSid(attributes: Record<string, unknown>): string | null {
  const conference = attributes[TaskAttribute.conference];
  const sid = conference && typeof conference === "object" ? (conference as { sid?: unknown }).sid : undefined;
  return typeof sid === "string" ? sid : null;
}

/**
 * Checks the request against Twilio in one parallel batch: the task, the caller's own accepted reservation
 * on it, the conference of that task, the worker leg (not the customer's) and the customer leg.
 * Without these checks any agent could register their leg on someone else's conference.
 */
async function checkedFacts(services: Services, request: RegisterWorkerRequest) {
  const { client, performContext } = services;
  if (request.workerCallSid === request.customerCallSid) {
    throw new BadRequest("workerCallSid and customerCallSid are the same call");
  }
  const conference = client.conferences(request.conferenceSid);
  const task = client.taskrouter.v1.workspaces(performContext.workspaceSid).tasks(request.taskSid);
  const [fetchedTask, reservation, fetchedConference, workerLeg] = await Promise.all([
    mustExist(`task ${request.taskSid}`, task.fetch()),
    mustExist(
      `reservation ${request.reservationSid} of task ${request.taskSid}`,
      task.reservations(request.reservationSid).fetch(),
    ),
    mustExist(`conference ${request.conferenceSid}`, conference.fetch()),
    mustExist(
      `worker call ${request.workerCallSid} in conference ${request.conferenceSid}`,
      conference.participants(request.workerCallSid).fetch(),
    ),
    mustExist(
      `customer call ${request.customerCallSid} in conference ${request.conferenceSid}`,
      conference.participants(request.customerCallSid).fetch(),
    ),
  ]);
  if (fetchedTask.workflowSid !== request.workflowSid) {
    throw new BadRequest(`task ${request.taskSid} did not come through workflow ${request.workflowSid}`);
  }
  if (reservation.workerSid !== request.workerSid) {
    throw new BadRequest(`reservation ${request.reservationSid} is not the caller's`, 403);
  }
  if (reservation.reservationStatus !== REGISTRABLE_RESERVATION) {
    throw new BadRequest(
      `reservation ${request.reservationSid} is ${reservation.reservationStatus}, not accepted`,
      409,
    );
  }
  if (workerLeg.label === ParticipantLabel.customer) {
    throw new BadRequest(`call ${request.workerCallSid} is the customer's leg, not a worker's`, 403);
  }
  const attributes = parseTaskAttributes(fetchedTask.attributes);
  if (!attributes) throw new BadRequest(`attributes of task ${request.taskSid} are not a JSON object`);
  // Flex writes the conference into the task once it exists; before that, its name is the task SID.
  const conferenceOfTask = taskConferenceSid(attributes);
  const sameConference =
    conferenceOfTask !== null
      ? conferenceOfTask === request.conferenceSid
      : fetchedConference.friendlyName === request.taskSid;
  if (!sameConference) {
    throw new BadRequest(`conference ${request.conferenceSid} is not the conference of task ${request.taskSid}`, 403);
  }
  return { attributes };
}

export const handler = flexHandler("register-worker", async ({ context, body, token }) => {
  const request = parseRegisterWorker(body);
  // An agent registers only their own leg.
  if (token.worker_sid !== request.workerSid)
    throw new BadRequest(`worker ${request.workerSid} is not the caller`, 403);
  const services = servicesFor(context, `register-worker:${request.conferenceSid}`);
  const { attributes } = await checkedFacts(services, request);
  const handled = await handleEvent(
    services,
    request.conferenceSid,
    { kind: "registerWorker", request, taskAttributes: attributes, identity: token.identity ?? null },
    // Created without a read: the first registration of a conference finds no document, and a later
    // one (a transfer, a reconnect) loses the create (54301) and decides again on the document.
    Promise.resolve(null),
  );
  const refusal = handled.committed.decision.refusal;
  if (refusal) throw new BadRequest(refusal.message, refusal.status);
  throwOnFailure(handled);
  const answer: OkResponse = { success: true };
  return { body: answer };
});
