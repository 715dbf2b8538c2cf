// Props of the dialog: plain, already translated strings, so the dialog needs only React.
export interface RecoveryDialogTexts {
  title: string;
  message: string;
  status: string | null;
  problem: string | null;
  continue: string;
}

export interface RecoveryDialogProps {
  texts: RecoveryDialogTexts;
  phase: "reconnecting" | "reconnected";
  canContinue: boolean;
  onContinue: () => void;
}
