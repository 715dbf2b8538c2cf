// TaskRouter names and expressions the recovery relies on, and the routing documents built from
// them. The infra creates them, the functions find them, the twin evaluates them.
import { TaskAttribute } from "./taskAttributes";
import type { WorkflowConfiguration, WorkflowFilter } from "./workflowConfiguration";

/** The Flex workspace, adopted by name when no SID is configured. */
export const FLEX_WORKSPACE_NAME = "Flex Task Assignment";

export const RECOVERY_PING_QUEUE_NAME = "Recovery Ping";
/** Every worker is eligible for the ping queue; the workflow's Known Worker step picks one. */
export const RECOVERY_PING_QUEUE_TARGET_WORKERS = "1 == 1";

export const RECOVERY_PING_WORKFLOW_NAME = "Recovery Ping";
export const PING_FILTER_NAME = "Ping Disconnected Agent";
export const PING_FILTER_EXPRESSION = `${TaskAttribute.disconnectedWorkerSid} != null && ${TaskAttribute.recoveryAttemptFailed} == false`;
export const PING_KNOWN_WORKER = `task.${TaskAttribute.disconnectedWorkerSid}`;
/** Seconds a worker has to accept a reservation of the ping (the workflow's TaskReservationTimeout). */
export const DEFAULT_PING_RESERVATION_TIMEOUT_SECONDS = 15;
/**
 * A deployed ping workflow's reservation timeout is this much shorter than the ping's TTL (and must
 * be shorter). Only a reservation that times out moves its worker to the workspace's
 * TimeoutActivity; when the TTL cancels the ping first, an agent whose browser is gone for good
 * stays Available and the re-enqueued customer (and every next call) is routed back to them.
 */
export const PING_RESERVATION_TIMEOUT_MARGIN_SECONDS = 5;

/** First filter of every voice workflow: a reconnect task goes back to the agent it names. */
export const DIRECT_TO_AGENT_FILTER_NAME = "Direct to agent";
export const DIRECT_TO_AGENT_EXPRESSION = `${TaskAttribute.targetWorkerSid} != null`;
export const DIRECT_TO_AGENT_KNOWN_WORKER = `task.${TaskAttribute.targetWorkerSid}`;

/**
 * The Recovery Ping workflow: a ping task goes only to the agent who dropped (Known Worker), in
 * the ping queue (which holds every worker, so the known worker is always a member, error 40152).
 * No `default_filter` (it is optional, a catch-all): one into the ping queue (`1 == 1`) would
 * offer a ping that misses the filter expression to any agent, whose plugin ignores it, so the
 * reservation times out and moves that innocent agent to Offline. Unmatched, the ping waits
 * unrouted until its TTL, which the functions already treat as "agent unreachable".
 */
export function pingWorkflowConfiguration(pingQueueSid: string): WorkflowConfiguration {
  return {
    task_routing: {
      filters: [
        {
          filter_friendly_name: PING_FILTER_NAME,
          expression: PING_FILTER_EXPRESSION,
          targets: [{ queue: pingQueueSid, known_worker_sid: PING_KNOWN_WORKER }],
        },
      ],
    },
  };
}

/**
 * The "Direct to agent" filter put first in each voice workflow: a reconnect task carrying
 * `targetWorkerSid` goes back to that agent. No `skip_if` and no timeout: the target is never
 * skipped (the task waits for that agent). The queue must contain the agent; the ping queue
 * (`1 == 1`) contains everyone.
 */
export function directToAgentFilter(queueSid: string): WorkflowFilter {
  return {
    filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
    expression: DIRECT_TO_AGENT_EXPRESSION,
    targets: [{ queue: queueSid, known_worker_sid: DIRECT_TO_AGENT_KNOWN_WORKER }],
  };
}

/** Defaults the functions use unless configured. */
export const DEFAULT_PING_TIMEOUT_SECONDS = 15;
export const DEFAULT_RECONNECT_PRIORITY = 1000;
export const DEFAULT_PING_PRIORITY = 1000;

/**
 * Bounds of a TaskRouter task priority (a non-negative 32-bit integer; 0 is the lowest). The
 * infra's settings and the functions' configuration validate priorities against these same two.
 */
export const TASK_PRIORITY_MIN = 0;
export const TASK_PRIORITY_MAX = 2147483647;

/** Task channels Flex creates in its workspace. */
export const TaskChannel = { voice: "voice", default: "default" } as const;
