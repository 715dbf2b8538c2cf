// beforeHangupCall: unregister the leg (and end a two-party conference) before Flex drops it, so
// the functions see a graceful leave, not a drop.
import { Actions } from "@twilio/flex-ui";
import type { RecoveryController } from "../../recovery/controller";
import type { FlexTaskLike } from "../../flex/views";

export const actionEvent = "before";
export const actionName = "HangupCall";

export function actionHook(controller: RecoveryController): void {
  Actions.addListener(
    `${actionEvent}${actionName}`,
    async function unregisterOnHangup(payload: { task?: FlexTaskLike }) {
      if (payload.task) await controller.beforeHangup(payload.task.sid);
    },
  );
}
