// Props of the lazily loaded dialog: plain, already translated strings, so the chunk needs only
// React and Paste (no Flex).
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

/** What the dialog chunk exports. */
export interface RecoveryDialogChunk {
  RecoveryDialog: (props: RecoveryDialogProps) => JSX.Element;
}
