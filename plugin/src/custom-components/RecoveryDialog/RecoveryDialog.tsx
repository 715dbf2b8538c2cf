// The blocking recovery dialog, in plain React inside the main bundle. Paste is not among the
// globals Flex exposes to plugins, and its lightest piece costs more than the whole budget of the
// recovery path (figures in plugin/README.md), so the dialog draws Paste's look with a few styles:
// Flex theme colours, radii and shadow; text at Paste's heading30/body sizes.
import React from "react";
import type { RecoveryDialogProps } from "./RecoveryDialogProps";

const HEADING_ID = "flex-call-recovery-dialog-heading";
const SPIN = "flex-call-recovery-spin";

export function RecoveryDialog(props: RecoveryDialogProps): JSX.Element {
  const { texts, phase, canContinue, onContinue } = props;
  const busy = phase === "reconnecting" && !canContinue;
  const button = React.useRef<HTMLButtonElement>(null);
  React.useEffect(() => {
    if (canContinue) button.current?.focus();
  }, [canContinue]);
  return (
    <div
      style={OVERLAY}
      // Esc and overlay clicks dismiss only once the agent may continue: the dialog blocks wrap-up.
      onKeyDown={(event) => (event.key === "Escape" && canContinue ? onContinue() : undefined)}
      onClick={(event) => (event.target === event.currentTarget && canContinue ? onContinue() : undefined)}
    >
      <style>{`@keyframes ${SPIN}{to{transform:rotate(360deg)}}`}</style>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={HEADING_ID}
        aria-busy={busy}
        data-testid="flex-call-recovery-dialog"
        style={CARD}
      >
        <h2 id={HEADING_ID} style={HEADING}>
          <span data-testid="flex-call-recovery-message">{texts.message}</span>
        </h2>
        {texts.status || busy ? (
          <div style={ROW}>
            {busy ? <span role="img" aria-label={texts.title} style={SPINNER} /> : null}
            {texts.status ? <span data-testid="flex-call-recovery-status">{texts.status}</span> : null}
          </div>
        ) : null}
        {texts.problem ? (
          <div role="status" style={CALLOUT}>
            <span data-testid="flex-call-recovery-problem">{texts.problem}</span>
          </div>
        ) : null}
        {canContinue ? (
          <div style={FOOTER}>
            <button
              ref={button}
              type="button"
              onClick={onContinue}
              data-testid="flex-call-recovery-continue"
              style={BUTTON}
            >
              {texts.continue}
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}

const FONT = "'Inter var experimental', 'Inter var', -apple-system, BlinkMacSystemFont, 'Segoe UI', sans-serif";
const OVERLAY: React.CSSProperties = {
  position: "fixed",
  inset: 0,
  zIndex: 10000,
  display: "flex",
  alignItems: "flex-start",
  justifyContent: "center",
  paddingTop: "10vh",
  background: "rgba(18, 28, 45, 0.5)",
  fontFamily: FONT,
};
const CARD: React.CSSProperties = {
  width: "min(608px, 90vw)",
  boxSizing: "border-box",
  padding: "20px 20px 0",
  background: "#fff",
  color: "#121c2d",
  borderRadius: 8,
  boxShadow: "0 16px 24px 4px rgba(18, 28, 45, 0.2)",
  fontSize: 14,
  lineHeight: "20px",
};
const HEADING: React.CSSProperties = { margin: "0 0 16px", fontSize: 20, lineHeight: "28px", fontWeight: 600 };
const ROW: React.CSSProperties = { display: "flex", alignItems: "center", gap: 12, marginBottom: 20 };
const SPINNER: React.CSSProperties = {
  width: 20,
  height: 20,
  boxSizing: "border-box",
  borderRadius: "50%",
  border: "3px solid #e1e3ea",
  borderTopColor: "#0263e0",
  animation: `${SPIN} 0.8s linear infinite`,
  flexShrink: 0,
};
const CALLOUT: React.CSSProperties = {
  margin: "0 0 20px",
  padding: "12px 16px",
  borderLeft: "4px solid #f47c22",
  background: "#fef5ee",
  borderRadius: 4,
};
const FOOTER: React.CSSProperties = {
  display: "flex",
  justifyContent: "flex-end",
  margin: "0 -20px",
  padding: "16px 20px",
  borderTop: "1px solid #e1e3ea",
};
const BUTTON: React.CSSProperties = {
  padding: "8px 12px",
  border: "none",
  borderRadius: 4,
  background: "#0263e0",
  color: "#fff",
  fontFamily: FONT,
  fontSize: 14,
  fontWeight: 600,
  cursor: "pointer",
};
