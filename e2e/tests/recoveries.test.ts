// Recovery outcomes end to end: scenarios played on the whole stack (spec-validated twin), and
// after each one the outcome lists read with `npm run recoveries`' own reader: one record per
// recovery with its outcome; an ordinary call writes nothing to them (not a single Sync List
// request); the demo report shows the same summary.
import type { RecoveryOutcomeKind } from "@flex-call-recovery/vocabulary";
import { renderHtmlReport } from "../src/report/html";
import { recoveriesText, renderRecoveriesHtml, stackRecoveries } from "../src/report/recoveries";
import { SCENARIOS } from "../src/scenarios";
import { runScenario } from "../src/scenarios/runner";
import { useValidatedStack } from "./support/validatedStack";

jest.setTimeout(60_000);

const stack = useValidatedStack();
const started = Date.now();

const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;
const listRequests = () =>
  stack().twin.requestLog.list((r) => r.host === "sync.twilio.com" && r.path.includes("/Lists"));

test.each<[string, Partial<Record<RecoveryOutcomeKind, number>>]>([
  ["graceful-hangup", {}],
  ["page-refresh", { sameAgent: 1 }],
  ["agent-never-back", { otherAgent: 1 }],
  ["customer-hangs-up-during-ping", { abandoned: 1 }],
])("%s adds %p to the outcome lists", async (name, added) => {
  const before = (await stackRecoveries(stack(), started)).summary;
  const requestsBefore = listRequests().length;
  const record = await runScenario(stack(), scenario(name));
  expect(record.failure ?? "").toBe("");
  const after = (await stackRecoveries(stack(), started)).summary;
  const delta = {
    sameAgent: after.sameAgent - before.sameAgent,
    otherAgent: after.otherAgent - before.otherAgent,
    abandoned: after.abandoned - before.abandoned,
  };
  expect(delta).toEqual({ sameAgent: 0, otherAgent: 0, abandoned: 0, ...added });
  expect(after.dropped - before.dropped).toBe(Object.values(added).reduce((a, b) => a + b, 0));
  const appended = listRequests()
    .slice(requestsBefore)
    .filter((r) => r.method === "POST");
  // No extra Twilio operation on an ordinary call; a finished recovery appends (the day's first also creates the list).
  if (Object.keys(added).length === 0) expect(appended).toEqual([]);
  else expect(appended.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
});

test("the drops are the dropped agents', the waits the customers' (twin clock), and the report shows them", async () => {
  const result = await stackRecoveries(stack(), started);
  const { summary } = result;
  expect(summary).toMatchObject({ dropped: 3, sameAgent: 1, otherAgent: 1, abandoned: 1 });
  // The name is TaskRouter's worker record (each scenario's world logs in its own "Alice-<suffix>").
  const names = summary.agents.map((a) => a.workerName);
  expect(names).toHaveLength(3);
  for (const name of names) expect(name).toMatch(/^Alice-[a-z0-9]+$/);
  // A page reload is 5 s in these scenarios; a ping that is never accepted waits for its TTL.
  expect(summary.waitP50Seconds).toBeGreaterThan(0);
  expect(summary.waitP95Seconds).toBeGreaterThanOrEqual(summary.waitP50Seconds!);
  expect(recoveriesText(result)).toContain("  dropped               3");
  const html = renderHtmlReport({ title: "demo", details: {} }, [], renderRecoveriesHtml(summary));
  expect(html).toContain("<tr><th>dropped</th><td>3</td></tr>");
  expect(html).toContain("<tr><th>back to same agent</th><td>1</td></tr>");
});
