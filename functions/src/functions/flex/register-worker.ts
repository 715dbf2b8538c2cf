// `flex/register-worker` (docs/recovery-flow.md#step-2): the plugin saw its worker leg and the customer in
// the conference. Checks every SID against Twilio first (an unknown one is a 400 and changes
// nothing), then records the leg in the conference document, clears the leg's
// endConferenceOnExit and lets the agent's Sync identity read the document.
import type { OkResponse, RegisterWorkerRequest } from "@flex-call-recovery/vocabulary";
import { ParticipantLabel, TaskAttribute, parseTaskAttributes } from "@flex-call-recovery/vocabulary";
import { flexHandler } from "../../http/flex";
import { BadRequest, sidParam } from "../../http/response";
import { handleEvent, servicesFor, throwOnFailure, type Services } from "../../recovery/run";
import { isNotFound } from "../../twilio/errors";

export function parseRegisterWorker(body: Record<string, unknown>): RegisterWorkerRequest {
  return {
    conferenceSid: sidParam(body, "conferenceSid", "CF"),
    taskSid: sidParam(body, "taskSid", "WT"),
    reservationSid: sidParam(body, "reservationSid", "WR"),
    workflowSid: sidParam(body, "workflowSid", "WW"),
    workerSid: sidParam(body, "workerSid", "WK"),
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
 * Whether a call is the agent's own: Flex dials the worker's `contact_uri`, `client:<identity>`,
 * the identity the agent's browser registered with (an outbound call comes from it). The identity is
 * the one Twilio's iam vouched for with the Flex token, not anything the agent wrote.
 */
function isCallOf(call: { to?: string | null; from?: string | null }, identity: string | undefined): boolean {
  if (!identity) return false;
  const client = `client:${identity}`;
  return call.to === client || call.from === client;
}

/**
 * Checks the request against Twilio in one parallel batch: the task, the caller's own accepted
 * reservation on it, the conference, the worker leg in it (not the customer's), the worker leg's
 * call (the caller's own: dialled to the caller's identity) and the customer leg. Ownership comes
 * only from these facts: task attributes can be written by the agent (Flex lets a worker update its
 * own task), so a `conference.sid` an agent wrote into their task decides nothing. Without these
 * checks an agent could register on another agent's conference ("another worker covers": that
 * agent's drop would not be recovered).
 */
async function checkedFacts(services: Services, request: RegisterWorkerRequest, identity: string | undefined) {
  const { client, performContext } = services;
  if (request.workerCallSid === request.customerCallSid) {
    throw new BadRequest("workerCallSid and customerCallSid are the same call");
  }
  const conference = client.conferences(request.conferenceSid);
  const task = client.taskrouter.v1.workspaces(performContext.workspaceSid).tasks(request.taskSid);
  const [fetchedTask, reservation, fetchedConference, workerLeg, , workerCall] = await Promise.all([
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
    mustExist(`call ${request.workerCallSid}`, client.calls(request.workerCallSid).fetch()),
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
  if (!isCallOf(workerCall, identity)) {
    throw new BadRequest(`call ${request.workerCallSid} is not the caller's own leg`, 403);
  }
  const attributes = parseTaskAttributes(fetchedTask.attributes);
  if (!attributes) throw new BadRequest(`attributes of task ${request.taskSid} are not a JSON object`);
  // A consistency check, not the authorization (the caller's own leg in the conference is): Flex
  // writes the conference into the task once it exists; before that, its name is the task SID.
  const conferenceOfTask = taskConferenceSid(attributes);
  const sameConference =
    conferenceOfTask !== null
      ? conferenceOfTask === request.conferenceSid
      : fetchedConference.friendlyName === request.taskSid;
  if (!sameConference) {
    throw new BadRequest(`conference ${request.conferenceSid} is not the conference of task ${request.taskSid}`, 403);
  }
  // The name the next agent is shown comes from TaskRouter's record of the worker.
  return { attributes, workerName: reservation.workerName || request.workerSid };
}

export const handler = flexHandler("register-worker", async ({ context, body, token }) => {
  const request = parseRegisterWorker(body);
  // An agent registers only their own leg.
  if (token.worker_sid !== request.workerSid)
    throw new BadRequest(`worker ${request.workerSid} is not the caller`, 403);
  const services = servicesFor(context, `register-worker:${request.conferenceSid}`);
  const { attributes, workerName } = await checkedFacts(services, request, token.identity);
  const handled = await handleEvent(
    services,
    request.conferenceSid,
    {
      kind: "registerWorker",
      request: { ...request, workerName },
      taskAttributes: attributes,
      identity: token.identity ?? null,
    },
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
