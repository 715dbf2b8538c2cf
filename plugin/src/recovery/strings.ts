// UI text as Flex string templates (keys into `manager.strings`), so a centre can translate or
// reword them in its Flex configuration. Templates use Flex's `{{name}}` placeholders.

export enum StringTemplates {
  DialogTitle = "FlexCallRecoveryDialogTitle",
  Reconnecting = "FlexCallRecoveryReconnecting",
  StatusPinging = "FlexCallRecoveryStatusPinging",
  StatusReconnecting = "FlexCallRecoveryStatusReconnecting",
  StatusRequeued = "FlexCallRecoveryStatusRequeued",
  StatusAbandoned = "FlexCallRecoveryStatusAbandoned",
  Reconnected = "FlexCallRecoveryReconnected",
  ReconnectedFromOtherAgent = "FlexCallRecoveryReconnectedFromOtherAgent",
  ProblemFunctionsUnreachable = "FlexCallRecoveryProblemFunctionsUnreachable",
  ProblemStateStalled = "FlexCallRecoveryProblemStateStalled",
  Continue = "FlexCallRecoveryContinue",
  RegisterFailed = "FlexCallRecoveryRegisterFailed",
  RegisterRetrying = "FlexCallRecoveryRegisterRetrying",
  WrapUpBlocked = "FlexCallRecoveryWrapUpBlocked",
}

/** English defaults; a centre's own `strings` for the same keys win. */
export const DEFAULT_STRINGS: Record<StringTemplates, string> = {
  [StringTemplates.DialogTitle]: "Disconnected from customer",
  [StringTemplates.Reconnecting]: "Disconnected from customer — reconnecting you…",
  [StringTemplates.StatusPinging]: "Checking that you are back online…",
  [StringTemplates.StatusReconnecting]: "Bringing the customer back to you…",
  [StringTemplates.StatusRequeued]: "The customer is being connected to another agent.",
  [StringTemplates.StatusAbandoned]: "The customer left the call. You can wrap up.",
  [StringTemplates.Reconnected]: "Reconnected",
  [StringTemplates.ReconnectedFromOtherAgent]:
    "Reconnected with the customer — {{agentName}} dropped {{secondsAgo}} s ago",
  [StringTemplates.ProblemFunctionsUnreachable]:
    "The call recovery service cannot be reached. You can continue and wrap up.",
  [StringTemplates.ProblemStateStalled]: "The call recovery is not progressing. You can continue and wrap up.",
  [StringTemplates.Continue]: "Continue",
  [StringTemplates.RegisterFailed]: "Call recovery is not available for this call.",
  [StringTemplates.RegisterRetrying]: "Call recovery is not ready for this call yet. Retrying…",
  [StringTemplates.WrapUpBlocked]: "Wait until the call recovery finishes before wrapping up.",
};

/** Fills `{{name}}` placeholders (what the test adapter and the browser page use; Flex renders its own). */
export function renderTemplate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(params[name] ?? ""));
}
