// One Flex notification per notice template; its content names the string template, which Flex
// renders with the context passed to showNotification.
import { Notifications, NotificationType } from "@twilio/flex-ui";
import { StringTemplates } from "../../recovery/strings";

const NOTICES: [StringTemplates, NotificationType][] = [
  [StringTemplates.Reconnected, NotificationType.success],
  [StringTemplates.ReconnectedFromOtherAgent, NotificationType.information],
  [StringTemplates.RegisterFailed, NotificationType.warning],
  [StringTemplates.RegisterRetrying, NotificationType.warning],
  [StringTemplates.WrapUpBlocked, NotificationType.warning],
];

export function registerNotifications(): void {
  for (const [template, type] of NOTICES) {
    Notifications.registerNotification({ id: template, content: template, type, timeout: 8000, closeButton: true });
  }
}
