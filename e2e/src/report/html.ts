// The demo's HTML report: a summary table and one sequence diagram per scenario. One file, no
// scripts, no external resources, so it opens anywhere.
import { renderSequenceDiagram, escapeXml } from "./sequenceDiagram";
import type { ScenarioRecord } from "./timeline";

export interface ReportHeader {
  title: string;
  /** Free-form run details: machine, options, seed. */
  details: Record<string, string | number | boolean>;
}

/** `recoveries`: the run's recovery outcomes as a section (renderRecoveriesHtml), placed after the summary. */
export function renderHtmlReport(header: ReportHeader, scenarios: ScenarioRecord[], recoveries = ""): string {
  const passed = scenarios.filter((s) => s.passed).length;
  const rows = scenarios
    .map(
      (s) =>
        `<tr><td><a href="#${escapeXml(s.name)}">${escapeXml(s.name)}</a></td><td>${escapeXml(s.title)}</td>` +
        `<td class="${s.passed ? "pass" : "fail"}">${s.passed ? "passed" : "failed"}</td>` +
        `<td>${(s.durationMs / 1000).toFixed(2)} s</td></tr>`,
    )
    .join("\n");
  const sections = scenarios
    .map(
      (s) =>
        `<section id="${escapeXml(s.name)}"><h2>${escapeXml(s.name)} — ${escapeXml(s.title)} ` +
        `<span class="${s.passed ? "pass" : "fail"}">${s.passed ? "passed" : "failed"}</span></h2>` +
        (s.failure ? `<pre class="fail">${escapeXml(s.failure)}</pre>` : "") +
        `<div class="diagram">${renderSequenceDiagram(s)}</div></section>`,
    )
    .join("\n");
  const details = Object.entries(header.details)
    .map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(String(v))}</dd>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(header.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 10px;text-align:left}
.pass{color:#1a7f37}.fail{color:#cf222e}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}
dt{font-weight:600}.diagram{overflow-x:auto;border:1px solid #d0d7de;padding:8px;margin-bottom:2rem}
</style></head><body>
<h1>${escapeXml(header.title)}</h1>
<p>${passed} passed, ${scenarios.length - passed} failed</p>
<dl>${details}</dl>
<table><tr><th>scenario</th><th>what it shows</th><th>result</th><th>time</th></tr>
${rows}
</table>
${recoveries}
${sections}
</body></html>
`;
}
