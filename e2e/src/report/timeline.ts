// The demo's timeline: what happened in a scenario, in order, with who did it to whom. The
// console printer and the HTML report both read it.

/** Who appears on a sequence diagram, left to right. */
export type Participant = string;

export type TimelineKind =
  /** A person (customer, agent) did something. */
  | "person"
  /** A Twilio REST call made by the functions, the plugin or the infra. */
  | "api"
  /** A webhook Twilio delivered (status callback, Event Streams, AnnounceUrl). */
  | "webhook"
  /** A decision taken by the recovery core. */
  | "decision"
  /** The plugin's dialog or notice changed. */
  | "ui"
  /** A scenario check passed or failed. */
  | "check"
  | "note";

export interface TimelineEntry {
  /** Milliseconds since the scenario started (on the scenario's clock). */
  atMs: number;
  kind: TimelineKind;
  from: Participant;
  /** Absent for notes and decisions that stay with their actor. */
  to?: Participant;
  text: string;
  /** For checks: whether it held. */
  ok?: boolean;
}

export interface ScenarioRecord {
  name: string;
  title: string;
  passed: boolean;
  /** Wall-clock duration of the run. */
  durationMs: number;
  failure?: string;
  entries: TimelineEntry[];
}

/** A line of the console timeline, e.g. `  +1.204s  webhook   Twilio → Functions  participant-leave (worker)`. */
export function formatTimelineLine(entry: TimelineEntry): string {
  const at = `+${(entry.atMs / 1000).toFixed(3)}s`.padStart(9);
  const kind = entry.kind.padEnd(8);
  const who = entry.to ? `${entry.from} → ${entry.to}` : entry.from;
  const mark = entry.kind === "check" ? (entry.ok ? "✔ " : "✘ ") : "";
  return `  ${at}  ${kind}  ${who.padEnd(24)}  ${mark}${entry.text}`;
}
