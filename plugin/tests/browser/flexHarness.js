/* global window, document, fetch, React, ReactDOM */
// A page that plays Flex for the built plugin bundle: it provides the globals Flex provides
// (React, ReactDOM, Redux, ReactRedux from their UMD builds; Twilio.Flex below) and a scripted
// TaskRouter worker the test drives through `window.harness`. Only what the plugin touches exists.
(function () {
  "use strict";

  function emitter() {
    const listeners = {};
    return {
      on(event, fn) {
        (listeners[event] = listeners[event] || []).push(fn);
      },
      addListener(event, fn) {
        this.on(event, fn);
      },
      emit(event, ...args) {
        (listeners[event] || []).slice().forEach((fn) => fn(...args));
      },
    };
  }

  const record = { actions: [], notifications: [], dialogs: [], pluginErrors: [] };

  // --- TaskRouter worker ------------------------------------------------------------------
  const worker = Object.assign(emitter(), {
    sid: "WK00000000000000000000000000000001",
    name: "alice",
    attributes: { full_name: "Alice Example" },
    reservations: new Map(),
  });

  function makeReservation(sid, status, channel, attributes) {
    const events = emitter();
    const taskEvents = emitter();
    const reservation = Object.assign(events, {
      sid,
      status,
      task: Object.assign(taskEvents, {
        sid: "WT" + sid.slice(2),
        taskChannelUniqueName: channel,
        workflowSid: "WW00000000000000000000000000000001",
        attributes,
        transfers: { incoming: null },
      }),
      async accept() {
        setStatus(reservation, "accepted", "accepted");
      },
      async complete() {
        setStatus(reservation, "completed", "completed");
      },
    });
    return reservation;
  }

  function setStatus(reservation, status, event) {
    reservation.status = status;
    reservation.emit(event, reservation);
  }

  // --- Redux-like store with Flex's task map ------------------------------------------------
  const storeListeners = [];
  let storeState = { flex: { worker: { tasks: new Map() } } };
  const store = {
    getState: () => storeState,
    subscribe(fn) {
      storeListeners.push(fn);
      return () => storeListeners.splice(storeListeners.indexOf(fn), 1);
    },
  };

  // --- Actions: before-listeners, then the action ------------------------------------------
  const actionListeners = {};
  const actionImpls = {
    async AcceptTask(payload) {
      const reservation = worker.reservations.get(payload.sid || (payload.task && payload.task.sid));
      if (!reservation) throw new Error("AcceptTask: unknown reservation");
      await reservation.accept();
    },
    async CompleteTask(payload) {
      const reservation = worker.reservations.get(payload.sid || (payload.task && payload.task.sid));
      await reservation.complete();
    },
    async SelectTask() {},
    async HangupCall() {},
    async TransferTask() {},
  };
  const Actions = {
    addListener(name, fn) {
      (actionListeners[name] = actionListeners[name] || []).push(fn);
    },
    async invokeAction(name, payload) {
      // Like Flex: the payload carries the task; `before` listeners may change it or abort.
      const sid = payload.sid || (payload.task && payload.task.sid);
      const reservation = worker.reservations.get(sid);
      if (reservation && !payload.task) payload.task = taskOf(reservation);
      // Flex 2.17 (updateAcceptTaskPayload) fills these for the first agent before any listener runs.
      if (name === "AcceptTask")
        payload.conferenceOptions = Object.assign(
          { endConferenceOnExit: true, endConferenceOnCustomerExit: true },
          payload.conferenceOptions,
        );
      let aborted = false;
      for (const fn of actionListeners["before" + name] || []) await fn(payload, () => (aborted = true));
      if (aborted) throw new Error("Action " + name + " cancelled by before event");
      record.actions.push({ name, sid, conferenceOptions: payload.conferenceOptions || null });
      await actionImpls[name](payload);
    },
  };

  function taskOf(reservation) {
    return {
      sid: reservation.sid,
      taskSid: reservation.task.sid,
      status: reservation.status,
      taskChannelUniqueName: reservation.task.taskChannelUniqueName,
      workflowSid: reservation.task.workflowSid,
      attributes: reservation.task.attributes,
      incomingTransferObject: null,
      conference: null,
    };
  }

  // --- Notifications, strings, root container ----------------------------------------------
  const strings = {};
  const Notifications = {
    registered: new Map(),
    registerNotification(n) {
      this.registered.set(n.id, n);
    },
    showNotification(id, context) {
      const template = strings[this.registered.get(id).content] || "";
      record.notifications.push(template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => String((context || {})[k])));
      return null;
    },
  };
  const rootChildren = [];
  function renderRoot() {
    ReactDOM.render(React.createElement(React.Fragment, null, ...rootChildren), document.getElementById("flex-root"));
  }
  const RootContainer = {
    Content: {
      add(element) {
        rootChildren.push(element);
        renderRoot();
      },
    },
  };

  const manager = {
    configuration: { sdkOptions: { flex: { environmentConfig: { region: "au1" } } } },
    workerClient: worker,
    store,
    strings,
    user: { token: "flex-token-of-alice" },
    events: emitter(),
    serviceConfiguration: {
      ui_attributes: {
        flexCallRecovery: {
          serverlessDomain: "functions.flex.test",
          autoAcceptReconnect: true,
          stallTimeoutSeconds: 60,
          reconnectedNoticeSeconds: 1,
        },
      },
    },
  };

  const Flex = {
    Actions,
    Notifications,
    NotificationType: { information: "information", success: "success", warning: "warning", error: "error" },
    RootContainer,
    Manager: { getInstance: () => manager },
    Plugins: pluginManager(),
  };
  window.Twilio = { Flex };

  // --- Flex's plugin loader -------------------------------------------------------------------
  // As `PluginManager` / `loadPlugins` in @twilio/flex-ui 2.17's bundle (bundle/twilio-flex.prod.js,
  // module "PluginManager"): every listed plugin gets a uuid and a <script uuid=…> appended to
  // document.body; without the `plugin-render-inject-src` flag the script's src is the listed URL
  // (async); with it, Flex GETs the URL with `X-Flex-JWE` (the agent's token) and `X-Flex-Version`
  // headers and puts the text inline. `Plugins.init` reads `document.currentScript.getAttribute("uuid")`
  // synchronously, then calls the plugin's `init(flex, manager)`.
  let uuidCounter = 0;
  function pluginManager() {
    const plugins = [];
    return {
      get plugins() {
        return plugins;
      },
      init(PluginClass) {
        const uuid = document.currentScript.getAttribute("uuid");
        const definition = plugins.find((p) => p.uuid === uuid);
        if (!definition) throw new Error("Plugins.init: no plugin with uuid " + uuid);
        definition.state = "Loaded";
        const plugin = new PluginClass();
        record.pluginName = plugin.name;
        definition.state = "Initialising";
        definition.initialized = Promise.resolve(plugin.init(Flex, manager)).then(
          () => (definition.state = "Initialized"),
          (error) => {
            definition.state = "Failed";
            record.pluginErrors.push(String(error));
          },
        );
      },
    };
  }
  async function loadPlugins(list, injectSrc) {
    const plugins = Flex.Plugins.plugins;
    for (const entry of list)
      plugins.push(Object.assign({ phase: 3 }, entry, { uuid: "uuid-" + ++uuidCounter, state: "NotStarted" }));
    await Promise.all(
      plugins.map(async (definition) => {
        const script = document.createElement("script");
        script.setAttribute("uuid", definition.uuid);
        if (!injectSrc) {
          await new Promise((resolve) => {
            script.src = definition.src;
            script.async = true;
            script.onload = resolve;
            script.onerror = () => {
              definition.state = "Failed";
              record.pluginErrors.push("Failed to download plugin: " + definition.name);
              resolve();
            };
            document.body.appendChild(script);
          });
          return;
        }
        try {
          script.setAttribute("type", "text/javascript");
          const response = await fetch(definition.src, {
            headers: { "X-Flex-JWE": manager.user.token, "X-Flex-Version": "2.17.1" },
          });
          if (!response.ok) throw new Error("HTTP " + response.status);
          const text = await response.text();
          if (!text)
            throw new Error("Plugin " + definition.name + " url " + definition.src + " provided no sourcecode");
          script.textContent = text;
          document.body.appendChild(script);
        } catch (error) {
          definition.state = "Failed";
          record.pluginErrors.push("Failed to download plugin: " + String(error));
        }
      }),
    );
    await Promise.all(plugins.map((p) => p.initialized));
    manager.events.emit("pluginsLoaded");
    return plugins.map((p) => ({ name: p.name, state: p.state }));
  }

  // --- What the test drives ----------------------------------------------------------------
  const stateFeeds = {};
  window.harness = {
    record,
    addReservation(sid, status, channel, attributes, emit) {
      const reservation = makeReservation(sid, status, channel, attributes);
      worker.reservations.set(sid, reservation);
      if (emit) worker.emit("reservationCreated", reservation);
    },
    setReservationStatus(sid, status, event) {
      setStatus(worker.reservations.get(sid), status, event);
    },
    status: (sid) => worker.reservations.get(sid).status,
    setConference(sid, conferenceSid, participants) {
      const task = Object.assign(taskOf(worker.reservations.get(sid)), { conference: { conferenceSid, participants } });
      storeState = { flex: { worker: { tasks: new Map([[sid, task]]) } } };
      storeListeners.slice().forEach((fn) => fn());
    },
    /** The stand-in Sync chunk subscribes here. */
    subscribeState(conferenceSid, listener) {
      const feed = (stateFeeds[conferenceSid] = stateFeeds[conferenceSid] || { state: null, listeners: [] });
      feed.listeners.push(listener);
      if (feed.state) listener(feed.state);
      return () => feed.listeners.splice(feed.listeners.indexOf(listener), 1);
    },
    pushState(conferenceSid, state) {
      const feed = (stateFeeds[conferenceSid] = stateFeeds[conferenceSid] || { state: null, listeners: [] });
      feed.state = state;
      feed.listeners.slice().forEach((fn) => fn(state));
    },
    /** What the infra would have written into ui_attributes. */
    setSettings(patch) {
      Object.assign(manager.serviceConfiguration.ui_attributes.flexCallRecovery, patch);
    },
    /** Flex's plugin loading (`loadPlugins`), given what its plugin service answered. */
    loadPlugins(definitions, injectSrc) {
      return loadPlugins(definitions, injectSrc);
    },
  };
})();
