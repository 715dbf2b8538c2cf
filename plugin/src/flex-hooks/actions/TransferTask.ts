// beforeTransferTask: a cold transfer hands the customer on; this agent's leave is graceful.
import { Actions } from "@twilio/flex-ui";
import type { RecoveryController } from "../../recovery/controller";
import type { FlexTaskLike } from "../../flex/views";

export const actionEvent = "before";
export const actionName = "TransferTask";

interface TransferTaskPayload {
  task?: FlexTaskLike;
  options?: { mode?: string };
}

export function actionHook(controller: RecoveryController): void {
  Actions.addListener(
    `${actionEvent}${actionName}`,
    async function unregisterOnColdTransfer(payload: TransferTaskPayload) {
      if (payload.task) await controller.beforeTransfer(payload.task.sid, payload.options?.mode ?? "");
    },
  );
}
