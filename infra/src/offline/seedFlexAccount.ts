// What a Flex account has before this stack exists, created on the twin when missing: the
// "Flex Task Assignment" workspace with an "Everyone" queue and the "Assign to Anyone" voice
// workflow. Offline only: a real Flex account already has them.
import { FLEX_WORKSPACE_NAME, FunctionEnv } from "@flex-call-recovery/vocabulary";
import { twilioClient } from "pulumi-twilio";

export interface SeededFlexAccount {
  workspaceSid: string;
  everyoneQueueSid: string;
  voiceWorkflowSid: string;
}

export const VOICE_WORKFLOW_NAME = "Assign to Anyone";

/** Finds or creates the Flex basics on the twin at `twinBaseUrl`. */
export async function seedFlexAccount(
  twinBaseUrl: string,
  accountSid: string,
  authToken: string,
): Promise<SeededFlexAccount> {
  const saved = [
    process.env[FunctionEnv.twilioApiBaseUrl],
    process.env.TWILIO_ACCOUNT_SID,
    process.env.TWILIO_AUTH_TOKEN,
  ];
  Object.assign(process.env, {
    [FunctionEnv.twilioApiBaseUrl]: twinBaseUrl,
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
  });
  try {
    const tr = twilioClient().taskrouter.v1;
    const workspace =
      (await tr.workspaces.list()).find((w) => w.friendlyName === FLEX_WORKSPACE_NAME) ??
      (await tr.workspaces.create({ friendlyName: FLEX_WORKSPACE_NAME }));
    const ws = tr.workspaces(workspace.sid);
    const queue =
      (await ws.taskQueues.list()).find((q) => q.friendlyName === "Everyone") ??
      (await ws.taskQueues.create({ friendlyName: "Everyone", targetWorkers: "1 == 1" }));
    const workflow =
      (await ws.workflows.list()).find((w) => w.friendlyName === VOICE_WORKFLOW_NAME) ??
      (await ws.workflows.create({
        friendlyName: VOICE_WORKFLOW_NAME,
        configuration: JSON.stringify({
          task_routing: {
            filters: [{ filter_friendly_name: "Everyone", expression: "1 == 1", targets: [{ queue: queue.sid }] }],
            default_filter: { queue: queue.sid },
          },
        }),
      }));
    // A real Flex account's configuration names its workspace and the workflow its calls go to.
    await twilioClient()
      .flexApi.v1.configuration()
      .update({ taskrouter_workspace_sid: workspace.sid, taskrouter_target_workflow_sid: workflow.sid } as never);
    return { workspaceSid: workspace.sid, everyoneQueueSid: queue.sid, voiceWorkflowSid: workflow.sid };
  } finally {
    const keys = [FunctionEnv.twilioApiBaseUrl, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"];
    keys.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    });
  }
}
