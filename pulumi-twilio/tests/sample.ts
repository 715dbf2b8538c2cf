// Test data shared by the provider suites: the built fixture folders and routing documents shaped
// like the ones flex-call-recovery deploys (names and expressions from its vocabulary).
import { join } from "path";
import {
  DIRECT_TO_AGENT_EXPRESSION,
  DIRECT_TO_AGENT_FILTER_NAME,
  DIRECT_TO_AGENT_KNOWN_WORKER,
  PING_FILTER_EXPRESSION,
  PING_FILTER_NAME,
  PING_KNOWN_WORKER,
} from "@flex-call-recovery/vocabulary";
import type { WorkflowConfiguration, WorkflowFilter } from "../src/workflow";

export const FIXTURES = join(__dirname, "fixtures");

export function pingWorkflowConfiguration(queueSid: string): WorkflowConfiguration {
  return {
    task_routing: {
      filters: [
        {
          filter_friendly_name: PING_FILTER_NAME,
          expression: PING_FILTER_EXPRESSION,
          targets: [{ queue: queueSid, known_worker_sid: PING_KNOWN_WORKER }],
        },
      ],
    },
  };
}

export function directToAgentFilter(queueSid: string): WorkflowFilter {
  return {
    filter_friendly_name: DIRECT_TO_AGENT_FILTER_NAME,
    expression: DIRECT_TO_AGENT_EXPRESSION,
    targets: [{ queue: queueSid, known_worker_sid: DIRECT_TO_AGENT_KNOWN_WORKER }],
  };
}
