import http from "http";
import type { AddressInfo } from "net";
import Ajv from "ajv";
import { validateRequest, validateRequestWithBody } from "twilio/lib/webhooks/webhooks";
import { TASK_EVENT_SUBSCRIPTION_TYPES, TaskRouterEventType } from "@flex-call-recovery/vocabulary";
import { ManualClock } from "../../src/clock";
import { Twin } from "../../src/twin";
import { EventStreamsDelivery, type EventSinkTarget } from "../../src/events/delivery";
import { FaultInjector } from "../../src/faults";
import type { TaskRouterEvent } from "../../src/taskrouter/routing/events";
import { connectionOverrides, VOICE_CALLBACK_DEFAULTS, WebhookDispatcher } from "../../src/events/webhooks";
import { startReceiver, type Receiver } from "../../testing";

const ACCOUNT = "AC" + "1".repeat(32);
const TOKEN = "t".repeat(32);

// CloudEvents 1.0 required context attributes, plus what Event Streams sends.
const cloudEventSchema = {
  type: "array",
  minItems: 1,
  items: {
    type: "object",
    required: ["specversion", "type", "source", "id", "dataschema", "data"],
    properties: {
      specversion: { const: "1.0" },
      type: { type: "string", pattern: "^com\\.twilio\\.taskrouter\\." },
      source: { type: "string", minLength: 1 },
      id: { type: "string", minLength: 1 },
      dataschema: { type: "string", format: "uri" },
      time: { type: "string" },
      data: {
        type: "object",
        required: ["payload"],
        properties: {
          payload: {
            type: "object",
            required: ["eventtype", "task_sid", "task_attributes", "workflow_sid", "task_assignment_status"],
          },
        },
      },
    },
  },
};

let n = 0;
let workspaceSid = "WS1";
function event(name: TaskRouterEvent["name"], payload: Record<string, unknown> = {}): TaskRouterEvent {
  n++;
  return {
    id: `EV${String(n).padStart(32, "0")}`,
    name,
    accountSid: ACCOUNT,
    workspaceSid,
    resourceSid: "WT1",
    timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, n)),
    payload: {
      eventtype: name,
      task_sid: "WT1",
      task_attributes: "{}",
      workflow_sid: "WW1",
      task_assignment_status: "pending",
      ...payload,
    },
  };
}

describe("Event Streams delivery", () => {
  let receiver: Receiver;
  let clock: ManualClock;
  let dispatcher: WebhookDispatcher;
  let sink: EventSinkTarget;
  let twin: Twin;
  let delivery: EventStreamsDelivery;
  const faults = new FaultInjector();

  beforeEach(async () => {
    receiver = await startReceiver();
    clock = new ManualClock();
    faults.reset();
    dispatcher = new WebhookDispatcher({ clock, authTokenFor: () => TOKEN, faults, retryBaseMs: 1000 });
    sink = {
      sinkSid: "DG1",
      destination: `${receiver.baseUrl}/task-event-handler`,
      method: "POST",
      batchEvents: true,
      types: new Set(TASK_EVENT_SUBSCRIPTION_TYPES),
    };
    // The account's store holds the workspace (and its EventCallbackUrl); the sink is registered directly.
    twin = new Twin({ clock, accountSid: ACCOUNT, authToken: TOKEN, validateAgainstSpec: false });
    workspaceSid = twin.store.taskrouter.createWorkspace({ friendlyName: "Flex Task Assignment" }).sid;
    delivery = new EventStreamsDelivery(dispatcher, (sid) => twin.account(sid));
    delivery.sinks.add(ACCOUNT, sink);
  });

  afterEach(async () => {
    delivery.dispose();
    dispatcher.dispose();
    await twin.stop();
    await dispatcher.idle();
    await receiver.close();
  });

  it("sends subscribed types as one signed batch of valid CloudEvents", async () => {
    delivery.publish(event("task.created"));
    delivery.publish(event("task-queue.entered", { task_queue_name: "Everyone" }));
    delivery.publish(event("reservation.accepted", { reservation_sid: "WR1", worker_sid: "WK1" }));
    delivery.publish(event("task.canceled", { task_canceled_reason: "Task TTL Exceeded" }));
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.path).toMatch(/\?bodySHA256=[0-9a-f]{64}$/);
    const signature = String(request.headers["x-twilio-signature"]);
    expect(validateRequestWithBody(TOKEN, signature, request.url, request.body)).toBe(true);
    expect(validateRequestWithBody("x".repeat(32), signature, request.url, request.body)).toBe(false);
    expect(validateRequestWithBody(TOKEN, signature, request.url, request.body + " ")).toBe(false);
    const body = JSON.parse(request.body);
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(cloudEventSchema);
    expect(validate(body)).toBe(true);
    // task.created is not subscribed by the handler's sink.
    expect(body.map((e: { type: string }) => e.type)).toEqual([
      TaskRouterEventType.taskQueueEntered,
      TaskRouterEventType.reservationAccepted,
      TaskRouterEventType.taskCanceled,
    ]);
    expect(body[1].source).toBe(`/v1/Workspaces/${workspaceSid}/Tasks/WT1/Reservations/WR1`);
    // The envelope of Twilio's Event Streams examples.
    expect(body[1]).toMatchObject({
      dataschema: "https://events-schemas.twilio.com/TaskRouter.WDSEvent/1",
      data: { name: "ReservationAccepted", group: "reservation", product_name: "TaskRouter", level: "INFO" },
    });
    expect(body[0].data.name).toBe("TaskQueueEntered");
    expect(body[2].data.payload.task_canceled_reason).toBe("Task TTL Exceeded");
  });

  it("names the subscribed schema version in dataschema", async () => {
    delivery.sinks.add(ACCOUNT, { ...sink, schemaVersions: new Map([[TaskRouterEventType.taskCanceled, 2]]) });
    delivery.publish(event("task.canceled"));
    delivery.flush();
    await dispatcher.idle();
    expect(JSON.parse(receiver.requests[0].body)[0].dataschema).toBe(
      "https://events-schemas.twilio.com/TaskRouter.WDSEvent/2",
    );
  });

  it("sends one event per request to a sink without batching", async () => {
    delivery.sinks.add(ACCOUNT, { ...sink, batchEvents: false });
    delivery.publish(event("task-queue.entered"));
    delivery.publish(event("task.canceled"));
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests.map((r) => JSON.parse(r.body).length)).toEqual([1, 1]);
  });

  it("retries until the sink answers 2xx (at least once), keeping the event id", async () => {
    let calls = 0;
    receiver.answer(() => ({ status: ++calls < 3 ? 500 : 200 }));
    delivery.publish(event("task.canceled"));
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(1);
    clock.advance(1000);
    await dispatcher.idle();
    clock.advance(2000);
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(3);
    const ids = receiver.requests.map((r) => JSON.parse(r.body)[0].id);
    expect(new Set(ids).size).toBe(1);
    clock.advance(60_000);
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(3);
  });

  it("sends one idempotency token for every attempt of a delivery and another for the next delivery", async () => {
    let calls = 0;
    receiver.answer(() => ({ status: ++calls === 1 ? 500 : 200 }));
    const body = { kind: "form" as const, params: { A: "1" } };
    const send = (path: string) =>
      dispatcher.send(ACCOUNT, {
        url: `${receiver.baseUrl}${path}`,
        purpose: "event-sink",
        retry: "at-least-once",
        body,
      });
    send("/first");
    await dispatcher.idle();
    // Another delivery starts before the first one's retry.
    send("/second");
    await dispatcher.idle();
    clock.advance(1000);
    await dispatcher.idle();
    // Receivers drop a retry they already handled by this header.
    const tokens = (path: string) =>
      receiver.requests.filter((r) => r.path === path).map((r) => r.headers["i-twilio-idempotency-token"]);
    expect(tokens("/first")).toHaveLength(2);
    expect(new Set(tokens("/first")).size).toBe(1);
    expect(tokens("/second")).toHaveLength(1);
    expect(tokens("/second")[0]).not.toBe(tokens("/first")[0]);
  });

  it("retries a voice callback once on a connection failure by default (rc=1, rp=ct,rt), never on an HTTP error", async () => {
    receiver.answer({ status: 500 });
    const body = { kind: "form" as const, params: { A: "1" } };
    dispatcher.send(ACCOUNT, { url: `${receiver.baseUrl}/plain`, purpose: "conference-status", retry: "voice", body });
    // Nothing listens on port 1: a connection failure (ct), retried once.
    dispatcher.send(ACCOUNT, { url: "http://127.0.0.1:1/refused", purpose: "conference-status", retry: "voice", body });
    await dispatcher.idle();
    expect(receiver.requests.filter((r) => r.path === "/plain")).toHaveLength(1);
    const refused = dispatcher.attempts().filter((a) => a.url.endsWith("/refused"));
    expect(refused.map((a) => [a.attempt, a.status])).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  it("sends at most `concurrency` requests at once, in order, each timeout starting when it is sent", async () => {
    // A receiver that answers after 40 ms and counts the requests it holds at once.
    let open = 0;
    let most = 0;
    const order: string[] = [];
    const slow = http.createServer((req, res) => {
      open++;
      most = Math.max(most, open);
      order.push(req.url ?? "");
      req.resume();
      setTimeout(() => {
        open--;
        res.end("ok");
      }, 40);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    // 12 × 40 ms one after the other is longer than the 300 ms timeout: none may time out.
    const paced = new WebhookDispatcher({ clock, authTokenFor: () => TOKEN, timeoutMs: 300 });
    paced.concurrency = 1;
    try {
      const body = { kind: "form" as const, params: { A: "1" } };
      for (let i = 0; i < 12; i++) paced.send(ACCOUNT, { url: `${base}/n${i}`, purpose: "conference-status", body });
      await paced.idle();
      expect(most).toBe(1);
      expect(order).toEqual(Array.from({ length: 12 }, (_, i) => `/n${i}`));
      expect(paced.attempts().map((a) => a.status)).toEqual(new Array(12).fill(200));
    } finally {
      paced.dispose();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it("follows the URL's connection overrides (#rc, #rp) and signs the URL without the fragment", async () => {
    receiver.answer({ status: 500 });
    const body = { kind: "form" as const, params: { A: "1" } };
    dispatcher.send(ACCOUNT, {
      url: `${receiver.baseUrl}/asked#rc=2&rp=ct,rt,5xx`,
      purpose: "conference-status",
      retry: "voice",
      body,
    });
    dispatcher.send(ACCOUNT, {
      url: `${receiver.baseUrl}/only4xx#rc=3&rp=4xx`,
      purpose: "conference-status",
      retry: "voice",
      body,
    });
    await dispatcher.idle();
    const asked = receiver.requests.filter((r) => r.path === "/asked");
    expect(asked).toHaveLength(3);
    expect(receiver.requests.filter((r) => r.path === "/only4xx")).toHaveLength(1);
    expect(
      validateRequest(TOKEN, String(asked[0].headers["x-twilio-signature"]), `${receiver.baseUrl}/asked`, { A: "1" }),
    ).toBe(true);
  });

  it("reads rc, rp and tt from the fragment, with Twilio's defaults when absent", () => {
    expect(connectionOverrides("https://x/y#tt=0").overrides.totalMs).toBe(0);
    expect(connectionOverrides("https://x/y").overrides).toEqual(VOICE_CALLBACK_DEFAULTS);
    expect(connectionOverrides("https://x/y#rc=9&rp=all").overrides.retries).toBe(5);
  });

  it("duplicates deliveries when the duplicate fault fires", async () => {
    faults.configure({ seed: 9, duplicateWebhookRate: 1 });
    delivery.publish(event("task.canceled"));
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0].body).toBe(receiver.requests[1].body);
    expect(faults.counters.duplicatedWebhooks).toBe(1);
  });

  it("reorders deliveries when the reorder fault fires", async () => {
    faults.configure({ seed: 9, reorderWebhookRate: 1 });
    delivery.sinks.add(ACCOUNT, { ...sink, batchEvents: false });
    const first = event("task-queue.entered");
    const second = event("reservation.accepted");
    delivery.publish(first);
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(0);
    // The second overtakes the held first; both arrive, second first.
    faults.configure({ reorderWebhookRate: 0 });
    delivery.publish(second);
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests.map((r) => JSON.parse(r.body)[0].id)).toEqual([second.id, first.id]);
  });

  it("releases a held delivery after the hold time when nothing overtakes it", async () => {
    faults.configure({ seed: 9, reorderWebhookRate: 1 });
    delivery.publish(event("task.canceled"));
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(0);
    clock.advance(200);
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(1);
  });

  it("posts every event, form-encoded and signed, to the workspace EventCallbackUrl", async () => {
    delivery.sinks.clear();
    const tr = twin.store.taskrouter;
    tr.updateWorkspace(workspaceSid, { eventCallbackUrl: `${receiver.baseUrl}/workspace-events` });
    delivery.publish(event("task.created", { task_queue_sid: "WQ1" }));
    tr.updateWorkspace(workspaceSid, { eventsFilter: "task.canceled" });
    delivery.publish(event("task.created"));
    delivery.flush();
    await dispatcher.idle();
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const params = Object.fromEntries(new URLSearchParams(request.body));
    expect(params).toMatchObject({
      EventType: "task.created",
      TaskSid: "WT1",
      TaskQueueSid: "WQ1",
      AccountSid: ACCOUNT,
    });
    expect(validateRequest(TOKEN, String(request.headers["x-twilio-signature"]), request.url, params)).toBe(true);
  });
});
