// beforeCompleteTask: the dropped task cannot be wrapped up while its recovery is under way
// (unless the dialog let the agent continue).
import { Actions } from "@twilio/flex-ui";
import type { RecoveryController } from "../../recovery/controller";
import type { FlexTaskLike } from "../../flex/views";

export const actionEvent = "before";
export const actionName = "CompleteTask";

export function actionHook(controller: RecoveryController, onBlocked: () => void): void {
  Actions.addListener(
    `${actionEvent}${actionName}`,
    function holdWrapUpDuringRecovery(payload: { task?: FlexTaskLike; sid?: string }, abort: () => void) {
      const sid = payload.task?.sid ?? payload.sid;
      if (sid && !controller.canComplete(sid)) {
        onBlocked();
        abort();
      }
    },
  );
}
