// Run as its own Node process by tests/failed-read.test.ts: jest's sandbox hides the process's
// `unhandledRejection` events (it only fails a test for rejections still unhandled at its end), but
// twilio-run runs functions in-process, where a rejection unhandled even for a moment is fatal.
// Prints one JSON line: the handler's status and the unhandled rejections seen.
import { TaskRouterEventType } from "@flex-call-recovery/vocabulary";
import { handler as conferenceStatus } from "../../src/functions/conference-status-handler.protected";
import { handler as registerWorker } from "../../src/functions/flex/register-worker";
import { handler as taskEvents } from "../../src/functions/task-event-handler.protected";
import { FakeTwilio, type LoggedRequest } from "./fakeTwilio";
import { CALL_WORKFLOW_SID, callHandler, contextFor, installRuntime, type Answer } from "./runtime";
import { agentDropped, registerBody, seedCall } from "./scenario";

const unhandled: string[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
console.log = () => undefined;
console.error = () => undefined;

const isStateRead = (r: LoggedRequest) => r.host === "sync.twilio.com" && r.method === "GET";
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function main(which: string): Promise<void> {
  installRuntime();
  const fake = await new FakeTwilio().start();
  const context = contextFor(fake.url);
  const call = seedCall(fake);
  await callHandler(registerWorker, context, registerBody(call));
  let answer: Promise<Answer>;
  // The state read fails at once (400: not retried) while the other fact is held.
  fake.failNext(isStateRead, 400, 20001);
  fake.hold();
  if (which === "conference") {
    answer = callHandler(conferenceStatus, context, agentDropped(call));
  } else {
    const attributes = {
      disconnectedConferenceSid: call.conferenceSid,
      disconnectedTaskSid: call.taskSid,
      disconnectedReservationSid: call.agent.reservationSid,
      isReconnect: true,
    };
    const event = {
      specversion: "1.0",
      type: TaskRouterEventType.taskQueueEntered,
      source: "/v1/Workspaces/WS/Tasks",
      id: `EZ${"1".repeat(32)}`,
      time: "2026-11-25T17:00:01.000Z",
      data: {
        payload: {
          task_sid: fake.sid("WT"),
          task_attributes: JSON.stringify(attributes),
          workflow_sid: CALL_WORKFLOW_SID,
        },
      },
    };
    answer = callHandler(taskEvents, context, { 0: event, request: { headers: {}, cookies: {} } });
  }
  await fake.waitForPending(2);
  const failedFirst = fake.releaseWhere(isStateRead).length;
  await settle();
  fake.release(true);
  const { statusCode } = await answer;
  await settle();
  await fake.stop();
  process.stdout.write(`${JSON.stringify({ statusCode, failedFirst, unhandled })}\n`);
}

void main(process.argv[2] ?? "conference");
