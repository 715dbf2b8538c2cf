// The `supervisor` chunk: a side link and a view in Flex with today's recoveries (dropped, back to
// the same agent, to another, abandoned, p50/p95 wait, drops per agent), asked of `flex/recoveries`
// (supervisors only, checked by the functions on the Flex token's roles) every 15 s while shown and
// the tab is visible.
// Registered with Flex's `SideNav.Content` / `ViewCollection.Content` and navigated to with the
// `NavigateToView` action (@twilio/flex-ui: src/components/SideNav, src/components/ViewCollection).
// Plain React (Flex's global), no Paste: the chunk stays small.
import React from "react";
import { FunctionRoute, type RecoveriesResponse, type RecoverySummary } from "@flex-call-recovery/vocabulary";
import { renderTemplate } from "../recovery/strings";
import { ApiService } from "../services/RecoveryFunctionsService";
import type { RecoveriesViewChunk, RecoveriesViewOptions, SupervisorFlex } from "./types";

/** Flex view name (also the `NavigateToView` target). */
export const RECOVERIES_VIEW = "flex-call-recovery-recoveries";
export const DEFAULT_REFRESH_MS = 15_000;

export enum SupervisorStrings {
  Link = "FlexCallRecoverySupervisorLink",
  Title = "FlexCallRecoverySupervisorTitle",
  Dropped = "FlexCallRecoverySupervisorDropped",
  SameAgent = "FlexCallRecoverySupervisorSameAgent",
  OtherAgent = "FlexCallRecoverySupervisorOtherAgent",
  Abandoned = "FlexCallRecoverySupervisorAbandoned",
  WaitP50 = "FlexCallRecoverySupervisorWaitP50",
  WaitP95 = "FlexCallRecoverySupervisorWaitP95",
  Agent = "FlexCallRecoverySupervisorAgent",
  Drops = "FlexCallRecoverySupervisorDrops",
  NoDrops = "FlexCallRecoverySupervisorNoDrops",
  Updated = "FlexCallRecoverySupervisorUpdated",
  Loading = "FlexCallRecoverySupervisorLoading",
  Unavailable = "FlexCallRecoverySupervisorUnavailable",
}

/** English defaults; a centre's own `strings` for the same keys win. */
export const SUPERVISOR_DEFAULT_STRINGS: Record<SupervisorStrings, string> = {
  [SupervisorStrings.Link]: "Call recovery",
  [SupervisorStrings.Title]: "Call recovery today ({{day}}, UTC)",
  [SupervisorStrings.Dropped]: "Dropped",
  [SupervisorStrings.SameAgent]: "Back to same agent",
  [SupervisorStrings.OtherAgent]: "To another agent",
  [SupervisorStrings.Abandoned]: "Abandoned",
  [SupervisorStrings.WaitP50]: "Wait p50",
  [SupervisorStrings.WaitP95]: "Wait p95",
  [SupervisorStrings.Agent]: "Agent",
  [SupervisorStrings.Drops]: "Drops",
  [SupervisorStrings.NoDrops]: "No agent dropped today.",
  [SupervisorStrings.Updated]: "Updated {{time}}",
  [SupervisorStrings.Loading]: "Loading today's recoveries…",
  [SupervisorStrings.Unavailable]: "The recoveries cannot be loaded right now ({{reason}}). Retrying.",
};

export type SupervisorTranslate = (key: SupervisorStrings, params?: Record<string, string | number>) => string;

class RecoveriesService extends ApiService {
  today(): Promise<RecoveriesResponse> {
    return this.post(FunctionRoute.recoveries, {});
  }
}

const seconds = (s: number | null) => (s === null ? "—" : `${s.toFixed(1)} s`);

export interface RecoveriesPanelProps {
  load: () => Promise<RecoveriesResponse>;
  t: SupervisorTranslate;
  refreshMs?: number;
  /** Clock for "Updated …" (tests pin it). */
  now?: () => Date;
}

interface PanelState {
  answer: RecoveriesResponse | null;
  updated: Date | null;
  problem: string | null;
}

const systemNow = () => new Date();

/**
 * Today's figures, asked for at once and then every `refreshMs` while mounted and the page is
 * visible; a hidden tab asks nothing (each refresh reads the day's Sync Lists, whose reads Sync
 * limits per list like its writes) and asks again as soon as it is shown.
 */
export function RecoveriesPanel({ load, t, refreshMs = DEFAULT_REFRESH_MS, now = systemNow }: RecoveriesPanelProps) {
  const [state, setState] = React.useState<PanelState>({ answer: null, updated: null, problem: null });
  React.useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asking = false;
    const hidden = () => document.visibilityState === "hidden";
    const refresh = () => {
      timer = undefined;
      if (hidden()) return; // the visibility listener asks when the page is shown again
      asking = true;
      load()
        .then(
          (answer) => live && setState({ answer, updated: now(), problem: null }),
          (error: unknown) => {
            const reason =
              typeof (error as { message?: unknown })?.message === "string" ? (error as Error).message : String(error);
            if (live) setState((previous) => ({ ...previous, problem: reason }));
          },
        )
        .finally(() => {
          asking = false;
          if (live) timer = setTimeout(refresh, refreshMs);
        });
    };
    const shown = () => {
      if (hidden() || asking) return;
      if (timer) clearTimeout(timer);
      refresh();
    };
    document.addEventListener("visibilitychange", shown);
    refresh();
    return () => {
      live = false;
      document.removeEventListener("visibilitychange", shown);
      if (timer) clearTimeout(timer);
    };
  }, [load, refreshMs, now]);

  const { answer, updated, problem } = state;
  return (
    <section data-testid="flex-call-recovery-recoveries" style={PANEL}>
      <h1 style={TITLE}>{t(SupervisorStrings.Title, { day: answer?.day ?? "…" })}</h1>
      {problem ? (
        <p role="alert" data-testid="flex-call-recovery-recoveries-problem" style={PROBLEM}>
          {t(SupervisorStrings.Unavailable, { reason: problem })}
        </p>
      ) : null}
      {answer ? <Figures summary={answer.summary} t={t} /> : problem ? null : <p>{t(SupervisorStrings.Loading)}</p>}
      {updated ? (
        <p style={UPDATED}>{t(SupervisorStrings.Updated, { time: updated.toISOString().slice(11, 19) })}</p>
      ) : null}
    </section>
  );
}

function Figures({ summary, t }: { summary: RecoverySummary; t: SupervisorTranslate }) {
  const tiles: [string, SupervisorStrings, string][] = [
    ["dropped", SupervisorStrings.Dropped, String(summary.dropped)],
    ["same-agent", SupervisorStrings.SameAgent, String(summary.sameAgent)],
    ["other-agent", SupervisorStrings.OtherAgent, String(summary.otherAgent)],
    ["abandoned", SupervisorStrings.Abandoned, String(summary.abandoned)],
    ["wait-p50", SupervisorStrings.WaitP50, seconds(summary.waitP50Seconds)],
    ["wait-p95", SupervisorStrings.WaitP95, seconds(summary.waitP95Seconds)],
  ];
  return (
    <>
      <dl style={TILES}>
        {tiles.map(([id, label, value]) => (
          <div key={id} style={TILE}>
            <dt style={TILE_LABEL}>{t(label)}</dt>
            <dd data-testid={`flex-call-recovery-recoveries-${id}`} style={TILE_VALUE}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {summary.agents.length === 0 ? (
        <p>{t(SupervisorStrings.NoDrops)}</p>
      ) : (
        <table data-testid="flex-call-recovery-recoveries-agents" style={TABLE}>
          <thead>
            <tr>
              <th style={CELL}>{t(SupervisorStrings.Agent)}</th>
              <th style={{ ...CELL, textAlign: "right" }}>{t(SupervisorStrings.Drops)}</th>
            </tr>
          </thead>
          <tbody>
            {summary.agents.map((agent) => (
              <tr key={agent.workerSid}>
                <td style={CELL} title={agent.workerSid}>
                  {agent.workerName}
                </td>
                <td style={{ ...CELL, textAlign: "right" }}>{agent.drops}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A side-nav child: Flex hands every one the `activeView`. */
function RecoveriesSideLink({ flex, label, activeView }: { flex: SupervisorFlex; label: string; activeView?: string }) {
  return (
    <flex.SideLink
      showLabel
      icon="Insights"
      iconActive="Insights"
      isActive={activeView === RECOVERIES_VIEW}
      onClick={() => void flex.Actions.invokeAction("NavigateToView", { viewName: RECOVERIES_VIEW })}
    >
      {label}
    </flex.SideLink>
  );
}

/** Adds our texts (without overriding a centre's), the side link and the view. */
export function registerRecoveriesView(flex: SupervisorFlex, options: RecoveriesViewOptions): void {
  const strings = options.strings as Record<string, string | undefined>;
  for (const [key, text] of Object.entries(SUPERVISOR_DEFAULT_STRINGS)) strings[key] ??= text;
  const t: SupervisorTranslate = (key, params) =>
    renderTemplate(strings[key] ?? SUPERVISOR_DEFAULT_STRINGS[key], params);
  const service = new RecoveriesService({ baseUrl: options.functionsBaseUrl, getToken: options.getToken, retries: 1 });
  const load = () => service.today();
  flex.SideNav.Content.add(
    <RecoveriesSideLink key="flex-call-recovery-recoveries-link" flex={flex} label={t(SupervisorStrings.Link)} />,
  );
  flex.ViewCollection.Content.add(
    <flex.View name={RECOVERIES_VIEW} key="flex-call-recovery-recoveries-view">
      <RecoveriesPanel load={load} t={t} refreshMs={options.refreshMs} />
    </flex.View>,
  );
}

const chunk: RecoveriesViewChunk = { registerRecoveriesView };
export default chunk;

const PANEL: React.CSSProperties = { padding: 24, fontFamily: "inherit", color: "#121c2d", overflow: "auto" };
const TITLE: React.CSSProperties = { fontSize: 20, fontWeight: 600, margin: "0 0 16px" };
const PROBLEM: React.CSSProperties = { color: "#d61f1f" };
const UPDATED: React.CSSProperties = { color: "#606b85", fontSize: 12 };
const TILES: React.CSSProperties = { display: "flex", flexWrap: "wrap", gap: 12, margin: "0 0 20px" };
const TILE: React.CSSProperties = {
  background: "#fff",
  border: "1px solid #e1e3ea",
  borderRadius: 8,
  padding: "12px 16px",
  minWidth: 140,
};
const TILE_LABEL: React.CSSProperties = { fontSize: 12, color: "#606b85" };
const TILE_VALUE: React.CSSProperties = { fontSize: 28, fontWeight: 600, margin: 0 };
const TABLE: React.CSSProperties = { borderCollapse: "collapse", background: "#fff", minWidth: 320 };
const CELL: React.CSSProperties = { border: "1px solid #e1e3ea", padding: "6px 12px", textAlign: "left" };
