// The product's scenarios, shared by `npm run demo` and the jest suite.
import { FunctionRoute, TaskAttribute } from "@flex-call-recovery/vocabulary";
import type { Scenario } from "./types";
import {
  RELOAD_SECONDS,
  WAIT_MS,
  checkOnePing,
  connectedCall,
  followedByReconnect,
  heard,
  pingTasks,
  pingRefused,
  placeOf,
  reconnectTasks,
  reservationStatus,
  silenceEventStreams,
  stateDocumentExists,
  taskOf,
  together,
  transferOffered,
} from "./helpers";
import type { World } from "../world/world";
import type { Agent } from "../world/agent";

/** Checks of a recovery that ended with `agent` back with the customer (scenario 1 and friends). */
async function expectReconnected(
  world: World,
  call: { customer: string; reservationSid: string; taskSid: string },
  agent: Agent,
  options: { targeted: boolean },
) {
  const back = await world.until(() => together(world, call.customer, agent), WAIT_MS);
  world.check(`customer reconnected to ${agent.name}`, back);
  world.check(
    "customer heard the announcement",
    heard(world, call.customer).some((h) => h.startsWith("say:") || h.startsWith("play:")),
    JSON.stringify(heard(world, call.customer)),
  );
  const reconnects = reconnectTasks(world, call.customer);
  world.check("exactly one re-enqueue", reconnects.length === 1, `${reconnects.length} reconnect tasks`);
  const target = reconnects[0]?.attributes[TaskAttribute.targetWorkerSid];
  if (options.targeted && !pingRefused(world)) {
    world.check(`re-enqueued with targetWorkerSid = ${agent.name}`, target === agent.workerSid);
  }
  world.check(
    "dropped reservation completed",
    reservationStatus(world, call.reservationSid) === "completed",
    reservationStatus(world, call.reservationSid),
  );
  world.check('dropped task marked followed_by "Reconnect Agent"', followedByReconnect(taskOf(world, call.taskSid)));
  return reconnects[0];
}

export const SCENARIOS: Scenario[] = [
  {
    name: "page-refresh",
    title: "1. Page refresh, agent back in time → reconnected to the same agent",
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      alice.refreshPage(RELOAD_SECONDS);
      await world.advance(RELOAD_SECONDS * 1000 - 250);
      if (!pingRefused(world)) {
        world.check(
          "the customer stays in the conference while Alice is away",
          placeOf(world, call.customer).kind === "conference",
        );
      }
      await expectReconnected(world, call, alice, { targeted: true });
      checkOnePing(world);
      await world.advance(4000);
      world.check("Alice's dialog closed", alice.plugin?.port.dialog === null);
    },
  },
  {
    name: "late-flex-reset",
    title: "1b. Page refresh while Flex's endConferenceOnExit reset lands 3 s late → reconnected to the same agent",
    async run(world) {
      // Flex's UI writes its reset after its own reaction time, after the functions registered the leg.
      world.stack.engine.flex.setResetDelay(3000);
      try {
        const alice = await world.login("Alice");
        const call = await connectedCall(world, alice);
        await world.advance(3500);
        alice.refreshPage(RELOAD_SECONDS);
        await world.advance(RELOAD_SECONDS * 1000 - 250);
        world.check(
          "the customer stays in the conference while Alice is away",
          placeOf(world, call.customer).kind === "conference",
        );
        await expectReconnected(world, call, alice, { targeted: true });
        checkOnePing(world);
      } finally {
        world.stack.engine.flex.setResetDelay(0);
      }
    },
  },
  {
    name: "agent-never-back",
    title: "2. Agent never comes back → ping canceled at TTL; re-enqueued at high priority; Bob gets it",
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      // Bob is busy with an older call, then frees up: the recovered customer must go first.
      const bob = await world.login("Bob");
      const older = await world.customerCalls("Older caller");
      alice.disconnectForever();
      await world.settle();
      const ping = pingTasks(world)[0];
      if (!ping) {
        // Under injected errors every creation of the ping (each after a look for it) may be
        // refused; the functions then requeue while Alice still counts as Available, a path this
        // scenario's story does not cover.
        const why = pingRefused(world) ? "Twilio refused every creation (injected 5xx); requeued" : "none created";
        world.check("a recovery ping for Alice", false, why);
        return;
      }
      world.check(
        "a recovery ping for Alice",
        ping.attributes[TaskAttribute.disconnectedWorkerSid] === alice.workerSid,
      );
      const bobFirst = bob.reservation("pending");
      world.check("Bob is offered the older call", bobFirst?.attributes[TaskAttribute.callSid] === older);
      await bob.acceptCall();
      await world.settle();
      // This caller queues before the customer is re-enqueued: their task is older.
      const waiting = await world.customerCalls("Waiting caller");
      const canceled = await world.until(() => taskOf(world, ping.sid)?.assignmentStatus === "canceled", WAIT_MS);
      world.check("ping canceled at its TTL", canceled, taskOf(world, ping.sid)?.assignmentStatus);
      // The ping's reservation timed out first (its timeout is shorter than the TTL), which moved
      // Alice to the workspace's TimeoutActivity: the customer cannot be routed back to her.
      const port = world.stack.engine.taskrouter;
      const aliceActivity = port.workers(world.ref).find((w) => w.sid === alice.workerSid)?.activitySid;
      const available = port.activities(world.ref).find((a) => a.sid === aliceActivity)?.available;
      world.check("Alice, gone, is no longer available", available === false);
      const requeued = await world.until(() => reconnectTasks(world, call.customer).length > 0, WAIT_MS);
      const reconnect = reconnectTasks(world, call.customer)[0];
      world.check("customer re-enqueued", requeued);
      world.check("recoveryAttemptFailed: true", reconnect?.attributes[TaskAttribute.recoveryAttemptFailed] === true);
      world.check("no targetWorkerSid", reconnect?.attributes[TaskAttribute.targetWorkerSid] === undefined);
      world.check("to the original workflow", reconnect?.workflowSid === world.stack.seeded.voiceWorkflowSid);
      world.check("at high priority", (reconnect?.priority ?? 0) > 0, `priority ${reconnect?.priority}`);
      await bob.hangup();
      await world.settle();
      const wrapping = bob.reservation("wrapping");
      if (wrapping) await bob.completeInTwin(wrapping.sid);
      const offered = await world.until(() => bob.reservation("pending") !== undefined, WAIT_MS);
      const next = bob.reservation("pending");
      world.check(
        "Bob gets the recovered customer ahead of a caller waiting longer",
        offered && next?.attributes[TaskAttribute.callSid] === call.customer,
        String(next?.attributes[TaskAttribute.callSid]) + ` (waiting caller: ${waiting})`,
      );
      await bob.acceptCall();
      const connected = await world.until(() => together(world, call.customer, bob), WAIT_MS);
      world.check("Bob is connected with the customer", connected);
      const notice = bob.plugin?.port.noticeTexts.find((t) => t.includes(alice.name)) ?? "";
      world.check("Bob sees who dropped", notice !== "", JSON.stringify(bob.plugin?.port.noticeTexts));
    },
  },
  {
    name: "three-party",
    title: "3. Three-party call → after reconnect the third party is in the new conference",
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      const third = alice.addThirdParty("+15553334444");
      await world.settle();
      alice.refreshPage(RELOAD_SECONDS);
      await expectReconnected(world, call, alice, { targeted: true });
      const moved = await world.until(() => {
        const leg = alice.leg();
        const place = placeOf(world, third);
        return leg !== null && place.kind === "conference" && place.conferenceSid === leg.conferenceSid;
      }, WAIT_MS);
      world.check("third party moved into the new conference", moved, JSON.stringify(placeOf(world, third)));
    },
  },
  {
    name: "warm-transfer",
    title: "4. Warm transfer, one agent refreshes → no recovery; the other stays with the customer",
    async run(world) {
      const { alice, bob, call } = await transferOffered(world, "WARM");
      await bob.acceptCall();
      await world.settle();
      world.check("Bob joined the call", together(world, call.customer, bob));
      alice.refreshPage(RELOAD_SECONDS);
      await world.advance(20_000);
      world.check("no recovery ping", pingTasks(world).length === 0, `${pingTasks(world).length}`);
      world.check("no re-enqueue", reconnectTasks(world, call.customer).length === 0);
      world.check("Bob is still with the customer", together(world, call.customer, bob));
    },
  },
  {
    name: "cold-transfer",
    title: "5. Cold transfer, then the receiving agent refreshes → recovery for the receiving agent only",
    async run(world) {
      const { bob, call } = await transferOffered(world, "COLD");
      const transferred = await bob.acceptCall();
      await world.settle();
      world.check("Bob has the customer", together(world, call.customer, bob));
      world.check("no recovery for Alice's leave", pingTasks(world).length === 0);
      bob.refreshPage(RELOAD_SECONDS);
      const reconnect = await expectReconnected(
        world,
        { customer: call.customer, reservationSid: transferred.sid, taskSid: transferred.taskSid },
        bob,
        { targeted: true },
      );
      const pings = pingTasks(world);
      if (pingRefused(world)) {
        world.check("ping creation refused (5xx): requeued for anyone", pings.length === 0 && reconnect !== undefined);
      } else {
        world.check(
          "one ping, for Bob",
          pings.length === 1 && pings[0].attributes[TaskAttribute.disconnectedWorkerSid] === bob.workerSid,
        );
        world.check("reconnect aimed at Bob", reconnect?.attributes[TaskAttribute.targetWorkerSid] === bob.workerSid);
      }
    },
  },
  {
    name: "graceful-hangup",
    title: "6. Graceful hangup → no recovery, conference ended, state deleted",
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      await alice.hangup();
      await world.advance(20_000);
      world.check("no recovery ping", pingTasks(world).length === 0);
      world.check("customer call ended", placeOf(world, call.customer).kind === "none");
      const conference = world.stack.twin.store.voice.fetchConference(call.conferenceSid);
      world.check("conference ended", conference.status === "completed", conference.status);
      world.check("state document deleted", !stateDocumentExists(world, call.conferenceSid));
    },
  },
  ...(["before-ping", "during-ping", "after-accept"] as const).map((moment): Scenario => ({
    name: `customer-hangs-up-${moment}`,
    title: `7. Customer hangs up ${moment.replace("-", " ")} → nothing enqueued, everything cleaned`,
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      if (moment === "before-ping") {
        // Both leave in the same instant: the two leave callbacks race the ping's creation.
        alice.refreshPage(RELOAD_SECONDS);
        world.customerHangsUp(call.customer);
      } else if (moment === "during-ping") {
        alice.refreshPage(30);
        await world.until(() => pingTasks(world).length > 0, WAIT_MS);
        world.customerHangsUp(call.customer);
      } else {
        // The customer hangs up the moment Alice's plugin accepts the ping, while the functions
        // handle that acceptance (before the customer is re-enqueued).
        const off = world.stack.twin.events.on("reservationUpdated", ({ reservation }) => {
          const ping = pingTasks(world)[0];
          if (ping && reservation.taskSid === ping.sid && reservation.reservationStatus === "accepted") {
            off();
            setImmediate(() => world.customerHangsUp(call.customer));
          }
        });
        alice.refreshPage(RELOAD_SECONDS);
      }
      await world.advance(40_000);
      const reconnects = reconnectTasks(world, call.customer);
      if (pingRefused(world)) {
        // Requeued at once (no ping to hang up during): whatever happened next, no task may be
        // left waiting in a queue for a customer who is gone.
        const waiting = reconnects.filter((t) => ["pending", "reserved"].includes(t.assignmentStatus));
        world.check("nothing left waiting in a queue", waiting.length === 0, `${waiting.length} waiting`);
      } else {
        world.check("no re-enqueue", reconnects.length === 0);
      }
      const ping = pingTasks(world)[0];
      if (ping)
        world.check("ping finished", ["completed", "canceled"].includes(ping.assignmentStatus), ping.assignmentStatus);
      // Completed by the recovery's clean-up; or, when the customer's leave won the race and no
      // recovery started, left to Alice's normal wrap-up (not marked for a reconnect).
      const dropped = reservationStatus(world, call.reservationSid);
      const marked = followedByReconnect(taskOf(world, call.taskSid));
      world.check(
        marked ? "dropped reservation completed" : "no recovery started: a normal wrap-up",
        dropped === "completed" || (!marked && dropped === "wrapping"),
        `${dropped}, marked ${marked}`,
      );
      world.check("Alice's dialog closed", (alice.plugin?.port.dialog ?? null) === null);
      // After a refused ping the customer waited in the queue, where hanging up sends no conference
      // callback: the document is left to its TTL (a day).
      if (!pingRefused(world)) world.check("state document gone", !stateDocumentExists(world, call.conferenceSid));
    },
  })),
  {
    name: "refresh-twice",
    title: "8. Agent refreshes twice in a row → exactly one recovery",
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      // The page is reloading when the agent presses reload again.
      alice.refreshPage(3);
      await world.advance(2000);
      alice.refreshPage(RELOAD_SECONDS);
      await expectReconnected(world, call, alice, { targeted: true });
      checkOnePing(world);
    },
  },
  {
    name: "webhooks-thrice",
    title: "9. Every webhook three times and out of order → one ping, one re-enqueue",
    // The twin holds half of its deliveries back so the next one to the same URL overtakes them; every
    // delivery then reaches the functions three times at once.
    faults: { reorderWebhookRate: 0.5 },
    webhookCopies: 2,
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      const delivered = world.stack.edgeRequests.length;
      alice.refreshPage(RELOAD_SECONDS);
      await expectReconnected(world, call, alice, { targeted: true });
      checkOnePing(world);
      // Each distinct callback reached the functions at least three times (the twin's own retries of
      // a failed delivery only add copies).
      const copies = new Map<string, number>();
      for (const request of world.stack.edgeRequests.slice(delivered)) {
        const body = request.body as Record<string, unknown> | null;
        if (body?.StatusCallbackEvent !== "participant-leave") continue;
        const key = JSON.stringify(body);
        copies.set(key, (copies.get(key) ?? 0) + 1);
      }
      const counts = [...copies.values()];
      world.check(
        "every webhook arrived three times",
        counts.length > 0 && counts.every((n) => n >= 3),
        `leave deliveries per callback: ${counts.join(", ")}`,
      );
    },
  },
  {
    name: "twilio-faults",
    title: "10. 20 % of Twilio calls answer 429/5xx → the recovery completes",
    faults: { errorRate: 0.2 },
    async run(world) {
      const injected = () =>
        Object.values(world.stack.engine.faults.counters.injectedErrors).reduce((a, b) => a + b, 0);
      const before = injected();
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      const mark = world.stack.twin.requestLog.list().at(-1)?.seq ?? 0;
      alice.refreshPage(RELOAD_SECONDS);
      await world.settle();
      // Creating a task is not idempotent: after a 5xx on the ping's creation the functions look
      // for it and create it again only when absent; when every attempt fails they requeue the
      // customer without a target (docs/recovery-flow.md#step-11). Which path the seeded faults lead to is read
      // from the request log.
      const refused = pingRefused(world, mark + 1);
      const reconnect = await expectReconnected(world, call, alice, { targeted: !refused });
      if (refused) {
        world.check(
          "ping creation answered 5xx → requeued, marked failed",
          pingTasks(world).length === 0 && reconnect?.attributes[TaskAttribute.recoveryAttemptFailed] === true,
          `${pingTasks(world).length} pings`,
        );
      } else {
        checkOnePing(world);
      }
      world.check("Twilio errors were injected", injected() > before, `${injected() - before} injected`);
      world.note("Scenario", undefined, `${injected() - before} Twilio answers were 429/500/503`, "note");
    },
  },
  {
    name: "concurrent-writers",
    title: "11. A transfer registering while the last leg drops → no lost update",
    faults: { latencyMs: 20 },
    async run(world) {
      const { alice, bob, call } = await transferOffered(world, "WARM");
      const offer = bob.reservation("pending");
      if (!offer) throw new Error("Bob was not offered the transfer");
      // The interleaving that loses an update without revisions: Bob's register-worker has read the
      // state and is about to write it when Alice's leg drops; the leave's handler reads the same
      // revision before Bob's write lands, so its own write must meet a revision conflict.
      const stack = world.stack;
      const log = () => stack.twin.requestLog.list();
      let armed = true;
      let conflicts = 0;
      const offLog = stack.twin.requestLog.onRecord((e) => {
        if (e.operation === "updateDocument" && e.status === 412) conflicts++;
      });
      const offHook = stack.twin.hooks.use(async (request, next) => {
        const registering = request.correlationId?.startsWith("register-worker:") ?? false;
        if (!armed || !registering || request.route?.operation !== "updateDocument") return next();
        armed = false;
        const mark = log().at(-1)?.seq ?? 0;
        alice.refreshPage(RELOAD_SECONDS);
        const leaveRead = () =>
          log().some(
            (e) =>
              e.seq > mark &&
              e.operation === "fetchDocument" &&
              e.status === 200 &&
              (e.correlationId ?? "").startsWith(call.conferenceSid),
          );
        for (let waited = 0; !leaveRead() && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
        return next();
      });
      try {
        await bob.acceptInTwin(offer.sid);
        await world.settle();
      } finally {
        offHook();
        offLog();
      }
      world.check("the race happened (Alice dropped during Bob's registration)", !armed);
      // Without injected errors the interleaving is exact and must show the conflict; with them,
      // retries move the requests around and only the outcome below is a property of the product.
      if (world.stack.engine.faults.current().errorRate === 0) {
        world.check("a write met a revision conflict and was re-decided", conflicts > 0, `${conflicts} conflicts`);
      } else {
        world.note("Scenario", undefined, `${conflicts} revision conflicts under injected errors`, "note");
      }
      const state = bob.readState(call.conferenceSid);
      const workers = Object.values(state?.workers ?? {}).map((w) => w.workerSid);
      world.check("Bob's registration survived", workers.includes(bob.workerSid), JSON.stringify(workers));
      world.check("Alice's leave survived (her leg is no longer registered)", !workers.includes(alice.workerSid));
      world.check("no recovery (Bob covers)", pingTasks(world).length === 0, `${pingTasks(world).length}`);
      world.check("Bob is with the customer", together(world, call.customer, bob));
    },
  },
  {
    name: "event-streams-silent",
    title:
      "14. Event Streams delivers nothing after the drop → the browser's second trigger brings the customer back to Alice",
    async run(world) {
      const alice = await world.login("Alice");
      const call = await connectedCall(world, alice);
      const restore = silenceEventStreams(world);
      try {
        alice.refreshPage(RELOAD_SECONDS);
        await expectReconnected(world, call, alice, { targeted: true });
        checkOnePing(world);
        const steps = world.stack.edgeRequests.filter((r) => r.path.startsWith(FunctionRoute.recoveryStep));
        world.check(
          "the plugin drove the step (flex/recovery-step)",
          steps.some((r) => r.status === 200),
        );
        const redirects = world.stack.twin.requestLog.list(
          (e) => e.seq >= world.firstRequestSeq && e.operation === "updateCall" && e.path.includes(call.customer),
        );
        world.check("the customer was redirected once", redirects.length === 1, `${redirects.length} redirects`);
        world.check(
          "the customer heard hold music after the announcement",
          heard(world, call.customer).some((h) => h.startsWith("play:")),
          JSON.stringify(heard(world, call.customer)),
        );
      } finally {
        restore();
      }
    },
  },
];
