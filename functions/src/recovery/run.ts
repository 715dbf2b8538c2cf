// Wiring shared by the handlers: build the Twilio client, store and settings for one invocation,
// then decide → commit → perform for one event.
import { FunctionEnv, FunctionRoute, type ConferenceState } from "@flex-call-recovery/vocabulary";
import { functionUrl, recoveryConfig, requiredSetting, type FunctionContext } from "../config";
import { syncStateStore, transact, type Committed, type StateStore, type StoredState } from "../state/store";
import { createTwilioClient, type CallLimit, type TwilioClient } from "../twilio/client";
import { perform, type ActionOutcome, type PerformContext } from "../twilio/perform";
import { decide, factActions } from "./core";
import type { RecoveryConfig, RecoveryEvent } from "./types";
import { recordOutcome, syncOutcomeLog, type OutcomeLog } from "../outcomes/outcomes";

export interface Services {
  client: TwilioClient;
  store: StateStore;
  config: RecoveryConfig;
  performContext: PerformContext;
  /** Where each recovery's outcome is recorded once it ends. */
  outcomes: OutcomeLog;
  /** Clock, so tests can pin it. */
  now: () => string;
}

/**
 * Everything a handler needs, for one invocation; `correlationId` names what it is handling;
 * `limit` bounds the Twilio requests in flight, shared by every event of an invocation.
 */
export function servicesFor(context: FunctionContext, correlationId: string, limit: CallLimit | null = null): Services {
  const client = createTwilioClient(context, correlationId, limit);
  const store = syncStateStore(client, requiredSetting(context, FunctionEnv.syncServiceSid));
  return {
    client,
    store,
    config: recoveryConfig(context),
    performContext: {
      client,
      store,
      workspaceSid: requiredSetting(context, FunctionEnv.workspaceSid),
      announceUrl: functionUrl(context, FunctionRoute.announce),
      log: (message) => console.log(`[${correlationId}] ${message}`),
    },
    outcomes: syncOutcomeLog(client, requiredSetting(context, FunctionEnv.syncServiceSid)),
    now: () => new Date().toISOString(),
  };
}

export interface Handled {
  committed: Committed;
  outcomes: ActionOutcome[];
}

/**
 * Performs the event's fact-only actions at once and, beside them, decides `event` for a
 * conference against its document, commits the change (re-deciding on a
 * revision conflict), then performs the actions. When a ping was created, its SID is recorded
 * so a later clean-up can cancel it (off the ping's critical path).
 */
export async function handleEvent(
  services: Services,
  conferenceSid: string,
  event: RecoveryEvent,
  firstRead?: Promise<StoredState | null>,
): Promise<Handled> {
  const { store, config, performContext } = services;
  const decideNow = (e: RecoveryEvent) => (state: ConferenceState | null) => decide(e, state, config, services.now());
  const [early, committed] = await Promise.all([
    perform(factActions(event), performContext),
    transact(store, conferenceSid, decideNow(event), firstRead),
  ]);
  let outcomes = [...early, ...(await performAndRecord(services, committed))];
  const pingFailure = outcomes.find((outcome) => !outcome.ok && outcome.action.kind === "createPing");
  if (pingFailure?.action.kind === "createPing" && event.kind === "participantLeave") {
    // Conference callbacks are not reliably redelivered: rather than roll back and hope, requeue.
    outcomes = await requeueWithoutPing(services, conferenceSid, event, pingFailure.action, committed, outcomes);
  } else {
    await rollBackIfEssentialFailed(services, committed, outcomes);
  }
  const ping = outcomes.find((outcome) => outcome.pingTaskSid);
  if (ping?.pingTaskSid) {
    const recorded = await transact(
      store,
      conferenceSid,
      decideNow({ kind: "pingCreated", conferenceSid, pingTaskSid: ping.pingTaskSid }),
    );
    outcomes.push(...(await perform(recorded.decision.actions, performContext)));
  }
  return { committed, outcomes };
}

/**
 * The ping could not be created (after the retries): the customer goes to the original workflow at
 * once with `recoveryAttemptFailed: true` (docs/recovery-flow.md#step-11), status `requeued`. The ping's
 * failure is replaced by the requeue's outcomes; if the redirect fails too, the document goes
 * back to before the claim (If-Match on the requeue's revision), so a redelivered leave claims again.
 */
async function requeueWithoutPing(
  services: Services,
  conferenceSid: string,
  leave: Extract<RecoveryEvent, { kind: "participantLeave" }>,
  createPing: Extract<ActionOutcome["action"], { kind: "createPing" }>,
  claim: Committed,
  outcomes: ActionOutcome[],
): Promise<ActionOutcome[]> {
  const { store, config, performContext } = services;
  const event: RecoveryEvent = {
    kind: "pingFailed",
    conferenceSid,
    pingAttributes: createPing.attributes,
    participants: leave.participants,
  };
  let requeued: Committed;
  try {
    requeued = await transact(store, conferenceSid, (state) => decide(event, state, config, services.now()));
  } catch (error) {
    // Not even the requeue could be recorded: undo the claim so a redelivered leave starts over.
    if (claim.previous && claim.revision !== null) {
      await rollBack(services, claim.previous.state, claim.revision, "createPing and the requeue's write failed");
    }
    throw error;
  }
  const fallback = await performAndRecord(services, requeued);
  performContext.log(`createPing failed: ${requeued.decision.note}`);
  const redirectFailed = fallback.some((outcome) => !outcome.ok && outcome.action.kind === "redirectCall");
  if (redirectFailed && claim.previous && requeued.revision !== null) {
    await rollBack(services, claim.previous.state, requeued.revision, "createPing and the requeue failed");
  }
  // Requeued: the step happened after all, so the ping's failure no longer fails the answer.
  const handled = requeued.revision !== null && !redirectFailed;
  return [...(handled ? outcomes.filter((outcome) => outcome.action !== createPing) : outcomes), ...fallback];
}

/** Performs a committed step's actions and, beside them, records the outcome if it ended a recovery. */
async function performAndRecord(services: Services, committed: Committed): Promise<ActionOutcome[]> {
  const { performContext } = services;
  const [performed] = await Promise.all([
    perform(committed.decision.actions, performContext),
    recordOutcome(services.outcomes, committed, new Date(services.now()), performContext.log),
  ]);
  return performed;
}

async function rollBack(services: Services, state: ConferenceState, revision: string, why: string): Promise<void> {
  try {
    await services.store.replace(state, revision);
    services.performContext.log(`${why}: state rolled back for a redelivery`);
  } catch (error) {
    services.performContext.log(`${why} and the state could not be rolled back: ${String(error)}`);
  }
}

/** Actions without which the step did not happen: the ping, the customer's redirect. */
const ESSENTIAL: ReadonlySet<ActionOutcome["action"]["kind"]> = new Set(["createPing", "redirectCall"]);

/**
 * When the essential action of a committed step failed (after the HTTP client's retries), puts
 * the document back as it was — only if nobody wrote since (If-Match on our own revision) — so a
 * redelivery of the webhook decides and performs the step again instead of finding it done. The
 * other actions of such a step are safe to repeat (announce, marking, closing).
 */
async function rollBackIfEssentialFailed(services: Services, committed: Committed, outcomes: ActionOutcome[]) {
  const failed = outcomes.find((outcome) => !outcome.ok && ESSENTIAL.has(outcome.action.kind));
  if (!failed || !committed.previous || committed.revision === null) return;
  await rollBack(services, committed.previous.state, committed.revision, `${failed.action.kind} failed`);
}

/** Actions that failed (after the HTTP client's retries), for the answer's status and the log. */
export function failures(handled: Handled): ActionOutcome[] {
  return handled.outcomes.filter((outcome) => !outcome.ok);
}

/** Rethrows the first failed action's error (a Flex endpoint answers it as a 5xx). */
export function throwOnFailure(handled: Handled): void {
  const failed = failures(handled)[0];
  if (failed) throw failed.error;
}
