// The TaskRouter routing the recovery needs, built from typed values (never hand-written JSON)
// with every name and expression from the vocabulary.
import {
  DIRECT_TO_AGENT_EXPRESSION,
  DIRECT_TO_AGENT_FILTER_NAME,
  DIRECT_TO_AGENT_KNOWN_WORKER,
  PING_FILTER_EXPRESSION,
  PING_FILTER_NAME,
  PING_KNOWN_WORKER,
} from "@flex-call-recovery/vocabulary";
import type { WorkflowConfiguration, WorkflowFilter } from "pulumi-twilio";

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
