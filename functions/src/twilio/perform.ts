// The Twilio adapter of the core's actions: each action is one REST call (two where Twilio needs
// a read first). Actions of one decision run in parallel; an action's `then` runs after it.
import { FOLLOWED_BY_RECONNECT, TaskAttribute, parseTaskAttributes } from "@flex-call-recovery/vocabulary";
import { PING_TASK_CHANNEL, pingBaseAttributes } from "../recovery/core";
import type { Action } from "../recovery/types";
import type { StateStore } from "../state/store";
import type { TwilioClient } from "./client";
import { describeError, isTwilioError } from "./errors";

export interface PerformContext {
  client: TwilioClient;
  store: StateStore;
  workspaceSid: string;
  /** URL of the announce function (the conference's AnnounceUrl). */
  announceUrl: string;
  log: (message: string) => void;
}

export interface ActionOutcome {
  action: Action;
  ok: boolean;
  error?: unknown;
  /** SID of the task `createPing` created. */
  pingTaskSid?: string;
}

/**
 * Closing something already closed is success: Twilio answers 4xx when a task or reservation
 * is no longer in a state that can move (a redelivery, or the agent's own Flex got there first).
 */
const CLOSING_ACTIONS: ReadonlySet<Action["kind"]> = new Set([
  "completeTask",
  "cancelTask",
  "completeReservation",
  "endConference",
]);

/** Where an action points, for the log (SIDs only). */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case "announce":
    case "endConference":
      return `${action.kind} ${action.conferenceSid}`;
    case "markTaskDisconnected":
    case "completeTask":
    case "cancelTask":
      return `${action.kind} ${action.taskSid}`;
    case "createPing":
      return `createPing for ${action.attributes.disconnectedTaskSid}`;
    case "updateParticipant":
      return `updateParticipant ${action.conferenceSid}/${action.callSid} endConferenceOnExit=${action.endConferenceOnExit}`;
    case "redirectCall":
      return `redirectCall ${action.callSid}`;
    case "completeReservation":
      return `completeReservation ${action.taskSid}/${action.reservationSid}`;
    case "grantStateRead":
      return `grantStateRead ${action.conferenceSid} to ${action.identity}`;
    case "setWorkerUnavailable":
      return `setWorkerUnavailable ${action.workerSid}`;
  }
}

/** Attempts of the marking's read-modify-write when Flex changed the task in between (412). */
export const MARK_TASK_ATTEMPTS = 4;

/** A task as fetched raw, with the ETag the SDK's TaskInstance does not expose. */
async function fetchTaskWithEtag(ctx: PerformContext, taskSid: string) {
  const uri = `https://taskrouter.twilio.com/v1/Workspaces/${ctx.workspaceSid}/Tasks/${taskSid}`;
  const response = await ctx.client.request({ method: "get", uri });
  const body: unknown = typeof response.body === "string" ? JSON.parse(response.body) : response.body;
  if (response.statusCode >= 400) {
    const message = (body as { message?: unknown } | null)?.message;
    throw Object.assign(new Error(`fetch task ${taskSid}: ${typeof message === "string" ? message : ""}`), {
      status: response.statusCode,
    });
  }
  const headers = (response.headers ?? {}) as Record<string, string | undefined>;
  const etag = headers.etag ?? headers.ETag;
  const attributes = (body as { attributes?: unknown }).attributes;
  return { attributes: typeof attributes === "string" ? attributes : null, etag };
}

/**
 * Marks the dropped task `conversations.followed_by = "Reconnect Agent"` + `disconnectedTime`.
 * Task attributes are replaced whole, so this is read → change our two keys → write with
 * `If-Match: <ETag>`; when Flex changed the task in between (412) it reads again, so nothing
 * Flex wrote is lost.
 */
async function markTaskDisconnected(
  action: Extract<Action, { kind: "markTaskDisconnected" }>,
  ctx: PerformContext,
): Promise<void> {
  const task = ctx.client.taskrouter.v1.workspaces(ctx.workspaceSid).tasks(action.taskSid);
  for (let attempt = 1; ; attempt++) {
    const fetched = await fetchTaskWithEtag(ctx, action.taskSid);
    const attributes = parseTaskAttributes(fetched.attributes) ?? {};
    const conversations = attributes[TaskAttribute.conversations];
    attributes[TaskAttribute.conversations] = {
      ...(typeof conversations === "object" && conversations !== null ? conversations : {}),
      [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT,
    };
    attributes[TaskAttribute.disconnectedTime] = action.disconnectedTime;
    try {
      await task.update({
        attributes: JSON.stringify(attributes),
        ...(fetched.etag ? { ifMatch: fetched.etag } : {}),
      });
      return;
    } catch (error) {
      if (!(isTwilioError(error) && error.status === 412) || attempt >= MARK_TASK_ATTEMPTS) throw error;
    }
  }
}

/** Creations of one ping (the first included) when Twilio's answer leaves open whether it exists. */
export const PING_CREATE_ATTEMPTS = 3;
const PING_RETRY_BACKOFF_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A 5xx, a timeout or a reset connection after the request went out: Twilio may have created the
 * task anyway. A 4xx (429 included, after the client's own retries) says it did not.
 */
function mayHaveCreated(error: unknown): boolean {
  return !(isTwilioError(error) && error.status < 500);
}

/** The ping for the dropped reservation, if one exists: TaskRouter's list filtered by attributes. */
async function findPing(
  action: Extract<Action, { kind: "createPing" }>,
  ctx: PerformContext,
): Promise<string | undefined> {
  const reservationSid = action.attributes[TaskAttribute.disconnectedReservationSid];
  const [ping] = await ctx.client.taskrouter.v1.workspaces(ctx.workspaceSid).tasks.list({
    workflowSid: action.workflowSid,
    // SIDs are [A-Z]{2}[0-9a-f]{32}: nothing in them needs escaping inside the quotes.
    evaluateTaskAttributes: `${TaskAttribute.disconnectedReservationSid} == "${reservationSid}"`,
    limit: 1,
  });
  return ping?.sid;
}

/**
 * Creates the ping at most once. Task creation is not idempotent, so the HTTP client does not
 * repeat it after a 5xx or a broken connection; here such a failure is followed by a look for the
 * ping (one list request, only on this failure path) and a new creation only when it is absent,
 * up to PING_CREATE_ATTEMPTS creations with backoff. Without this the customer was requeued at once
 * while the dropped agent, still Available, could be offered the call and let it time out. When
 * the look itself fails, the creation's error stands and the caller requeues (docs/recovery-flow.md#step-11).
 */
async function createPingOnce(
  action: Extract<Action, { kind: "createPing" }>,
  attributes: Record<string, unknown>,
  ctx: PerformContext,
): Promise<string> {
  const tasks = ctx.client.taskrouter.v1.workspaces(ctx.workspaceSid).tasks;
  for (let attempt = 1; ; attempt++) {
    try {
      const ping = await tasks.create({
        workflowSid: action.workflowSid,
        taskChannel: PING_TASK_CHANNEL,
        attributes: JSON.stringify(attributes),
        timeout: action.timeoutSeconds,
        priority: action.priority,
      });
      return ping.sid;
    } catch (error) {
      if (!mayHaveCreated(error)) throw error;
      ctx.log(`${describeAction(action)} attempt ${attempt}: ${describeError(error)}; looking for the ping`);
      // Give a creation still in progress on Twilio's side time to land before looking.
      await sleep(PING_RETRY_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
      let found: string | undefined;
      try {
        found = await findPing(action, ctx);
      } catch (lookupError) {
        ctx.log(`${describeAction(action)}: the look for the ping failed: ${describeError(lookupError)}`);
        throw error;
      }
      if (found) {
        ctx.log(`${describeAction(action)}: created after all (${found})`);
        return found;
      }
      if (attempt >= PING_CREATE_ATTEMPTS) throw error;
    }
  }
}

async function performOne(action: Action, ctx: PerformContext): Promise<string | undefined> {
  const { client } = ctx;
  const workspace = client.taskrouter.v1.workspaces(ctx.workspaceSid);
  switch (action.kind) {
    case "announce":
      await client.conferences(action.conferenceSid).update({ announceUrl: ctx.announceUrl, announceMethod: "POST" });
      return;
    case "markTaskDisconnected":
      await markTaskDisconnected(action, ctx);
      return;
    case "createPing": {
      let attributes: Record<string, unknown> = action.attributes;
      if (action.attributesFromTaskSid) {
        const task = await workspace.tasks(action.attributesFromTaskSid).fetch();
        attributes = {
          ...pingBaseAttributes(parseTaskAttributes(task.attributes) ?? {}),
          ...action.attributes,
          [TaskAttribute.disconnectedTaskWorkflowSid]: task.workflowSid,
        };
      }
      return createPingOnce(action, attributes, ctx);
    }
    case "updateParticipant":
      await client
        .conferences(action.conferenceSid)
        .participants(action.callSid)
        .update({ endConferenceOnExit: action.endConferenceOnExit });
      return;
    case "redirectCall":
      await client.calls(action.callSid).update({ twiml: action.twiml });
      return;
    case "completeTask":
      await workspace.tasks(action.taskSid).update({ assignmentStatus: "completed", reason: action.reason });
      return;
    case "cancelTask":
      await workspace.tasks(action.taskSid).update({ assignmentStatus: "canceled", reason: action.reason });
      return;
    case "completeReservation":
      await workspace
        .tasks(action.taskSid)
        .reservations(action.reservationSid)
        .update({ reservationStatus: "completed" });
      return;
    case "endConference":
      await client.conferences(action.conferenceSid).update({ status: "completed" });
      return;
    case "grantStateRead":
      await ctx.store.grantRead(action.conferenceSid, action.identity);
      return;
    case "setWorkerUnavailable": {
      const { timeoutActivitySid } = await workspace.fetch();
      await workspace.workers(action.workerSid).update({ activitySid: timeoutActivitySid });
      return;
    }
  }
}

/**
 * Performs actions in parallel (each with its `then` after it) and reports every outcome; one
 * failure does not stop the others. Failures are logged with the SIDs involved.
 */
export async function perform(actions: Action[], ctx: PerformContext): Promise<ActionOutcome[]> {
  const runs = actions.map(async (action): Promise<ActionOutcome[]> => {
    try {
      const pingTaskSid = await performOne(action, ctx);
      const after = action.kind === "updateParticipant" && action.then ? await perform(action.then, ctx) : [];
      return [{ action, ok: true, pingTaskSid }, ...after];
    } catch (error) {
      if (CLOSING_ACTIONS.has(action.kind) && isTwilioError(error) && error.status < 500) {
        ctx.log(`${describeAction(action)}: already closed (${describeError(error)})`);
        return [{ action, ok: true }];
      }
      ctx.log(`${describeAction(action)} failed: ${describeError(error)}`);
      const skipped = action.kind === "updateParticipant" && action.then ? action.then : [];
      return [{ action, ok: false, error }, ...skipped.map((a) => ({ action: a, ok: false, error }))];
    }
  });
  return (await Promise.all(runs)).flat();
}
