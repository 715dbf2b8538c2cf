// Lives in the main bundle (always mounted in Flex's RootContainer): renders nothing until the
// controller opens the dialog, then loads the Paste dialog chunk. If that chunk cannot be loaded
// the agent still sees a plain fallback with the same text (never a silent block).
import React from "react";
import { RecoveryStatus } from "@flex-call-recovery/vocabulary";
import { StringTemplates } from "../../recovery/strings";
import type { DialogState } from "../../recovery/types";
import type { DialogStore } from "./dialogStore";
import type { RecoveryDialogChunk, RecoveryDialogProps, RecoveryDialogTexts } from "./RecoveryDialogProps";

export type Translate = (template: StringTemplates, params?: Record<string, string | number>) => string;

const STATUS_TEXT: Partial<Record<RecoveryStatus, StringTemplates>> = {
  [RecoveryStatus.pinging]: StringTemplates.StatusPinging,
  [RecoveryStatus.reconnecting]: StringTemplates.StatusReconnecting,
  [RecoveryStatus.requeued]: StringTemplates.StatusRequeued,
  [RecoveryStatus.abandoned]: StringTemplates.StatusAbandoned,
};

export function dialogTexts(state: DialogState, t: Translate): RecoveryDialogTexts {
  const statusTemplate = state.status ? STATUS_TEXT[state.status] : undefined;
  return {
    title: t(StringTemplates.DialogTitle),
    message: t(state.phase === "reconnected" ? StringTemplates.Reconnected : StringTemplates.Reconnecting),
    status: state.phase === "reconnecting" && statusTemplate ? t(statusTemplate) : null,
    problem:
      state.problem === "functionsUnreachable"
        ? t(StringTemplates.ProblemFunctionsUnreachable)
        : state.problem === "stateStalled"
          ? t(StringTemplates.ProblemStateStalled)
          : null,
    continue: t(StringTemplates.Continue),
  };
}

export interface RecoveryDialogHostProps {
  store: DialogStore;
  translate: Translate;
  loadDialog: () => Promise<RecoveryDialogChunk>;
  onContinue: () => void;
}

export function RecoveryDialogHost({ store, translate, loadDialog, onContinue }: RecoveryDialogHostProps) {
  const [state, setState] = React.useState<DialogState | null>(store.get());
  const [chunk, setChunk] = React.useState<RecoveryDialogChunk | "failed" | null>(null);
  React.useEffect(() => store.subscribe(() => setState(store.get())), [store]);
  const open = state !== null;
  React.useEffect(() => {
    if (!open || (chunk !== null && chunk !== "failed")) return;
    let live = true;
    loadDialog().then(
      (loaded) => live && setChunk(loaded),
      (error) => {
        console.error("[flex-call-recovery] loading the dialog failed", error);
        if (live) setChunk("failed");
      },
    );
    return () => {
      live = false;
    };
  }, [open, chunk, loadDialog]);
  if (!state) return null;
  const props: RecoveryDialogProps = {
    texts: dialogTexts(state, translate),
    phase: state.phase,
    canContinue: state.canContinue,
    onContinue,
  };
  if (chunk && chunk !== "failed") return <chunk.RecoveryDialog {...props} />;
  return chunk === "failed" ? <FallbackDialog {...props} /> : null;
}

/** Unstyled stand-in, only when the Paste chunk cannot be fetched. */
function FallbackDialog({ texts, canContinue, onContinue }: RecoveryDialogProps) {
  return (
    <div role="alertdialog" aria-label={texts.title} style={FALLBACK_STYLE}>
      <strong>{texts.title}</strong>
      <p>{texts.message}</p>
      {texts.status ? <p>{texts.status}</p> : null}
      {texts.problem ? <p>{texts.problem}</p> : null}
      {canContinue ? (
        <button type="button" onClick={onContinue}>
          {texts.continue}
        </button>
      ) : null}
    </div>
  );
}

const FALLBACK_STYLE: React.CSSProperties = {
  position: "fixed",
  inset: "30% 30% auto",
  zIndex: 10000,
  background: "#fff",
  padding: 24,
  border: "1px solid #ccc",
};
