// Flex calls `init` once per page load. Everything here is wiring: the behaviour is the controller's.
import React from "react";
import * as Flex from "@twilio/flex-ui";
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";
import { getSettings, isConfigured } from "./config";
import { RecoveryController } from "./recovery/controller";
import { StringTemplates } from "./recovery/strings";
import { RecoveryFunctionsService } from "./services/RecoveryFunctionsService";
import { FlexRecoveryPort, type FlexManagerLike } from "./flex/FlexRecoveryPort";
import { loadChunk } from "./lazy/chunks";
import type { StateWatcher } from "./sync/stateWatcher";
import { createDialogStore } from "./custom-components/RecoveryDialog/dialogStore";
import { RecoveryDialogHost } from "./custom-components/RecoveryDialog/RecoveryDialogHost";
import type { RecoveryDialogChunk } from "./custom-components/RecoveryDialog/RecoveryDialogProps";
import * as AcceptTask from "./flex-hooks/actions/AcceptTask";
import * as HangupCall from "./flex-hooks/actions/HangupCall";
import * as TransferTask from "./flex-hooks/actions/TransferTask";
import * as CompleteTask from "./flex-hooks/actions/CompleteTask";
import * as PluginsLoaded from "./flex-hooks/events/pluginsLoaded";
import { stringHook } from "./flex-hooks/strings";
import { startSupervisorView } from "./supervisor/start";
import type { RecoveriesViewChunk } from "./supervisor/types";
import { registerNotifications } from "./flex-hooks/notifications";

/** What the running plugin exposes (for the adapter test and debugging in the console). */
export interface RunningPlugin {
  controller: RecoveryController;
  port: FlexRecoveryPort;
}

export class FlexCallRecoveryPlugin {
  readonly name = PLUGIN_NAME;
  running: RunningPlugin | null = null;

  async init(flex: typeof Flex, manager: FlexManagerLike): Promise<void> {
    this.running = startRecovery(flex, manager);
    // Supervisors only: the view's chunk is not even fetched for anyone else.
    const settings = getSettings(manager.serviceConfiguration);
    if (isConfigured(settings)) {
      const load = () => loadChunk<RecoveriesViewChunk>("supervisor");
      void startSupervisorView(flex, manager, `https://${settings.serverlessDomain}`, load);
    }
  }
}

/** Replaceable loaders (the adapter test has no bundle URL to fetch chunks from). */
export interface StartOptions {
  loadStateWatcher?: () => Promise<Pick<StateWatcher, "watch">>;
}

export function startRecovery(
  flex: Pick<typeof Flex, "RootContainer">,
  manager: FlexManagerLike,
  options: StartOptions = {},
): RunningPlugin | null {
  const settings = getSettings(manager.serviceConfiguration);
  if (!isConfigured(settings)) {
    console.error(`[flex-call-recovery] ui_attributes has no serverlessDomain: call recovery is off`);
    return null;
  }
  stringHook(manager.strings);
  registerNotifications();
  const functions = new RecoveryFunctionsService({
    baseUrl: `https://${settings.serverlessDomain}`,
    getToken: () => manager.user.token,
  });
  const dialog = createDialogStore();
  let watcher: Promise<StateWatcher> | null = null;
  const port = new FlexRecoveryPort({
    manager,
    settings,
    functions,
    setDialog: dialog.set,
    loadStateWatcher:
      options.loadStateWatcher ??
      (() => {
        watcher ??= loadChunk<typeof import("./sync/stateWatcher")>("sync").then((chunk) =>
          chunk.createStateWatcher(() => functions.syncToken().then((answer) => answer.token)),
        );
        watcher.catch(() => (watcher = null));
        return watcher;
      }),
  });
  const controller = new RecoveryController(port);
  port.connect(controller);
  AcceptTask.actionHook(controller);
  HangupCall.actionHook(controller);
  TransferTask.actionHook(controller);
  CompleteTask.actionHook(controller, () =>
    port.notify({ template: StringTemplates.WrapUpBlocked, kind: "warning", params: {} }),
  );
  PluginsLoaded.eventHook(manager, controller);
  flex.RootContainer.Content.add(
    <RecoveryDialogHost
      key="flex-call-recovery-dialog"
      store={dialog}
      translate={port.translate}
      loadDialog={() => loadChunk<RecoveryDialogChunk>("dialog")}
      onContinue={() => controller.continueWithoutRecovery()}
    />,
  );
  port.log.info(`started for ${port.workerSid}; functions at ${settings.serverlessDomain}`);
  return { controller, port };
}
