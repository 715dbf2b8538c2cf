// What scenarios look at: tasks, reservations, where a call is, what it heard, the state document.
import {
  FOLLOWED_BY_RECONNECT,
  RecoveryStatus,
  TaskAttribute,
  isRecoveryPingTask,
  isReconnectTask,
  stateDocumentName,
} from "@flex-call-recovery/vocabulary";
import type { RouterTask } from "@flex-call-recovery/twin/engine";
import type { Agent } from "../world/agent";
import type { World } from "../world/world";

/** Default seconds a refreshing agent's page is down (well within the 15 s ping). */
export const RELOAD_SECONDS = 5;
/** Longest a scenario waits for a recovery step, in virtual ms. */
export const WAIT_MS = 60_000;

export function tasks(world: World): RouterTask[] {
  return world.stack.engine.taskrouter.tasks(world.ref).filter((t) => world.isOwnTask(t.sid));
}

export function pingTasks(world: World): RouterTask[] {
  return tasks(world).filter((t) => t.workflowSid === String(world.stack.outputs.recoveryPingWorkflowSid));
}

export function reconnectTasks(world: World, customerCallSid: string): RouterTask[] {
  return tasks(world).filter(
    (t) => isReconnectTask(t.attributes) && t.attributes[TaskAttribute.callSid] === customerCallSid,
  );
}

export function taskOf(world: World, taskSid: string): RouterTask | undefined {
  return world.stack.engine.taskrouter.task(world.ref, taskSid);
}

export function reservationStatus(world: World, reservationSid: string): string | undefined {
  return world.stack.engine.taskrouter.reservation(world.ref, reservationSid)?.status;
}

export function placeOf(world: World, callSid: string) {
  return world.stack.engine.voice.placeOf(world.ref.accountSid, callSid);
}

export function heard(world: World, callSid: string): string[] {
  return world.stack.engine.voice.heardBy(world.ref.accountSid, callSid);
}

/** Whether the customer and the agent's live leg are in the same conference. */
export function together(world: World, customerCallSid: string, agent: Agent): boolean {
  const place = placeOf(world, customerCallSid);
  const leg = agent.leg();
  return place.kind === "conference" && leg !== null && leg.conferenceSid === place.conferenceSid;
}

export function followedByReconnect(task: RouterTask | undefined): boolean {
  const conversations = task?.attributes[TaskAttribute.conversations] as Record<string, unknown> | undefined;
  return conversations?.[TaskAttribute.followedBy] === FOLLOWED_BY_RECONNECT;
}

export function stateDocumentExists(world: World, conferenceSid: string): boolean {
  try {
    world.stack.twin.store.sync.fetchDocument(
      String(world.stack.outputs.syncServiceSid),
      stateDocumentName(conferenceSid),
    );
    return true;
  } catch {
    return false;
  }
}

export function recoveryStatus(world: World, agent: Agent, conferenceSid: string): string | null {
  return agent.readState(conferenceSid)?.recovery?.status ?? null;
}

/**
 * Whether the functions gave up on the ping in this scenario (only under injected errors): Twilio
 * answered its creation 5xx and no creation went through. Creating a task is not idempotent, so after
 * a 5xx the functions look for the ping (task list by `EvaluateTaskAttributes`) and create it again
 * only when absent, up to three times; when that still fails (or the look does) they requeue the
 * customer without a target, at high priority (docs/recovery-flow.md#step-11) — the recovery then completes by that
 * path. `sinceSeq`: only requests from that point of the twin's log (default: the scenario's start).
 */
export function pingRefused(world: World, sinceSeq = world.firstRequestSeq): boolean {
  const pingWorkflow = String(world.stack.outputs.recoveryPingWorkflowSid);
  const creations = world.stack.twin.requestLog
    .list((e) => e.seq >= sinceSeq)
    .filter((e) => e.operation === "createTask" && e.params.WorkflowSid === pingWorkflow);
  return creations.some((e) => e.status >= 500) && !creations.some((e) => e.status < 300);
}

/** Exactly one ping — or none, when Twilio refused its creation and the customer was requeued. */
export function checkOnePing(world: World): void {
  if (pingRefused(world)) {
    world.check("ping creation refused (5xx): no ping, customer requeued", pingTasks(world).length === 0);
  } else {
    world.check("exactly one recovery ping", pingTasks(world).length === 1, `${pingTasks(world).length}`);
  }
}

/** Starts a call and has `agent` accept it; returns the customer's call SID and the agent's reservation and conference. */
export async function connectedCall(world: World, agent: Agent) {
  const customer = await world.customerCalls();
  const reservation = await agent.acceptCall();
  await world.settle();
  const leg = agent.leg();
  if (!leg) throw new Error(`${agent.name} has no leg after accepting`);
  world.check(
    `${agent.name} registered the call`,
    agent.registrations.some((r) => r.conferenceSid === leg.conferenceSid),
  );
  return { customer, reservationSid: reservation.sid, taskSid: reservation.taskSid, conferenceSid: leg.conferenceSid };
}

/** Alice and Bob logged in, Alice on a call with a customer, and her transfer to Bob offered to him. */
export async function transferOffered(world: World, mode: "COLD" | "WARM") {
  const alice = await world.login("Alice");
  const bob = await world.login("Bob");
  const call = await connectedCall(world, alice);
  await alice.transfer(mode, bob);
  await world.settle();
  return { alice, bob, call };
}

/**
 * From now on the twin's Event Streams delivers nothing (a misconfigured sink, an outage): events
 * queued for the sinks are dropped; returns the function that restores delivery.
 */
export function silenceEventStreams(world: World): () => void {
  const delivery = world.stack.engine.eventStreams;
  const flush = delivery.flush;
  let dropped = 0;
  delivery.flush = function silenced(this: typeof delivery) {
    dropped += (this as unknown as { pending: unknown[] }).pending.length;
    (this as unknown as { pending: unknown[] }).pending = [];
  };
  world.note("Twilio", "Functions", "Event Streams delivers nothing from here on", "person");
  return () => {
    delivery.flush = flush;
    world.note("Twilio", "Functions", `Event Streams back (${dropped} events never delivered)`, "person");
  };
}

export { RecoveryStatus, isRecoveryPingTask, TaskAttribute };
