import { renderHtmlReport } from "../src/report/html";
import { participantsOf, renderSequenceDiagram } from "../src/report/sequenceDiagram";
import { formatTimelineLine, type ScenarioRecord } from "../src/report/timeline";

const scenario: ScenarioRecord = {
  name: "page-refresh",
  title: "Agent <refreshes> & comes back",
  passed: false,
  durationMs: 1500,
  failure: "expected reconnected",
  entries: [
    { atMs: 0, kind: "person", from: "Customer", to: "Twilio", text: "dials in" },
    { atMs: 1204, kind: "webhook", from: "Twilio", to: "Functions", text: "participant-leave (worker)" },
    { atMs: 1300, kind: "decision", from: "Functions", text: "claim recovery" },
    { atMs: 1400, kind: "check", from: "Scenario", text: "reconnected", ok: false },
  ],
};

describe("demo report", () => {
  it("orders participants by first appearance", () => {
    expect(participantsOf(scenario.entries)).toEqual(["Customer", "Twilio", "Functions", "Scenario"]);
  });

  it("draws one arrow per message and escapes text", () => {
    const svg = renderSequenceDiagram(scenario);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain("participant-leave (worker)");
    expect(renderHtmlReport({ title: "t", details: { seed: 1 } }, [scenario])).toContain(
      "Agent &lt;refreshes&gt; &amp; comes back",
    );
  });

  it("summarises passes and failures", () => {
    const html = renderHtmlReport({ title: "demo", details: {} }, [scenario, { ...scenario, name: "b", passed: true }]);
    expect(html).toContain("1 passed, 1 failed");
    expect(html).toContain('href="#b"');
  });

  it("formats a console line with elapsed time and direction", () => {
    expect(formatTimelineLine(scenario.entries[1])).toBe(
      "    +1.204s  webhook   Twilio → Functions        participant-leave (worker)",
    );
    expect(formatTimelineLine(scenario.entries[3])).toContain("✘ reconnected");
  });
});
