// Workflow evaluation: which filter a task matches, which target (step) applies, and which workers
// a step may reserve. Pure functions over the workflow's configuration JSON, as Twilio documents it
// (https://www.twilio.com/docs/taskrouter/workflow-configuration): filters top to bottom, first
// match wins, else `default_filter`; each target names a queue, an optional worker expression
// (`task.` / `worker.` prefixes), a known worker (`known_worker_sid` / `known_worker_friendly_name`
// = `task.<attr>`), a timeout, a priority and `skip_if`.
import type { TaskQueue } from "../backend";
import { evaluateExpression, validateExpression } from "./expressions";

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
  /** Evaluated with `workers.available`; true skips the step. */
  skip_if?: string;
  order_by?: string;
}

export interface WorkflowFilter {
  filter_friendly_name: string;
  expression: string;
  targets: WorkflowTarget[];
}

/** Twilio's workflow configuration document. */
export interface WorkflowConfiguration {
  task_routing: { filters: WorkflowFilter[]; default_filter?: { queue: string } };
}

/** Thrown for a configuration Twilio would reject; the REST layer answers 400 with it. */
export class WorkflowConfigurationError extends Error {
  constructor(detail: string) {
    super(`Invalid workflow configuration: ${detail}`);
    this.name = "WorkflowConfigurationError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses and checks a configuration (shape and every expression). `queueExists` checks queue references. */
export function parseWorkflowConfiguration(
  json: string | unknown,
  queueExists: (queue: string) => boolean = () => true,
): WorkflowConfiguration {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch {
      throw new WorkflowConfigurationError("not JSON");
    }
  }
  if (!isObject(value) || !isObject(value.task_routing)) throw new WorkflowConfigurationError("task_routing missing");
  const routing = value.task_routing;
  const filters = routing.filters ?? [];
  if (!Array.isArray(filters)) throw new WorkflowConfigurationError("task_routing.filters must be an array");
  filters.forEach((filter, f) => {
    if (!isObject(filter)) throw new WorkflowConfigurationError(`filters[${f}] must be an object`);
    if (typeof filter.expression !== "string")
      throw new WorkflowConfigurationError(`filters[${f}].expression is required`);
    const problem = validateExpression(filter.expression);
    if (problem) throw new WorkflowConfigurationError(`filters[${f}].expression: ${problem}`);
    if (!Array.isArray(filter.targets) || filter.targets.length === 0)
      throw new WorkflowConfigurationError(`filters[${f}].targets must be a non-empty array`);
    filter.targets.forEach((target: unknown, t: number) =>
      checkTarget(target, `filters[${f}].targets[${t}]`, queueExists),
    );
  });
  if (routing.default_filter !== undefined) {
    if (!isObject(routing.default_filter) || typeof routing.default_filter.queue !== "string")
      throw new WorkflowConfigurationError("default_filter.queue is required");
    if (!queueExists(routing.default_filter.queue))
      throw new WorkflowConfigurationError(`default_filter.queue ${routing.default_filter.queue} does not exist`);
  }
  return { task_routing: { ...routing, filters } } as WorkflowConfiguration;
}

function checkTarget(target: unknown, where: string, queueExists: (queue: string) => boolean): void {
  if (!isObject(target) || typeof target.queue !== "string")
    throw new WorkflowConfigurationError(`${where}.queue is required`);
  if (!queueExists(target.queue)) throw new WorkflowConfigurationError(`${where}.queue ${target.queue} does not exist`);
  for (const key of ["expression", "skip_if"] as const) {
    if (target[key] === undefined) continue;
    if (typeof target[key] !== "string") throw new WorkflowConfigurationError(`${where}.${key} must be a string`);
    const problem = validateExpression(target[key]);
    if (problem) throw new WorkflowConfigurationError(`${where}.${key}: ${problem}`);
  }
  for (const key of ["known_worker_sid", "known_worker_friendly_name"] as const) {
    if (target[key] !== undefined && (typeof target[key] !== "string" || !/^task\.\w/.test(target[key])))
      throw new WorkflowConfigurationError(`${where}.${key} must be 'task.<attribute>'`);
  }
  for (const key of ["timeout", "priority"] as const) {
    if (target[key] !== undefined && (typeof target[key] !== "number" || target[key] < 0))
      throw new WorkflowConfigurationError(`${where}.${key} must be a non-negative number`);
  }
}

/** The filter a task matched: its name and its steps; `default` when none matched. */
export interface FilterMatch {
  filterFriendlyName: string;
  /** Index of the filter in `task_routing.filters`, or -1 for the default filter. */
  filterIndex: number;
  targets: WorkflowTarget[];
}

export const DEFAULT_FILTER_NAME = "Default Filter";

/** First filter (top to bottom) whose expression holds for the task; the default filter otherwise; null if neither. */
export function matchFilter(config: WorkflowConfiguration, taskAttributes: unknown): FilterMatch | null {
  const filters = config.task_routing.filters;
  for (let i = 0; i < filters.length; i++) {
    if (evaluateExpression(filters[i].expression, taskAttributes)) {
      return { filterFriendlyName: filters[i].filter_friendly_name, filterIndex: i, targets: filters[i].targets };
    }
  }
  const fallback = config.task_routing.default_filter;
  return fallback
    ? { filterFriendlyName: DEFAULT_FILTER_NAME, filterIndex: -1, targets: [{ queue: fallback.queue }] }
    : null;
}

/** What the routing needs to know of a queue. */
export type RoutingQueue = Pick<TaskQueue, "sid" | "friendlyName" | "targetWorkers">;

/** What the routing needs to know of a worker. */
export interface RoutingWorker {
  sid: string;
  friendlyName: string;
  attributes: Record<string, unknown>;
}

/** The queue a target names: by SID first, then by friendly name. */
export function findTargetQueue<Q extends RoutingQueue>(target: WorkflowTarget, queues: readonly Q[]): Q | undefined {
  return queues.find((q) => q.sid === target.queue) ?? queues.find((q) => q.friendlyName === target.queue);
}

/** Resolves `task.<attr>` of a known-worker target against the task attributes; null when absent. */
export function resolveKnownWorker(spec: string | undefined, taskAttributes: Record<string, unknown>): string | null {
  if (!spec) return null;
  const path = spec.replace(/^task\./, "").split(".");
  let current: unknown = taskAttributes;
  for (const key of path) {
    if (!isObject(current)) return null;
    current = current[key];
  }
  return typeof current === "string" ? current : null;
}

/** Whether a worker belongs to a queue: its TargetWorkers expression (`1 == 1` when empty) holds for the worker. */
export function workerInQueue(queue: RoutingQueue, worker: RoutingWorker): boolean {
  return evaluateExpression(queue.targetWorkers.trim() || "1 == 1", worker.attributes);
}

/**
 * Workers a target may reserve, regardless of their availability: members of the target's queue,
 * matching the target's expression (plain keys and `worker.` = worker attributes, `task.` = task
 * attributes), and, for a known-worker target, only the worker the task names.
 */
export function eligibleWorkers<W extends RoutingWorker>(
  target: WorkflowTarget,
  queue: RoutingQueue,
  taskAttributes: Record<string, unknown>,
  workers: readonly W[],
): W[] {
  const knownSid = target.known_worker_sid ? resolveKnownWorker(target.known_worker_sid, taskAttributes) : undefined;
  const knownName = target.known_worker_friendly_name
    ? resolveKnownWorker(target.known_worker_friendly_name, taskAttributes)
    : undefined;
  return workers.filter((worker) => {
    if (knownSid !== undefined && worker.sid !== knownSid) return false;
    if (knownName !== undefined && worker.friendlyName !== knownName) return false;
    if (!workerInQueue(queue, worker)) return false;
    if (!target.expression) return true;
    return evaluateExpression(target.expression, worker.attributes, {
      task: taskAttributes,
      worker: worker.attributes,
    });
  });
}

/** Whether `skip_if` says to skip a step, given how many eligible workers could take the task now. */
export function shouldSkipTarget(
  target: WorkflowTarget,
  taskAttributes: Record<string, unknown>,
  availableWorkers: number,
): boolean {
  if (!target.skip_if) return false;
  return evaluateExpression(target.skip_if, taskAttributes, { workers: { available: availableWorkers } });
}
