// beforeAcceptTask: call tasks get the conference status callback of our functions, and the
// agent's leg does not end the conference when it drops (endConferenceOnCustomerExit stays Flex's).
import { Actions } from "@twilio/flex-ui";
import type { RecoveryController } from "../../recovery/controller";
import { viewOfTask, type FlexTaskLike } from "../../flex/views";

export const actionEvent = "before";
export const actionName = "AcceptTask";

interface AcceptTaskPayload {
  task?: FlexTaskLike;
  conferenceOptions?: Record<string, unknown>;
}

export function actionHook(controller: RecoveryController): void {
  Actions.addListener(`${actionEvent}${actionName}`, function addConferenceStatusCallback(payload: AcceptTaskPayload) {
    if (!payload.task) return;
    const options = controller.conferenceOptions(viewOfTask(payload.task));
    if (!options) return;
    payload.conferenceOptions = { ...payload.conferenceOptions, ...options };
  });
}
