// `flex/register-worker` (DESIGN §2 step 2): the plugin saw its worker leg and the customer in
// the conference. Checks every SID against Twilio first (an unknown one is a 400 and changes
// nothing), then records the leg in the conference document, clears the leg's
// endConferenceOnExit and lets the agent's Sync identity read the document.
import type { OkResponse, RegisterWorkerRequest } from "@flex-call-recovery/vocabulary";
import { parseTaskAttributes } from "@flex-call-recovery/vocabulary";
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

async function customerTaskAttributes(services: Services, request: RegisterWorkerRequest) {
  const { client, performContext } = services;
  const conference = client.conferences(request.conferenceSid);
  const [task] = await Promise.all([
    mustExist(
      `task ${request.taskSid}`,
      client.taskrouter.v1.workspaces(performContext.workspaceSid).tasks(request.taskSid).fetch(),
    ),
    mustExist(
      `worker call ${request.workerCallSid} in conference ${request.conferenceSid}`,
      conference.participants(request.workerCallSid).fetch(),
    ),
    mustExist(
      `customer call ${request.customerCallSid} in conference ${request.conferenceSid}`,
      conference.participants(request.customerCallSid).fetch(),
    ),
  ]);
  if (task.workflowSid !== request.workflowSid) {
    throw new BadRequest(`task ${request.taskSid} did not come through workflow ${request.workflowSid}`);
  }
  const attributes = parseTaskAttributes(task.attributes);
  if (!attributes) throw new BadRequest(`attributes of task ${request.taskSid} are not a JSON object`);
  return attributes;
}

export const handler = flexHandler("register-worker", async ({ context, body, token }) => {
  const request = parseRegisterWorker(body);
  // An agent registers only their own leg.
  if (token.worker_sid !== request.workerSid)
    throw new BadRequest(`worker ${request.workerSid} is not the caller`, 403);
  const services = servicesFor(context, `register-worker:${request.conferenceSid}`);
  const taskAttributes = await customerTaskAttributes(services, request);
  const handled = await handleEvent(services, request.conferenceSid, {
    kind: "registerWorker",
    request,
    taskAttributes,
    identity: token.identity ?? null,
  });
  throwOnFailure(handled);
  const answer: OkResponse = { success: true };
  return { body: answer };
});
