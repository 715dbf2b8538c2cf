// flex/recovery-step, the second trigger of "ping accepted": the agent's browser drives the step
// when Event Streams' delivery never comes; exactly once whichever trigger is first; authorized
// only by the reservation (its worker, its status) and the functions' own document.
import {
  RECOVERY_STEP_DEADLINE_SECONDS,
  RecoveryStatus,
  TaskRouterEventType,
  stateDocumentName,
  type ConferenceState,
} from "@flex-call-recovery/vocabulary";
import { handler as recoveryStep } from "../src/functions/flex/recovery-step";
import { handler as taskEvents } from "../src/functions/task-event-handler.protected";
import { FakeTwilio, type FakeTask } from "./support/fakeTwilio";
import { callHandler, withFakeTwilio } from "./support/runtime";
import { addAgent, type Agent, type Call, redirectsOf, stateOf } from "./support/scenario";
import { asFunctionEvent, cloudEvent, droppedCall } from "./support/events";

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

/** A call whose agent dropped, and the agent's accepted reservation of the recovery ping. */
async function pingAccepted(): Promise<{ call: Call; ping: FakeTask; reservationSid: string }> {
  const { call, ping } = await droppedCall(fake, context);
  const reservationSid = fake.sid("WR");
  ping.reservations.set(reservationSid, "accepted");
  fake.reservationWorkers.set(reservationSid, call.agent.workerSid);
  return { call, ping, reservationSid };
}

const stepBody = (agent: Agent, ping: FakeTask, reservationSid: string) => ({
  Token: agent.token,
  pingTaskSid: ping.sid,
  pingReservationSid: reservationSid,
});

/** Event Streams' delivery of the ping's acceptance, with a chosen event id (redeliveries share it). */
const reservationAccepted = (ping: FakeTask, workerSid: string, id: string) =>
  asFunctionEvent({ ...cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: workerSid }), id });

describe("flex/recovery-step", () => {
  it("with no Event Streams delivery at all, the browser's call brings the customer back to the same agent", async () => {
    const { call, ping, reservationSid } = await pingAccepted();
    const answer = await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid));
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({ success: true, note: "reconnecting the customer to the same worker" });
    expect(stateOf(fake, call).recovery?.status).toBe(RecoveryStatus.reconnecting);
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(1);
    expect(fake.calls.get(call.customerCallSid)?.twiml).toContain(call.agent.workerSid);
    expect(fake.tasks.get(ping.sid)?.assignmentStatus).toBe("completed");
  });

  it("exactly once whichever trigger comes first: browser then Event Streams, Event Streams then browser, both at once", async () => {
    // Browser first, then the (late) Event Streams delivery.
    const first = await pingAccepted();
    await callHandler(recoveryStep, context, stepBody(first.call.agent, first.ping, first.reservationSid));
    const late = await callHandler(
      taskEvents,
      context,
      reservationAccepted(first.ping, first.call.agent.workerSid, `EZ${"1".repeat(32)}`),
    );
    expect(late.statusCode).toBe(200);
    expect(redirectsOf(fake, first.call.customerCallSid)).toHaveLength(1);

    // Event Streams first, then the browser (its answer says the step was done).
    const second = await pingAccepted();
    await callHandler(
      taskEvents,
      context,
      reservationAccepted(second.ping, second.call.agent.workerSid, `EZ${"2".repeat(32)}`),
    );
    // The step completed the ping, so the agent's reservation of it is completed by now.
    second.ping.reservations.set(second.reservationSid, "completed");
    const repeat = await callHandler(
      recoveryStep,
      context,
      stepBody(second.call.agent, second.ping, second.reservationSid),
    );
    expect(repeat.statusCode).toBe(200);
    expect(repeat.body).toMatchObject({ note: "ping already handled" });
    expect(redirectsOf(fake, second.call.customerCallSid)).toHaveLength(1);

    // Both at once, the browser's call twice: one conditional write wins, one redirect.
    const third = await pingAccepted();
    fake.hold();
    const racing = [
      callHandler(recoveryStep, context, stepBody(third.call.agent, third.ping, third.reservationSid)),
      callHandler(recoveryStep, context, stepBody(third.call.agent, third.ping, third.reservationSid)),
      callHandler(
        taskEvents,
        context,
        reservationAccepted(third.ping, third.call.agent.workerSid, `EZ${"3".repeat(32)}`),
      ),
    ];
    fake.release(true);
    const answers = await Promise.all(racing);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(redirectsOf(fake, third.call.customerCallSid)).toHaveLength(1);
    expect(stateOf(fake, third.call).recovery?.status).toBe(RecoveryStatus.reconnecting);
  });

  it("asked again past the deadline with no reconnect task seen, it closes the dropped reservation (the lost task-queue.entered's step)", async () => {
    const { call, ping, reservationSid } = await pingAccepted();
    await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid));
    ping.reservations.set(reservationSid, "completed");
    const dropped = () => fake.tasks.get(call.taskSid)!.reservations.get(call.agent.reservationSid);
    // Asked again at once: nothing to drive yet (Event Streams may still deliver).
    await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid));
    expect(dropped()).toBe("wrapping");
    // The step is older than the deadline and the reconnect task was never seen entering the queue.
    const document = fake.documents.get(stateDocumentName(call.conferenceSid))!;
    const data = document.data as ConferenceState;
    const longAgo = new Date(Date.now() - (RECOVERY_STEP_DEADLINE_SECONDS + 1) * 1000).toISOString();
    document.data = { ...data, recovery: { ...data.recovery!, updatedTime: longAgo } };
    const answer = await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid));
    expect(answer.statusCode).toBe(200);
    expect(dropped()).toBe("completed");
  });

  it("the browser's own wait past the deadline drives it on too (its clock, not the functions')", async () => {
    const { call, ping, reservationSid } = await pingAccepted();
    await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid));
    ping.reservations.set(reservationSid, "completed");
    const dropped = () => fake.tasks.get(call.taskSid)!.reservations.get(call.agent.reservationSid);
    const waited = { ...stepBody(call.agent, ping, reservationSid), waitedSeconds: RECOVERY_STEP_DEADLINE_SECONDS };
    expect((await callHandler(recoveryStep, context, waited)).statusCode).toBe(200);
    expect(dropped()).toBe("completed");
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(1);
  });

  it("refuses another agent, a ping not accepted, a task that is not a ping, and a ping rewritten to name another recovery", async () => {
    const { call, ping, reservationSid } = await pingAccepted();
    // Bob presents Alice's reservation: the reservation's worker is Alice.
    const bob = addAgent(fake, call, "Bob");
    expect((await callHandler(recoveryStep, context, stepBody(bob, ping, reservationSid))).statusCode).toBe(403);
    // Bob's own reservation of Alice's ping (TaskRouter would never offer it, but the check must not rely on that).
    const bobs = fake.sid("WR");
    ping.reservations.set(bobs, "accepted");
    fake.reservationWorkers.set(bobs, bob.workerSid);
    expect((await callHandler(recoveryStep, context, stepBody(bob, ping, bobs))).statusCode).toBe(403);
    // Still pending: 409.
    ping.reservations.set(reservationSid, "pending");
    expect((await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid))).statusCode).toBe(409);
    ping.reservations.set(reservationSid, "accepted");
    // The customer's own call task is not a ping.
    const callTask = fake.tasks.get(call.taskSid)!;
    const notPing = { ...stepBody(call.agent, callTask, call.agent.reservationSid) };
    fake.tasks.get(call.taskSid)!.reservations.set(call.agent.reservationSid, "accepted");
    expect((await callHandler(recoveryStep, context, notPing)).statusCode).toBe(403);
    // Alice rewrites her ping's attributes to point at another conference's recovery (Flex lets a
    // worker write its task): that document names another dropped worker, so nothing happens there.
    const other = await pingAccepted();
    const attributes = JSON.parse(ping.attributes);
    ping.attributes = JSON.stringify({ ...attributes, disconnectedConferenceSid: other.call.conferenceSid });
    expect((await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid))).statusCode).toBe(403);
    expect(redirectsOf(fake, other.call.customerCallSid)).toHaveLength(0);
    expect(stateOf(fake, other.call).recovery?.status).toBe(RecoveryStatus.pinging);
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(0);
  });

  it("answers 400, touching nothing, when the ping's attributes carry a SID that is not one", async () => {
    const { call, ping, reservationSid } = await pingAccepted();
    const attributes = JSON.parse(ping.attributes);
    ping.attributes = JSON.stringify({ ...attributes, disconnectedTaskWorkflowSid: "WW../../Workflows" });
    const before = fake.log.length;
    const answer = await callHandler(recoveryStep, context, stepBody(call.agent, ping, reservationSid));
    expect(answer).toMatchObject({
      statusCode: 400,
      body: { message: expect.stringContaining("disconnectedTaskWorkflowSid") },
    });
    // Only the token check and the ping's own task and reservation were read.
    expect(fake.log.slice(before).every((r) => r.method === "GET" || r.host === "iam.twilio.com")).toBe(true);
    expect(redirectsOf(fake, call.customerCallSid)).toHaveLength(0);
  });

  it("answers 400 for a malformed SID and 404 for an unknown ping", async () => {
    const { call, ping, reservationSid } = await pingAccepted();
    const bad = { ...stepBody(call.agent, ping, reservationSid), pingTaskSid: "WT../../x" };
    expect((await callHandler(recoveryStep, context, bad)).statusCode).toBe(400);
    const unknown = { ...stepBody(call.agent, ping, reservationSid), pingTaskSid: fake.sid("WT") };
    expect((await callHandler(recoveryStep, context, unknown)).statusCode).toBe(404);
  });
});
