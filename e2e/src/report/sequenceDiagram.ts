// Renders a scenario's timeline as an SVG sequence diagram. Hand-made rather than Mermaid: the
// report must open offline with no script, and the layout we need is simple (lifelines, arrows,
// notes).
import type { ScenarioRecord, TimelineEntry } from "./timeline";

const COLUMN_WIDTH = 170;
const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 44;
const MARGIN = 20;

const KIND_COLOURS: Record<TimelineEntry["kind"], string> = {
  person: "#1f6feb",
  api: "#6e7781",
  webhook: "#bf3989",
  decision: "#8250df",
  ui: "#1a7f37",
  check: "#1a7f37",
  note: "#57606a",
};

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Participants in order of first appearance, so the diagram reads left to right as the story goes. */
export function participantsOf(entries: TimelineEntry[]): string[] {
  const seen: string[] = [];
  for (const entry of entries) {
    for (const name of [entry.from, entry.to]) {
      if (name !== undefined && !seen.includes(name)) seen.push(name);
    }
  }
  return seen;
}

export function renderSequenceDiagram(scenario: ScenarioRecord): string {
  const participants = participantsOf(scenario.entries);
  const x = (name: string) => MARGIN + participants.indexOf(name) * COLUMN_WIDTH + COLUMN_WIDTH / 2;
  const width = MARGIN * 2 + Math.max(1, participants.length) * COLUMN_WIDTH;
  const height = HEADER_HEIGHT + (scenario.entries.length + 1) * ROW_HEIGHT + MARGIN;
  const parts: string[] = [];

  for (const name of participants) {
    const cx = x(name);
    parts.push(
      `<rect x="${cx - 75}" y="${MARGIN / 2}" width="150" height="26" rx="4" fill="#f6f8fa" stroke="#d0d7de"/>`,
      `<text x="${cx}" y="${MARGIN / 2 + 17}" text-anchor="middle" font-weight="600">${escapeXml(name)}</text>`,
      `<line x1="${cx}" y1="${MARGIN / 2 + 26}" x2="${cx}" y2="${height - MARGIN}" stroke="#d0d7de" stroke-dasharray="4 3"/>`,
    );
  }

  scenario.entries.forEach((entry, row) => {
    const y = HEADER_HEIGHT + (row + 1) * ROW_HEIGHT;
    const colour = entry.kind === "check" && entry.ok === false ? "#cf222e" : KIND_COLOURS[entry.kind];
    const label = `${(entry.atMs / 1000).toFixed(2)}s ${entry.text}`;
    if (entry.to !== undefined && entry.to !== entry.from) {
      const x1 = x(entry.from);
      const x2 = x(entry.to);
      const dir = x2 > x1 ? -1 : 1;
      parts.push(
        `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${colour}" stroke-width="1.5"/>`,
        `<path d="M${x2} ${y} l${dir * 7} -4 l0 8 z" fill="${colour}"/>`,
        `<text x="${(x1 + x2) / 2}" y="${y - 5}" text-anchor="middle" fill="${colour}">${escapeXml(label)}</text>`,
      );
    } else {
      const cx = x(entry.from);
      parts.push(
        `<rect x="${cx + 6}" y="${y - 15}" width="${Math.min(520, 8 + label.length * 6.2)}" height="20" rx="3" fill="#fff8c5" stroke="${colour}"/>`,
        `<text x="${cx + 11}" y="${y}" fill="${colour}">${escapeXml(label)}</text>`,
      );
    }
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 360}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    ...parts,
    "</svg>",
  ].join("\n");
}
