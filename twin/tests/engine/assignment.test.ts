import {
  DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS,
  DIRECT_TO_AGENT_FILTER_NAME,
  TaskAttribute,
  TaskChannel,
} from "@flex-call-recovery/vocabulary";
import { InvalidTransitionError } from "../../src/taskrouter/errors";
import { TASK_TTL_EXCEEDED_REASON } from "../../src/taskrouter/routing/assignment";
import { createHarness } from "./helpers/harness";

function setup() {
  const h = createHarness();
  const createTask = (
    workflowSid: string,
    attributes: Record<string, unknown>,
    extra: { priority?: number; timeout?: number; channel?: string } = {},
  ) => h.createTask({ workflowSid, attributes, ...extra, taskChannel: extra.channel ?? TaskChannel.voice });
  const reservationsOf = (taskSid: string) => h.store.reservations(h.ref).filter((r) => r.taskSid === taskSid);
  const names = () => h.events.map((e) => e.name);
  return { ...h, engine: h.engine.assignment, names, createTask, reservationsOf };
}

afterEach(() => jest.restoreAllMocks());

describe("AssignmentEngine", () => {
  it("routes a recovery ping to exactly the disconnected worker (known worker)", () => {
    const t = setup();
    const workers = [t.worker("alice"), t.worker("bob"), t.worker("carol")];
    const ping = t.createTask(
      t.pingWorkflow.sid,
      { [TaskAttribute.disconnectedWorkerSid]: workers[1].sid, [TaskAttribute.recoveryAttemptFailed]: false },
      { channel: TaskChannel.default, timeout: 15 },
    );
    const reservations = t.reservationsOf(ping.sid);
    expect(reservations).toHaveLength(1);
    expect(reservations[0].workerSid).toBe(workers[1].sid);
    expect(t.store.task(t.ref, ping.sid)?.assignmentStatus).toBe("reserved");
    expect(t.store.task(t.ref, ping.sid)?.taskQueueSid).toBe(t.pingQueue.sid);
    expect(t.names()).toEqual(["task.created", "workflow.target-matched", "task-queue.entered", "reservation.created"]);
    t.engine.dispose();
  });

  it("leaves a ping for a worker who is not available pending, then cancels it at its TTL", () => {
    const t = setup();
    const bob = t.worker("bob");
    t.setWorkerActivity(bob.sid, t.offline.sid);
    t.worker("alice");
    const ping = t.createTask(
      t.pingWorkflow.sid,
      { [TaskAttribute.disconnectedWorkerSid]: bob.sid, [TaskAttribute.recoveryAttemptFailed]: false },
      { timeout: 15, channel: TaskChannel.default },
    );
    expect(t.reservationsOf(ping.sid)).toHaveLength(0);
    t.clock.advance(14_999);
    expect(t.store.task(t.ref, ping.sid)?.assignmentStatus).toBe("pending");
    t.clock.advance(1);
    const task = t.store.task(t.ref, ping.sid);
    expect(task?.assignmentStatus).toBe("canceled");
    expect(task?.reason).toBe(TASK_TTL_EXCEEDED_REASON);
    const canceled = t.events.find((e) => e.name === "task.canceled");
    expect(canceled?.payload).toMatchObject({
      task_sid: ping.sid,
      task_canceled_reason: TASK_TTL_EXCEEDED_REASON,
      task_assignment_status: "canceled",
    });
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it("times a reservation out: task pending again, worker to the timeout activity, then TTL cancels", () => {
    const t = setup();
    const bob = t.worker("bob");
    const ping = t.createTask(
      t.pingWorkflow.sid,
      { [TaskAttribute.disconnectedWorkerSid]: bob.sid, [TaskAttribute.recoveryAttemptFailed]: false },
      { timeout: 30, channel: TaskChannel.default },
    );
    const [reservation] = t.reservationsOf(ping.sid);
    t.clock.advance(DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS * 1000);
    expect(t.store.reservation(t.ref, reservation.sid)?.status).toBe("timeout");
    expect(t.store.task(t.ref, ping.sid)?.assignmentStatus).toBe("pending");
    expect(t.store.workers(t.ref).find((w) => w.sid === bob.sid)?.activitySid).toBe(t.offline.sid);
    expect(t.names()).toContain("reservation.timeout");
    expect(t.names()).toContain("worker.activity.update");
    t.clock.advance(15_000);
    expect(t.store.task(t.ref, ping.sid)?.assignmentStatus).toBe("canceled");
    expect(t.names().at(-1)).toBe("task.canceled");
    expect(t.clock.pendingTimers()).toBe(0);
  });

  it("reserves a high-priority reconnect task before older normal tasks once capacity frees", () => {
    const t = setup();
    const alice = t.worker("alice");
    const first = t.createTask(t.voiceWorkflow.sid, { call_sid: "CA1" });
    const [firstReservation] = t.reservationsOf(first.sid);
    t.updateReservation(firstReservation.sid, "accepted");
    // Alice's one voice slot is taken: these wait.
    t.clock.advance(1000);
    const older = t.createTask(t.voiceWorkflow.sid, { call_sid: "CA2" });
    t.clock.advance(1000);
    const old2 = t.createTask(t.voiceWorkflow.sid, { call_sid: "CA3" });
    t.clock.advance(1000);
    const reconnect = t.createTask(
      t.voiceWorkflow.sid,
      { call_sid: "CA1", [TaskAttribute.isReconnect]: true, [TaskAttribute.targetWorkerSid]: alice.sid },
      { priority: 1000 },
    );
    expect(t.reservationsOf(older.sid)).toHaveLength(0);
    expect(t.reservationsOf(reconnect.sid)).toHaveLength(0);
    // The agent dropped: the call task wraps; a wrapping reservation still holds capacity.
    t.updateReservation(firstReservation.sid, "wrapping");
    expect(t.store.task(t.ref, first.sid)?.assignmentStatus).toBe("wrapping");
    expect(t.reservationsOf(reconnect.sid)).toHaveLength(0);
    // Completing the wrapping reservation frees the slot for the reconnect task, not the older ones.
    t.updateReservation(firstReservation.sid, "completed");
    expect(t.store.task(t.ref, first.sid)?.assignmentStatus).toBe("completed");
    expect(t.reservationsOf(reconnect.sid)).toHaveLength(1);
    expect(t.reservationsOf(older.sid)).toHaveLength(0);
    expect(t.reservationsOf(old2.sid)).toHaveLength(0);
    expect(t.engine.routingOf(t.ref, reconnect.sid)).toMatchObject({ filter: DIRECT_TO_AGENT_FILTER_NAME });
    // Then the older normal tasks in age order.
    const [r] = t.reservationsOf(reconnect.sid);
    t.updateReservation(r.sid, "accepted");
    t.updateTaskStatus(reconnect.sid, "completed");
    expect(t.reservationsOf(older.sid)).toHaveLength(1);
    expect(t.reservationsOf(old2.sid)).toHaveLength(0);
    t.engine.dispose();
  });

  it("orders equal priorities by age", () => {
    const t = setup();
    const a = t.createTask(t.voiceWorkflow.sid, { n: 1 }, { priority: 5 });
    t.clock.advance(10);
    const b = t.createTask(t.voiceWorkflow.sid, { n: 2 }, { priority: 5 });
    t.clock.advance(10);
    const c = t.createTask(t.voiceWorkflow.sid, { n: 3 }, { priority: 6 });
    const alice = t.worker("alice");
    t.engine.workerUpdated(t.ref);
    const order = () => t.store.reservations(t.ref).map((r) => r.taskSid);
    expect(order()).toEqual([c.sid]);
    t.updateReservation(t.reservationsOf(c.sid)[0].sid, "accepted");
    t.updateTaskStatus(c.sid, "completed");
    expect(order()).toEqual([c.sid, a.sid]);
    expect(t.store.reservations(t.ref).every((r) => r.workerSid === alice.sid)).toBe(true);
    expect(b.assignmentStatus).toBe("pending");
    t.engine.dispose();
  });

  it("gives one task per channel by default, and three at once on a channel configured for 3", () => {
    const t = setup();
    const alice = t.worker("alice");
    const sms = [1, 2].map((n) => t.createTask(t.voiceWorkflow.sid, { n }, { channel: "sms" }));
    expect(sms.filter((c) => t.reservationsOf(c.sid).length === 1)).toHaveLength(1);
    t.setCapacity(alice.sid, "chat", 3);
    const chats = [1, 2, 3, 4].map((n) => t.createTask(t.voiceWorkflow.sid, { n }, { channel: "chat" }));
    expect(chats.filter((c) => t.reservationsOf(c.sid).length === 1)).toHaveLength(3);
    const calls = [1, 2].map((n) => t.createTask(t.voiceWorkflow.sid, { n }));
    expect(calls.filter((c) => t.reservationsOf(c.sid).length === 1)).toHaveLength(1);
    t.engine.dispose();
  });

  it("offers a rejected task to another worker and not again to the one who rejected", () => {
    const t = setup();
    const alice = t.worker("alice");
    const bob = t.worker("bob");
    const task = t.createTask(t.voiceWorkflow.sid, {});
    const [first] = t.reservationsOf(task.sid);
    t.updateReservation(first.sid, "rejected");
    const [, second] = t.reservationsOf(task.sid);
    expect(second.workerSid).toBe(first.workerSid === alice.sid ? bob.sid : alice.sid);
    expect(t.names()).toContain("reservation.rejected");
    t.engine.dispose();
  });

  it("reserves when a worker becomes available", () => {
    const t = setup();
    const bob = t.worker("bob");
    t.setWorkerActivity(bob.sid, t.offline.sid);
    const task = t.createTask(t.voiceWorkflow.sid, {});
    expect(t.reservationsOf(task.sid)).toHaveLength(0);
    t.setWorkerActivity(bob.sid, t.available.sid);
    expect(t.reservationsOf(task.sid)).toHaveLength(1);
    t.engine.dispose();
  });

  it("moves a task to the next target when a step times out and applies the target's priority", () => {
    const t = setup();
    const sales = t.addQueue("Sales", "skills HAS 'sales'");
    const support = t.addQueue("Support", "skills HAS 'support'");
    const workflow = t.addWorkflow({
      friendlyName: "Steps",
      taskReservationTimeout: 120,
      configuration: {
        task_routing: {
          filters: [
            {
              filter_friendly_name: "sales first",
              expression: "type == 'sale'",
              targets: [
                { queue: sales.sid, timeout: 30 },
                { queue: support.sid, priority: 50, expression: "worker.level >= task.level" },
              ],
            },
          ],
        },
      },
    });
    const junior = t.worker("junior", { skills: ["support"], level: 1 });
    const senior = t.worker("senior", { skills: ["support"], level: 3 });
    const task = t.createTask(workflow.sid, { type: "sale", level: 2 });
    expect(t.store.task(t.ref, task.sid)?.taskQueueSid).toBe(sales.sid);
    t.clock.advance(30_000);
    const moved = t.store.task(t.ref, task.sid);
    expect(moved?.taskQueueSid).toBe(support.sid);
    expect(moved?.priority).toBe(50);
    const [reservation] = t.reservationsOf(task.sid);
    expect(reservation.workerSid).toBe(senior.sid);
    expect(reservation.workerSid).not.toBe(junior.sid);
    expect(t.names()).toEqual(expect.arrayContaining(["task-queue.timeout", "task-queue.moved"]));
    t.engine.dispose();
  });

  it("skips a step whose skip_if holds", () => {
    const t = setup();
    const empty = t.addQueue("Nobody", "skills HAS 'nothing'");
    const workflow = t.addWorkflow({
      friendlyName: "Skip",
      taskReservationTimeout: 120,
      configuration: {
        task_routing: {
          filters: [
            {
              filter_friendly_name: "all",
              expression: "1 == 1",
              targets: [{ queue: empty.sid, skip_if: "workers.available == 0" }, { queue: t.everyone.sid }],
            },
          ],
        },
      },
    });
    t.worker("alice");
    const task = t.createTask(workflow.sid, {});
    expect(t.store.task(t.ref, task.sid)?.taskQueueSid).toBe(t.everyone.sid);
    expect(t.reservationsOf(task.sid)).toHaveLength(1);
    t.engine.dispose();
  });

  it("cancels an unassigned task through the API and refuses to cancel an assigned one", () => {
    const t = setup();
    t.worker("alice");
    const task = t.createTask(t.voiceWorkflow.sid, {});
    const [reservation] = t.reservationsOf(task.sid);
    const other = t.createTask(t.voiceWorkflow.sid, {});
    t.updateTaskStatus(other.sid, "canceled", "caller hung up");
    expect(t.store.task(t.ref, other.sid)).toMatchObject({ assignmentStatus: "canceled", reason: "caller hung up" });
    t.updateReservation(reservation.sid, "accepted");
    expect(() => t.updateTaskStatus(task.sid, "canceled")).toThrow(InvalidTransitionError);
    expect(() => t.updateReservation(reservation.sid, "rejected")).toThrow(InvalidTransitionError);
    t.engine.dispose();
  });

  it("emits reservation events carrying the payload fields Event Streams documents", () => {
    const t = setup();
    const alice = t.worker("alice");
    const task = t.createTask(t.voiceWorkflow.sid, { call_sid: "CA9" }, { priority: 3 });
    const [reservation] = t.reservationsOf(task.sid);
    t.updateReservation(reservation.sid, "accepted");
    const accepted = t.events.find((e) => e.name === "reservation.accepted");
    expect(accepted?.payload).toMatchObject({
      eventtype: "reservation.accepted",
      task_sid: task.sid,
      task_attributes: JSON.stringify({ call_sid: "CA9" }),
      task_priority: 3,
      task_assignment_status: "assigned",
      task_channel_unique_name: TaskChannel.voice,
      workflow_sid: t.voiceWorkflow.sid,
      worker_sid: alice.sid,
      worker_name: "alice",
      task_queue_name: "Everyone",
      task_queue_sid: t.everyone.sid,
      reservation_sid: reservation.sid,
      reservation_status: "accepted",
    });
    t.engine.dispose();
  });
});

describe("known worker outside the target queue", () => {
  it("raises alert 40152 and reserves no one when the named worker is not in the queue", () => {
    const t = setup();
    const restricted = t.addQueue("Supervisors", "role == 'supervisor'");
    const alice = t.worker("alice", { role: "agent" });
    const workflow = t.addWorkflow({
      friendlyName: "Direct",
      taskReservationTimeout: 120,
      configuration: {
        task_routing: {
          filters: [
            {
              filter_friendly_name: "direct",
              expression: "1 == 1",
              targets: [{ queue: restricted.sid, known_worker_sid: "task.agent" }],
            },
          ],
        },
      },
    });
    const task = t.createTask(workflow.sid, { agent: alice.sid });
    expect(t.reservationsOf(task.sid)).toEqual([]);
    expect(t.engine.alerts.map((a) => [a.code, a.message, a.taskSid, a.workerSid])).toEqual([
      [40152, "Invalid Queue for Known Worker", task.sid, alice.sid],
    ]);
    t.engine.dispose();
  });

  it("raises no alert when the named worker is in the queue", () => {
    const t = setup();
    const alice = t.worker("alice");
    const task = t.createTask(t.pingWorkflow.sid, {
      [TaskAttribute.disconnectedWorkerSid]: alice.sid,
      [TaskAttribute.recoveryAttemptFailed]: false,
    });
    expect(t.reservationsOf(task.sid).map((r) => r.workerSid)).toEqual([alice.sid]);
    expect(t.engine.alerts).toEqual([]);
    t.engine.dispose();
  });
});
