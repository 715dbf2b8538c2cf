/**
 * The Flex adapter against the real @twilio/flex-ui (its Actions framework, Notifications and
 * plugin wiring), with a stand-in Manager: no Twilio account, no TaskRouter connection.
 * @jest-environment jsdom
 */
import React from "react";
import ReactDOM from "react-dom";
import { act } from "react-dom/test-utils";
import { Actions, Notifications } from "@twilio/flex-ui";
import {
  CONFERENCE_STATUS_CALLBACK_OVERRIDES,
  FOLLOWED_BY_RECONNECT,
  FunctionRoute,
  PLUGIN_SETTINGS_KEY,
  RecoveryStatus,
  type ConferenceState,
  TaskAttribute,
  TaskChannel,
} from "@flex-call-recovery/vocabulary";
import { startRecovery, type RunningPlugin } from "../FlexCallRecoveryPlugin";
import { StringTemplates } from "../recovery/strings";
import type { StateListener } from "../recovery/types";
import type { FlexManagerLike } from "./FlexRecoveryPort";
import type { FlexTaskLike, TrReservation } from "./views";
import { conferenceState } from "../../testing";

const ME = "WK00000000000000000000000000000001";

/** A minimal event emitter like the ones TaskRouter and Flex objects are. */
function emitter() {
  const listeners = new Map<string, (() => void)[]>();
  return {
    on(event: string, listener: (...args: never[]) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as () => void]);
    },
    emit(event: string, ...args: unknown[]) {
      for (const l of listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
    },
  };
}

function trReservation(
  sid: string,
  status: TrReservation["status"],
  channel: string,
  attributes: Record<string, unknown>,
) {
  const events = emitter();
  const taskEvents = emitter();
  const reservation = {
    sid,
    status,
    task: {
      sid: `WT${sid.slice(2)}`,
      taskChannelUniqueName: channel,
      workflowSid: "WWvoice",
      attributes,
      transfers: { incoming: null },
      on: taskEvents.on,
    },
    on: events.on,
    accept: jest.fn(async () => undefined),
    complete: jest.fn(async () => undefined),
    emit: events.emit,
    emitTask: taskEvents.emit,
  };
  return reservation;
}

interface Setup {
  running: RunningPlugin;
  manager: FlexManagerLike;
  worker: ReturnType<typeof emitter> & { reservations: Map<string, TrReservation> };
  flexEvents: ReturnType<typeof emitter>;
  setTasks(tasks: FlexTaskLike[]): void;
  rootChildren: React.ReactElement[];
  watched: string[];
  stateListeners: StateListener[];
  posts: { url: string; body: Record<string, unknown> }[];
  actions: { name: string; payload: Record<string, unknown> }[];
}

const ACTIONS = ["AcceptTask", "SelectTask", "HangupCall", "TransferTask", "CompleteTask"];

function setup(): Setup {
  const posts: Setup["posts"] = [];
  globalThis.fetch = jest.fn(async (url: string, init: { body: string }) => {
    posts.push({ url, body: JSON.parse(init.body) });
    return { ok: true, status: 200, statusText: "OK", text: async () => '{"success":true}' };
  }) as unknown as typeof fetch;
  // Flex's own implementations need a live TaskRouter session: replace them, keep the listener plumbing.
  const actions: Setup["actions"] = [];
  for (const name of ACTIONS) {
    Actions.replaceAction(name, async (payload: Record<string, unknown>) => {
      actions.push({ name, payload });
    });
  }
  const worker = Object.assign(emitter(), {
    sid: ME,
    name: "alice",
    attributes: { full_name: "Alice Example" },
    reservations: new Map<string, TrReservation>(),
  });
  const storeListeners: (() => void)[] = [];
  let state = { flex: { worker: { tasks: new Map<string, FlexTaskLike>() } } };
  const flexEvents = emitter();
  const manager: FlexManagerLike = {
    workerClient: worker,
    store: {
      getState: () => state,
      subscribe: (listener) => {
        storeListeners.push(listener);
        return () => undefined;
      },
    },
    serviceConfiguration: { ui_attributes: { [PLUGIN_SETTINGS_KEY]: { serverlessDomain: "fcr-1234-dev.twil.io" } } },
    strings: { [StringTemplates.Continue]: "Weiter" },
    user: { token: "flex-token" },
    events: { addListener: (event, listener) => flexEvents.on(event, listener) },
  };
  const rootChildren: React.ReactElement[] = [];
  const watched: string[] = [];
  const stateListeners: StateListener[] = [];
  const running = startRecovery(
    { RootContainer: { Content: { add: (c: React.ReactElement) => rootChildren.push(c) } } } as never,
    manager,
    {
      loadStateWatcher: async () => ({
        watch: async (conferenceSid, listener) => {
          watched.push(conferenceSid);
          stateListeners.push(listener);
          return () => undefined;
        },
      }),
    },
  );
  if (!running) throw new Error("plugin did not start");
  return {
    running,
    manager,
    worker,
    flexEvents,
    rootChildren,
    watched,
    stateListeners,
    posts,
    actions,
    setTasks(tasks) {
      state = { flex: { worker: { tasks: new Map(tasks.map((t) => [t.sid, t])) } } };
      storeListeners.forEach((l) => l());
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe("Flex adapter with the real @twilio/flex-ui", () => {
  let s: Setup;
  beforeAll(() => {
    jest.spyOn(console, "info").mockImplementation(() => undefined);
    // Expected errors (the dialog chunk cannot be fetched under jest) are asserted, not printed.
    jest.spyOn(console, "error").mockImplementation(() => undefined);
    // One plugin start per suite, as in Flex (listeners on Actions are global).
    s = setup();
  });

  it("registers its notifications with Flex", () => {
    expect(Notifications.registeredNotifications.get(StringTemplates.ReconnectedFromOtherAgent)?.content).toBe(
      StringTemplates.ReconnectedFromOtherAgent,
    );
  });

  it("adds its strings without overriding the centre's, and mounts the dialog host", () => {
    const strings = s.manager.strings as Record<string, string>;
    expect(strings[StringTemplates.Reconnecting]).toBe("Disconnected from customer — reconnecting you…");
    expect(strings[StringTemplates.Continue]).toBe("Weiter");
    expect(s.rootChildren).toHaveLength(1);
  });

  it("beforeAcceptTask adds the status callback and keeps the conference up when the first agent's leg drops", async () => {
    // No options from the caller: Flex's own preprocessing (updateAcceptTaskPayload) sets
    // endConferenceOnExit=true for the first agent before our listener runs; a drop before
    // register-worker lands would then end the customer's call.
    const payload = { task: voiceTask("WRcall", "pending") };
    await Actions.invokeAction("AcceptTask", payload);
    const accepted = s.actions.find((a) => a.name === "AcceptTask");
    expect(accepted?.payload.conferenceOptions).toEqual(
      expect.objectContaining({
        endConferenceOnExit: false,
        endConferenceOnCustomerExit: true,
        conferenceStatusCallback: `https://fcr-1234-dev.twil.io${FunctionRoute.conferenceStatusHandler}${CONFERENCE_STATUS_CALLBACK_OVERRIDES}`,
        conferenceStatusCallbackMethod: "POST",
        conferenceStatusCallbackEvent: "end,leave,modify",
      }),
    );
  });

  it("registers the worker leg from Flex's conference state, and ends the conference on hangup", async () => {
    s.posts.length = 0;
    const reservation = trReservation("WRcall", "accepted", TaskChannel.voice, {});
    s.worker.reservations.set(reservation.sid, reservation);
    s.worker.emit("reservationCreated", reservation);
    const task = voiceTask("WRcall", "accepted", {
      conferenceSid: "CFnew",
      participants: [
        { callSid: "CAold", participantType: "worker", status: "left", isMyself: true },
        { callSid: "CAme", participantType: "worker", status: "joined", isMyself: true },
        { callSid: "CAcust", participantType: "customer", status: "joined", isMyself: false },
      ],
    });
    s.setTasks([task]);
    s.setTasks([task]); // store churn without a conference change: no second registration
    await settle();
    expect(s.posts).toEqual([
      {
        url: `https://fcr-1234-dev.twil.io${FunctionRoute.registerWorker}`,
        body: expect.objectContaining({
          conferenceSid: "CFnew",
          workerSid: ME,
          workerName: "Alice Example",
          workerCallSid: "CAme",
          customerCallSid: "CAcust",
          Token: "flex-token",
        }),
      },
    ]);
    await Actions.invokeAction("HangupCall", { task });
    expect(s.posts.slice(1).map((p) => p.url.replace("https://fcr-1234-dev.twil.io", ""))).toEqual([
      FunctionRoute.endConference,
    ]);
    expect(s.actions.some((a) => a.name === "HangupCall")).toBe(true); // Flex went on with the hangup
  });

  it("beforeTransferTask: a cold transfer unregisters the leg, a warm one does not", async () => {
    const reservation = trReservation("WRtransfer", "accepted", TaskChannel.voice, {});
    s.worker.reservations.set(reservation.sid, reservation);
    s.worker.emit("reservationCreated", reservation);
    const task = voiceTask("WRtransfer", "accepted", {
      conferenceSid: "CFtransfer",
      participants: [
        { callSid: "CAme2", participantType: "worker", status: "joined", isMyself: true },
        { callSid: "CAcust2", participantType: "customer", status: "joined", isMyself: false },
      ],
    });
    s.setTasks([task]);
    await settle();
    s.posts.length = 0;
    await Actions.invokeAction("TransferTask", { task, targetSid: "WKbob", options: { mode: "WARM" } });
    expect(s.posts).toEqual([]);
    await Actions.invokeAction("TransferTask", { task, targetSid: "WKbob", options: { mode: "COLD" } });
    expect(s.posts.map((p) => [p.url.replace("https://fcr-1234-dev.twil.io", ""), p.body.workerCallSid])).toEqual([
      [FunctionRoute.unregisterWorker, "CAme2"],
    ]);
  });

  it("a task marked while the page is open (TaskRouter 'updated') opens the dialog", async () => {
    const attributes: Record<string, unknown> = { [TaskAttribute.conference]: { sid: "CFblip" } };
    const reservation = trReservation("WRblip", "wrapping", TaskChannel.voice, attributes);
    s.worker.reservations.set(reservation.sid, reservation);
    s.worker.emit("reservationCreated", reservation);
    expect(s.running.controller.dialog).toBeNull();
    attributes[TaskAttribute.conversations] = { [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT };
    reservation.emitTask("updated");
    expect(s.running.controller.dialog).toMatchObject({ reservationSid: "WRblip" });
    // Out of the way for the next scenario: its recovery ends with the reservation.
    (reservation as { status: string }).status = "completed";
    reservation.emit("completed");
    expect(s.running.controller.dialog).toBeNull();
  });

  it("after a reload: dialog from the scanned wrapping task, wrap-up held, ping accepted through Flex", async () => {
    const dropped = trReservation("WRdropped", "wrapping", TaskChannel.voice, {
      [TaskAttribute.conference]: { sid: "CFold" },
      [TaskAttribute.conversations]: { [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT },
    });
    s.worker.reservations.set(dropped.sid, dropped);
    const container = document.createElement("div");
    document.body.appendChild(container);
    act(() => {
      ReactDOM.render(s.rootChildren[0], container);
    });
    await act(async () => {
      s.flexEvents.emit("pluginsLoaded");
      await settle();
    });
    expect(s.running.controller.dialog).toMatchObject({ reservationSid: "WRdropped", canContinue: false });
    expect(s.watched).toContain("CFold");
    // The dialog is part of the main bundle: it shows at once, with nothing to fetch.
    expect(container.querySelector('[role="dialog"]')?.textContent).toContain(
      "Disconnected from customer — reconnecting you…",
    );

    const completes = s.actions.filter((a) => a.name === "CompleteTask").length;
    await expect(Actions.invokeAction("CompleteTask", { task: voiceTask("WRdropped", "wrapping") })).rejects.toThrow(
      /cancelled/,
    );
    expect(s.actions.filter((a) => a.name === "CompleteTask")).toHaveLength(completes); // aborted
    expect(Notifications.activeNotifications.map((n) => n.id)).toContain(StringTemplates.WrapUpBlocked);

    const ping = trReservation("WRping", "pending", TaskChannel.default, {
      [TaskAttribute.disconnectedReservationSid]: "WRdropped",
      [TaskAttribute.disconnectedWorkerSid]: ME,
      [TaskAttribute.disconnectedConferenceSid]: "CFold",
      [TaskAttribute.recoveryAttemptFailed]: false,
    });
    s.worker.reservations.set(ping.sid, ping);
    s.worker.emit("reservationCreated", ping);
    await settle();
    // This stand-in store has no Flex task for the ping, so Flex's AcceptTask cannot resolve it and
    // rejects; the adapter then accepts the (media-less) ping through TaskRouter directly.
    expect(s.actions.filter((a) => a.name === "AcceptTask").map((a) => a.payload.sid)).not.toContain("WRping");
    expect(ping.accept).toHaveBeenCalledTimes(1);

    // The live state says the customer went to another agent; the dropped reservation then
    // completes and TaskRouter's event closes the dialog.
    await act(async () => {
      s.stateListeners.forEach((l) => l(requeuedState()));
      await settle();
    });
    expect(container.textContent).toContain("The customer is being connected to another agent.");
    (dropped as { status: string }).status = "completed";
    await act(async () => {
      dropped.emit("completed");
      await settle();
    });
    expect(s.running.controller.dialog).toBeNull();
    expect(container.textContent).toBe("");
    ReactDOM.unmountComponentAtNode(container);
  });
});

function requeuedState(): ConferenceState {
  return conferenceState({
    status: RecoveryStatus.requeued,
    updatedTime: "2026-01-01T12:00:20Z",
    conferenceSid: "CFold",
    customerCallSid: "CAcust",
    droppedWorkerSid: ME,
    droppedCallSid: "CAme",
    droppedReservationSid: "WRdropped",
    recovery: { reconnectTaskSid: "WTreconnect" },
  });
}

function voiceTask(sid: string, status: string, conference?: FlexTaskLike["conference"]): FlexTaskLike {
  return {
    sid,
    taskSid: `WT${sid.slice(2)}`,
    status,
    taskChannelUniqueName: TaskChannel.voice,
    workflowSid: "WWvoice",
    attributes: {},
    incomingTransferObject: null,
    conference,
  };
}
