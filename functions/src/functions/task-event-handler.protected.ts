// Event Streams sink for TaskRouter events (docs/recovery-flow.md steps 7, 9, 11): the ping accepted or
// timed out, the customer's reconnect task queued, accepted or canceled. Deliveries are
// at-least-once and unordered: a batch is handled oldest first, and every effect is guarded by
// the conference document (event ids and statuses), so a redelivery changes nothing.
import "@twilio-labs/serverless-runtime-types";
import type { ServerlessFunctionSignature } from "@twilio-labs/serverless-runtime-types/types";
import { RecoveryStatus, TaskAttribute, type RecoveryPingAttributes } from "@flex-call-recovery/vocabulary";
import { recoveryConfig, type FunctionContext } from "../config";
import { answerError, BadRequest, errorResponse, jsonResponse } from "../http/response";
import { pingFacts } from "../recovery/pingStep";
import type { RecoveryEvent } from "../recovery/types";
import { failures, handleEvent, servicesFor, type Services } from "../recovery/run";
import type { StoredState } from "../state/store";
import { CallLimit } from "../twilio/client";
import { describeError, isNotFound } from "../twilio/errors";
import { meaningOf, parseEventStreamsBatch, type TaskRouterEvent } from "../webhooks/eventStreams";

type Env = Record<string, string | undefined>;

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

/** Whether a reconnect task's attributes name the dropped reservation of a recovery already redirected. */
function closesRecordedDrop(read: StoredState | null, attributes: Record<string, unknown>): boolean {
  const recovery = read?.state.recovery;
  return (
    recovery != null &&
    (recovery.status === RecoveryStatus.reconnecting || recovery.status === RecoveryStatus.requeued) &&
    recovery.droppedReservationSid === attributes[TaskAttribute.disconnectedReservationSid] &&
    recovery.droppedTaskSid === attributes[TaskAttribute.disconnectedTaskSid]
  );
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
  limit: CallLimit,
): Promise<{ note: string; failed: number }> {
  const config = recoveryConfig(context);
  const meaning = meaningOf(event, config.recoveryPingWorkflowSid);
  if (meaning === null) return { note: "not a recovery task", failed: 0 };
  const conferenceSid = event.attributes[TaskAttribute.disconnectedConferenceSid];
  if (typeof conferenceSid !== "string") return { note: "recovery task without a conference", failed: 0 };

  const services = servicesFor(context, event.id, limit);
  // The document read runs beside the facts the decision needs (one round trip for both), always
  // inside a Promise.all: a failed read is this event's error, never an unhandled rejection.
  let read: StoredState | null;
  let coreEvent: RecoveryEvent;
  if (meaning === "pingAccepted" || meaning === "pingCanceled") {
    // Flex puts the customer's call SID on voice tasks; the document has the authoritative one.
    const guess = event.attributes[TaskAttribute.callSid];
    const facts = await pingFacts(services, conferenceSid, typeof guess === "string" ? guess : null);
    read = facts.read;
    const { customerCallStatus: status, participants } = facts;
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
      // The dropped reservation is closed (core `factActions`) only when the functions' own document
      // names it as a redirected recovery's: a transfer copies attributes an agent may have written,
      // and a task naming someone's live reservation must not complete their call.
      droppedReservationStatus: closesRecordedDrop(read, event.attributes) ? droppedReservationStatus : null,
    };
  }
  const handled = await handleEvent(services, conferenceSid, coreEvent, Promise.resolve(read));
  return { note: `${meaning}: ${handled.committed.decision.note}`, failed: failures(handled).length };
}

/** Twilio requests one invocation has in flight at most (every event's clients share them). */
export const MAX_TWILIO_CALLS_IN_FLIGHT = 24;

/**
 * Conferences whose events run at once; each event makes up to ~4 requests at a time, so this
 * keeps the limit above busy without queueing hundreds of events behind it.
 */
const CONFERENCES_AT_ONCE = 8;

/**
 * No event starts after this many milliseconds of an invocation: Twilio cuts a Function at 10 s
 * (https://www.twilio.com/docs/serverless/functions-assets/faq, "10-second execution time limit"), and an event
 * already started needs a few round trips (with retries) to finish. What is left is answered 500,
 * so Event Streams delivers the batch again; the events already handled are then recognised in
 * their conference's document (event ids, statuses) and change nothing.
 */
export const INVOCATION_BUDGET_MS = 6_000;

type Outcome = "handled" | "skipped" | "failed" | "deferred";
interface EventResult {
  id: string;
  outcome: Outcome;
  note: string;
}

export interface BatchOptions {
  /** Milliseconds after which no event starts (INVOCATION_BUDGET_MS). */
  budgetMs: number;
  /** Twilio requests in flight at most (MAX_TWILIO_CALLS_IN_FLIGHT). */
  callsInFlight: number;
  /** Milliseconds clock (tests pin it). */
  clock: () => number;
  log: (message: string) => void;
}

/** One event, with what went wrong turned into its outcome (a retry helps only for `failed`). */
async function runOne(context: FunctionContext, event: TaskRouterEvent, limit: CallLimit): Promise<EventResult> {
  try {
    const { note, failed } = await handleTaskEvent(context, event, limit);
    return { id: event.id, outcome: failed > 0 ? "failed" : "handled", note };
  } catch (error) {
    // A fact that cannot be used (a malformed value in the task) will be as unusable on every
    // redelivery: skip it. Anything else (Twilio unavailable, a setting missing) may pass.
    if (error instanceof BadRequest) return { id: event.id, outcome: "skipped", note: error.message };
    return { id: event.id, outcome: "failed", note: describeError(error) };
  }
}

/**
 * Handles a batch's usable events: a conference's events one at a time, oldest first (a failed
 * one defers the rest of its conference: they may depend on it); a few conferences at once; none
 * started after the budget. Returns one result per event, in the batch's (time) order.
 */
export async function handleBatch(
  context: FunctionContext,
  events: TaskRouterEvent[],
  options: BatchOptions,
): Promise<EventResult[]> {
  const started = options.clock();
  const limit = new CallLimit(options.callsInFlight);
  const byConference = new Map<string, TaskRouterEvent[]>();
  for (const taskEvent of events) {
    const key = conferenceKey(taskEvent);
    byConference.set(key, [...(byConference.get(key) ?? []), taskEvent]);
  }
  const groups = [...byConference.values()];
  const results = new Map<string, EventResult>();
  const runGroup = async (group: TaskRouterEvent[]) => {
    let stopped: string | null = null;
    for (const taskEvent of group) {
      if (stopped === null && options.clock() - started >= options.budgetMs) stopped = "invocation budget spent";
      if (stopped !== null) {
        results.set(taskEvent.id, { id: taskEvent.id, outcome: "deferred", note: `left for redelivery: ${stopped}` });
        continue;
      }
      const result = await runOne(context, taskEvent, limit);
      results.set(taskEvent.id, result);
      if (result.outcome === "failed") stopped = `event ${taskEvent.id} of the same conference failed`;
    }
  };
  let next = 0;
  const workers = Array.from({ length: Math.min(CONFERENCES_AT_ONCE, groups.length) }, async () => {
    while (next < groups.length) await runGroup(groups[next++]);
  });
  await Promise.all(workers);
  if (limit.peak > 0)
    options.log(`task-event-handler: ${events.length} event(s), peak ${limit.peak} Twilio call(s) in flight`);
  return events.map((taskEvent) => results.get(taskEvent.id) as EventResult);
}

/** The handler with its limits given (tests shrink the budget and pin the clock). */
export function taskEventHandler(options: Partial<BatchOptions> = {}): ServerlessFunctionSignature<Env> {
  const batchOptions: BatchOptions = {
    budgetMs: INVOCATION_BUDGET_MS,
    callsInFlight: MAX_TWILIO_CALLS_IN_FLIGHT,
    clock: () => Date.now(),
    log: (message) => console.log(message),
    ...options,
  };
  return async (context, event, callback) => {
    try {
      const { events, skipped } = parseEventStreamsBatch(event);
      for (const element of skipped) {
        batchOptions.log(
          `task-event-handler: skipped CloudEvent ${element.index} (${element.id ?? "no id"}): ${element.reason}`,
        );
      }
      const handled = await handleBatch(context as FunctionContext, events, batchOptions);
      for (const result of handled) {
        if (result.outcome !== "handled")
          batchOptions.log(`task-event-handler: ${result.id} ${result.outcome}: ${result.note}`);
      }
      const results = [
        ...handled,
        ...skipped.map((element) => ({
          id: element.id ?? `#${element.index}`,
          outcome: "skipped" as const,
          note: element.reason,
        })),
      ];
      const failed = handled.filter((r) => r.outcome === "failed").length;
      const deferred = handled.filter((r) => r.outcome === "deferred").length;
      // A 5xx makes Event Streams deliver again; committed steps are then recognised and skipped.
      // Skipped elements never cause one: they would be as unusable on every redelivery.
      callback(
        null,
        failed + deferred > 0
          ? errorResponse(
              500,
              `task-event-handler: ${failed} event(s) failed, ${deferred} left for redelivery`,
              {},
              {
                results,
              },
            )
          : jsonResponse(200, { success: true, results }),
      );
    } catch (error) {
      answerError(callback, error, "task-event-handler");
    }
  };
}

export const handler = taskEventHandler();
