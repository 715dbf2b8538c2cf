// pluginsLoaded: reservations created while the page reloaded are not re-emitted; scan them.
import type { RecoveryController } from "../../recovery/controller";
import type { FlexManagerLike } from "../../flex/FlexRecoveryPort";

export const eventName = "pluginsLoaded";

export function eventHook(manager: FlexManagerLike, controller: RecoveryController): void {
  manager.events.addListener(eventName, function scanReservationsAfterLoad() {
    controller.start();
  });
}
