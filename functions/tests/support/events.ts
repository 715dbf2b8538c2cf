// Event Streams deliveries as Twilio posts them to the task-event-handler, and a dropped call to
// deliver them about (registered, left, pinged) on the fake Twilio, up to the ping accepted.
import { TaskRouterEventType } from "@flex-call-recovery/vocabulary";
import { handler as conferenceStatus } from "../../src/functions/conference-status-handler.protected";
import { handler as registerWorker } from "../../src/functions/flex/register-worker";
import { handler as taskEventHandler } from "../../src/functions/task-event-handler.protected";
import type { FakeTask, FakeTwilio } from "./fakeTwilio";
import { CALL_WORKFLOW_SID, callHandler, PING_WORKFLOW_SID } from "./runtime";
import { agentDropped, enqueuedAttributes, registerBody, seedCall, type Call } from "./scenario";

let eventCounter = 0;

/** A TaskRouter CloudEvent (schema version 1) about `task`. */
export function cloudEvent(type: string, task: Pick<FakeTask, "sid" | "attributes" | "workflowSid">, payload = {}) {
  eventCounter += 1;
  return {
    specversion: "1.0",
    type,
    source: "/v1/Workspaces/WS/Tasks",
    id: `EZ${eventCounter.toString(16).padStart(32, "0")}`,
    dataschema: "https://events-schemas.twilio.com/TaskRouter.Task/1",
    datacontenttype: "application/json",
    time: new Date(Date.UTC(2026, 10, 25, 18, 0, 0, eventCounter)).toISOString(),
    data: {
      payload: {
        eventtype: type.replace("com.twilio.taskrouter.", ""),
        task_sid: task.sid,
        task_attributes: task.attributes,
        workflow_sid: task.workflowSid,
        ...payload,
      },
    },
  };
}

/** How a Twilio Function receives a JSON array body: spread over `event` as "0", "1", ... */
export const asFunctionEvent = (...events: object[]) => ({
  ...Object.fromEntries(events.map((e, i) => [String(i), e])),
  request: { headers: { "content-type": "application/json" }, cookies: {} },
});

/** A call whose agent dropped: the state is pinging and the ping task exists. */
export async function droppedCall(fake: FakeTwilio, context: object): Promise<{ call: Call; ping: FakeTask }> {
  const call = seedCall(fake);
  expect((await callHandler(registerWorker, context, registerBody(call))).statusCode).toBe(200);
  // Flex moves the dropped agent's reservation to wrapping.
  fake.tasks.get(call.taskSid)!.reservations.set(call.agent.reservationSid, "wrapping");
  fake.conferences.get(call.conferenceSid)!.participants.delete(call.agent.callSid);
  expect((await callHandler(conferenceStatus, context, agentDropped(call))).statusCode).toBe(200);
  const ping = [...fake.tasks.values()].find(
    (t) =>
      t.workflowSid === PING_WORKFLOW_SID && JSON.parse(t.attributes).disconnectedConferenceSid === call.conferenceSid,
  )!;
  return { call, ping };
}

/**
 * A dropped call whose ping its agent accepted, as Event Streams delivered it to the
 * task-event-handler: the customer is being redirected back to that agent.
 */
export async function pingAcceptedCall(fake: FakeTwilio, context: object): Promise<{ call: Call; ping: FakeTask }> {
  const { call, ping } = await droppedCall(fake, context);
  const accepted = cloudEvent(TaskRouterEventType.reservationAccepted, ping, { worker_sid: call.agent.workerSid });
  expect((await callHandler(taskEventHandler, context, asFunctionEvent(accepted))).statusCode).toBe(200);
  return { call, ping };
}

/**
 * The reconnect task TaskRouter makes from the `<Enqueue>` the functions redirected the customer to
 * (its attributes are the TwiML's), as the task events about it carry it.
 */
export function reconnectTask(fake: FakeTwilio, call: Call, assignmentStatus: "pending" | "assigned"): FakeTask {
  return {
    sid: fake.sid("WT"),
    workflowSid: CALL_WORKFLOW_SID,
    attributes: JSON.stringify(enqueuedAttributes(fake.calls.get(call.customerCallSid)!.twiml!)),
    assignmentStatus,
    taskChannel: "voice",
    reservations: new Map(),
  };
}
