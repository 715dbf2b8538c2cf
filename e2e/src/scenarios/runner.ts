// Plays scenarios on a running stack, one after the other, each in a fresh world (new agents, new
// customers; the previous scenario's agents logged out), and turns each into a ScenarioRecord.
import type { Stack } from "../harness/stack";
import type { ScenarioRecord, TimelineEntry } from "../report/timeline";
import { World } from "../world/world";
import type { Scenario } from "./types";

export interface RunOptions {
  onEntry?: (entry: TimelineEntry) => void;
  /** Error rate of the run (--faults), applied to every scenario that sets no faults of its own. */
  faultRate?: number;
  latencyMs?: number;
}

export async function runScenario(stack: Stack, scenario: Scenario, options: RunOptions = {}): Promise<ScenarioRecord> {
  stack.setFaults({
    errorRate: scenario.faults?.errorRate ?? options.faultRate ?? 0,
    latencyMs: scenario.faults?.latencyMs ?? options.latencyMs,
    duplicateWebhookRate: scenario.faults?.duplicateWebhookRate ?? 0,
    reorderWebhookRate: scenario.faults?.reorderWebhookRate ?? 0,
  });
  stack.setWebhookCopies(scenario.webhookCopies ?? 0);
  const world = new World(stack, options.onEntry);
  let failure: string | undefined;
  try {
    await scenario.run(world);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    world.check(`scenario ran to the end`, false, failure);
  }
  stack.setFaults({ latencyMs: options.latencyMs });
  stack.setWebhookCopies(0);
  await world.close();
  const failed = world.checks.filter((c) => !c.ok);
  return {
    name: scenario.name,
    title: scenario.title,
    passed: failed.length === 0 && world.checks.length > 0,
    durationMs: world.realElapsedMs(),
    failure:
      failure ??
      (failed.length ? failed.map((c) => `${c.label}${c.detail ? ` (${c.detail})` : ""}`).join("; ") : undefined),
    entries: world.entries,
  };
}
