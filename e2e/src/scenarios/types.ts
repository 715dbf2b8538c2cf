// A scenario: a name (for --scenario), a one-line title, and a script played against the
// world. Checks are recorded on the world; a scenario passes when every check held and nothing threw.
import type { World } from "../world/world";

export interface Scenario {
  name: string;
  title: string;
  /** Twilio-side faults while the scenario runs. */
  faults?: { errorRate?: number; duplicateWebhookRate?: number; reorderWebhookRate?: number; latencyMs?: number };
  /** Extra copies of every webhook the functions receive (the edge sends them on at once). */
  webhookCopies?: number;
  run(world: World): Promise<void>;
}
