// What a freshly provisioned Flex account already holds, so the infra can adopt it (adopt,
// don't delete): the "Flex Task Assignment" workspace with Flex's default queue and workflow,
// the default Sync service, and a Flex configuration pointing at them. `startTwin({ flexAccount: true })`
// and `npm run twin` seed it; tests of single resources start blank.
import { FLEX_WORKSPACE_NAME } from "./flexFacts";
import type { AccountStore } from "./store";

/** Flex's own default names (Twilio's, not this project's vocabulary). */
export const FLEX_DEFAULTS = {
  queueName: "Everyone",
  workflowName: "Assign to Anyone",
  syncServiceUniqueName: "default",
  syncServiceFriendlyName: "Default Service",
  extraActivity: "Break",
};

export interface FlexAccountSeed {
  workspaceSid: string;
  taskQueueSid: string;
  workflowSid: string;
  syncServiceSid: string;
  activities: Record<string, string>;
}

export function seedFlexAccount(store: AccountStore): FlexAccountSeed {
  const tr = store.taskrouter;
  const workspace = tr.createWorkspace({ friendlyName: FLEX_WORKSPACE_NAME });
  tr.createActivity(workspace.sid, { friendlyName: FLEX_DEFAULTS.extraActivity, available: false });
  const queue = tr.createTaskQueue(workspace.sid, { friendlyName: FLEX_DEFAULTS.queueName, targetWorkers: "1==1" });
  const workflow = tr.createWorkflow(workspace.sid, {
    friendlyName: FLEX_DEFAULTS.workflowName,
    configuration: JSON.stringify({
      task_routing: {
        filters: [{ filter_friendly_name: "Everyone", expression: "1==1", targets: [{ queue: queue.sid }] }],
        default_filter: { queue: queue.sid },
      },
    }),
  });
  const sync = store.sync.createService({
    uniqueName: FLEX_DEFAULTS.syncServiceUniqueName,
    friendlyName: FLEX_DEFAULTS.syncServiceFriendlyName,
  });
  store.flex.updateConfiguration({
    taskrouterWorkspaceSid: workspace.sid,
    taskrouterTargetWorkflowSid: workflow.sid,
    taskrouterTargetTaskqueueSid: queue.sid,
  });
  const activities = Object.fromEntries(tr.listActivity(workspace.sid).map((a) => [a.friendlyName, a.sid]));
  return {
    workspaceSid: workspace.sid,
    taskQueueSid: queue.sid,
    workflowSid: workflow.sid,
    syncServiceSid: sync.sid,
    activities,
  };
}
