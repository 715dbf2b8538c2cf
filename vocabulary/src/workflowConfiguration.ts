// Twilio's TaskRouter workflow configuration document, typed once: the infra builds it, the
// twin evaluates it. https://www.twilio.com/docs/taskrouter/workflow-configuration

/** One routing step of a filter (Twilio's `targets[]`). */
export interface WorkflowTarget {
  /** TaskQueue SID (Twilio also resolves a queue friendly name). */
  queue: string;
  /** Worker expression, evaluated per worker of the queue (`task.` / `worker.` prefixes). */
  expression?: string;
  /** Known Worker routing: a task attribute path holding the worker SID, e.g. `task.x`. */
  known_worker_sid?: string;
  /** Known Worker routing by the worker's friendly name. */
  known_worker_friendly_name?: string;
  /** Seconds in this step before moving to the next target. */
  timeout?: number;
  /** Overrides the task's priority while in this step. */
  priority?: number;
  /** Evaluated with `workers.available`; true skips the step. Absent means "do not skip". */
  skip_if?: string;
  order_by?: string;
}

export interface WorkflowFilter {
  filter_friendly_name: string;
  /** Task expression that selects the tasks this filter routes. */
  expression: string;
  targets: WorkflowTarget[];
}

/** Twilio's workflow configuration document. */
export interface WorkflowConfiguration {
  task_routing: {
    filters: WorkflowFilter[];
    default_filter?: { queue: string };
  };
}
