// Always mounted in Flex's RootContainer: renders nothing until the controller opens the dialog.
import React from "react";
import { RecoveryStatus } from "@flex-call-recovery/vocabulary";
import { StringTemplates } from "../../recovery/strings";
import type { DialogState } from "../../recovery/types";
import type { DialogStore } from "./dialogStore";
import { RecoveryDialog } from "./RecoveryDialog";
import type { RecoveryDialogTexts } from "./RecoveryDialogProps";

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
  onContinue: () => void;
}

export function RecoveryDialogHost({ store, translate, onContinue }: RecoveryDialogHostProps) {
  const [state, setState] = React.useState<DialogState | null>(store.get());
  React.useEffect(() => {
    const unsubscribe = store.subscribe(() => setState(store.get()));
    // The controller may have opened the dialog between this render and the subscription.
    setState(store.get());
    return unsubscribe;
  }, [store]);
  if (!state) return null;
  return (
    <RecoveryDialog
      texts={dialogTexts(state, translate)}
      phase={state.phase}
      canContinue={state.canContinue}
      onContinue={onContinue}
    />
  );
}
