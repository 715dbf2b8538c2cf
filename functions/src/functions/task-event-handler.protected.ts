// Event Streams sink for TaskRouter events (DESIGN §2 steps 7, 9, 11): the ping accepted or
// timed out, the customer's reconnect task queued, accepted or canceled. Deliveries are
// at-least-once and unordered: a batch is handled oldest first, and every effect is guarded by
// the conference document (event ids and statuses), so a redelivery changes nothing.
import "@twilio-labs/serverless-runtime-types";
import type { ServerlessFunctionSignature } from "@twilio-labs/serverless-runtime-types/types";
import { TaskAttribute, type RecoveryPingAttributes } from "@flex-call-recovery/vocabulary";
import { recoveryConfig, type FunctionContext } from "../config";
import { answerError, errorResponse, jsonResponse } from "../http/response";
import type { ConferenceParticipant, RecoveryEvent } from "../recovery/types";
import { failures, handleEvent, servicesFor, type Services } from "../recovery/run";
import type { StoredState } from "../state/store";
import { listConferenceParticipants } from "../twilio/conference";
import { isNotFound } from "../twilio/errors";
import { meaningOf, parseEventStreamsBatch, type TaskRouterEvent } from "../webhooks/eventStreams";

type Env = Record<string, string | undefined>;

/** Status of a call, or null when Twilio does not know it. */
async function callStatus(services: Services, callSid: string | null): Promise<string | null> {
  if (!callSid) return null;
  try {
    return (await services.client.calls(callSid).fetch()).status;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function reservationStatus(services: Services, attributes: Record<string, unknown>): Promise<string | null> {
  const taskSid = attributes[TaskAttribute.disconnectedTaskSid];
  const reservationSid = attributes[TaskAttribute.disconnectedReservationSid];
  if (typeof taskSid !== "string" || typeof reservationSid !== "string") return null;
  try {
    const workspace = services.client.taskrouter.v1.workspaces(services.performContext.workspaceSid);
    return (await workspace.tasks(taskSid).reservations(reservationSid).fetch()).reservationStatus;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * The conference an event's recovery concerns: the dropped one a ping or reconnect task names,
 * else the task's own conference (Flex's `conference.sid`), else the task itself.
 */
export function conferenceKey(event: TaskRouterEvent): string {
  const dropped = event.attributes[TaskAttribute.disconnectedConferenceSid];
  if (typeof dropped === "string") return dropped;
  const conference = event.attributes[TaskAttribute.conference];
  const sid = conference && typeof conference === "object" ? (conference as { sid?: unknown }).sid : undefined;
  return typeof sid === "string" ? sid : event.taskSid;
}

/** Handles one TaskRouter event; returns what it meant and decided. */
async function handleTaskEvent(
  context: FunctionContext,
  event: TaskRouterEvent,
): Promise<{ note: string; failed: number }> {
  const config = recoveryConfig(context);
  const meaning = meaningOf(event, config.recoveryPingWorkflowSid);
  if (meaning === null) return { note: "not a recovery task", failed: 0 };
  const conferenceSid = event.attributes[TaskAttribute.disconnectedConferenceSid];
  if (typeof conferenceSid !== "string") return { note: "recovery task without a conference", failed: 0 };

  const services = servicesFor(context, event.id);
  // The document read runs beside the facts the decision needs (one round trip for both), always
  // inside a Promise.all: a failed read is this event's error, never an unhandled rejection.
  let read: StoredState | null;
  let coreEvent: RecoveryEvent;
  if (meaning === "pingAccepted" || meaning === "pingCanceled") {
    // Flex puts the customer's call SID on voice tasks; the document has the authoritative one.
    const guess = event.attributes[TaskAttribute.callSid];
    let guessedStatus: string | null;
    let participants: ConferenceParticipant[];
    [read, guessedStatus, participants] = await Promise.all([
      services.store.read(conferenceSid),
      callStatus(services, typeof guess === "string" ? guess : null),
      listConferenceParticipants(services.client, conferenceSid),
    ]);
    const customerCallSid = read?.state.customerCallSid ?? null;
    const status = customerCallSid === guess ? guessedStatus : await callStatus(services, customerCallSid);
    const ping = {
      eventId: event.id,
      pingTaskSid: event.taskSid,
      pingAttributes: event.attributes as RecoveryPingAttributes,
    };
    coreEvent =
      meaning === "pingAccepted"
        ? { kind: "pingAccepted", ...ping, workerSid: event.workerSid ?? "", customerCallStatus: status, participants }
        : { kind: "pingCanceled", ...ping, customerCallStatus: status, participants };
  } else if (meaning === "reconnectAccepted") {
    read = await services.store.read(conferenceSid);
    coreEvent = {
      kind: "reconnectAccepted",
      eventId: event.id,
      reconnectTaskSid: event.taskSid,
      workerSid: event.workerSid ?? "",
    };
  } else {
    let droppedReservationStatus: string | null;
    [read, droppedReservationStatus] = await Promise.all([
      services.store.read(conferenceSid),
      reservationStatus(services, event.attributes),
    ]);
    coreEvent = {
      kind: meaning,
      eventId: event.id,
      reconnectTaskSid: event.taskSid,
      attributes: event.attributes,
      droppedReservationStatus,
    };
  }
  const handled = await handleEvent(services, conferenceSid, coreEvent, Promise.resolve(read));
  return { note: `${meaning}: ${handled.committed.decision.note}`, failed: failures(handled).length };
}

export const handler: ServerlessFunctionSignature<Env> = async (context, event, callback) => {
  try {
    const events = parseEventStreamsBatch(event);
    // A batch may hold several steps of the same recovery: those run one at a time, oldest first;
    // different conferences' events run in parallel (one slow recovery does not delay the others).
    const byConference = new Map<string, TaskRouterEvent[]>();
    for (const taskEvent of events) {
      const key = conferenceKey(taskEvent);
      byConference.set(key, [...(byConference.get(key) ?? []), taskEvent]);
    }
    const handledGroups = await Promise.all(
      [...byConference.values()].map(async (group) => {
        const handled: { id: string; note: string; failed: number }[] = [];
        for (const taskEvent of group) {
          handled.push({ id: taskEvent.id, ...(await handleTaskEvent(context as FunctionContext, taskEvent)) });
        }
        return handled;
      }),
    );
    const byId = new Map(handledGroups.flat().map((result) => [result.id, result]));
    // Answered in the batch's (time) order.
    const results = events.map((taskEvent) => ({ id: taskEvent.id, note: byId.get(taskEvent.id)?.note ?? "" }));
    const failed = [...byId.values()].reduce((sum, result) => sum + result.failed, 0);
    // A 5xx makes Event Streams deliver again; committed steps are then recognised and skipped.
    callback(
      null,
      failed > 0
        ? errorResponse(500, `task-event-handler: ${failed} action(s) failed`, {}, { results })
        : jsonResponse(200, { success: true, results }),
    );
  } catch (error) {
    answerError(callback, error, "task-event-handler");
  }
};
