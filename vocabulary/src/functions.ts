// Routes and settings of the Serverless functions, shared by the functions themselves, the
// plugin (which calls them), the infra (which deploys and wires them) and the twin.

/** Paths of the deployed functions (the Serverless path is the URL). */
export const FunctionRoute = {
  conferenceStatusHandler: "/conference-status-handler",
  taskEventHandler: "/task-event-handler",
  announce: "/announce",
  /** Supervisors only: today's recovery summary (the supervisor view in Flex). */
  recoveries: "/flex/recoveries",
  registerWorker: "/flex/register-worker",
  unregisterWorker: "/flex/unregister-worker",
  endConference: "/flex/end-conference",
  moveParticipants: "/flex/move-participants",
  syncToken: "/flex/sync-token",
} as const;
export type FunctionRoute = (typeof FunctionRoute)[keyof typeof FunctionRoute];

/** Environment variables of the deployed functions (set by the infra, documented in functions/.env). */
export const FunctionEnv = {
  accountSid: "ACCOUNT_SID",
  authToken: "AUTH_TOKEN",
  workspaceSid: "WORKSPACE_SID",
  syncServiceSid: "SYNC_SERVICE_SID",
  recoveryPingWorkflowSid: "RECOVERY_PING_WORKFLOW_SID",
  syncApiKey: "SYNC_API_KEY",
  syncApiSecret: "SYNC_API_SECRET",
  announceText: "ANNOUNCE_TEXT",
  announceVoice: "ANNOUNCE_VOICE",
  announceLanguage: "ANNOUNCE_LANGUAGE",
  announceRecordingUrl: "ANNOUNCE_RECORDING_URL",
  pingTimeoutSeconds: "PING_TIMEOUT_SECONDS",
  reconnectPriority: "RECONNECT_PRIORITY",
  allowedOrigins: "ALLOWED_ORIGINS",
  holdMusicUrl: "HOLD_MUSIC_URL",
  /**
   * Local runs and tests only: base URL of an offline Twilio twin. Read by the functions' one
   * client factory and nowhere else; never set in a deployment.
   */
  twilioApiBaseUrl: "TWILIO_API_BASE_URL",
} as const;

/** Origins Flex is served from, allowed by default for the Flex-facing functions. */
export const DEFAULT_FLEX_ORIGINS = ["https://flex.twilio.com"];

/** Conference status callback events the plugin subscribes (DESIGN §2 step 1). */
export const CONFERENCE_STATUS_CALLBACK_EVENTS = ["start", "end", "join", "leave", "modify"] as const;

/**
 * Twilio's connection overrides on the conference status callback URL (a fragment, never sent nor
 * signed): voice callbacks are not retried by default, so a callback the functions answer 5xx (a
 * Twilio call failed even after their own retries) would be lost, and with it the recovery; ask for
 * up to 3 retries on connection failures, timeouts and 5xx.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides
 */
export const CONFERENCE_STATUS_CALLBACK_OVERRIDES = "#rc=3&rp=ct,rt,5xx";

/** Participant labels Flex gives conference legs. */
export const ParticipantLabel = { customer: "customer", worker: "worker" } as const;

/** Event Streams types the task-event-handler subscribes to (schema version 1). */
export const TaskRouterEventType = {
  reservationAccepted: "com.twilio.taskrouter.reservation.accepted",
  taskCanceled: "com.twilio.taskrouter.task.canceled",
  taskQueueEntered: "com.twilio.taskrouter.task-queue.entered",
} as const;
export const TASK_EVENT_SUBSCRIPTION_TYPES = [
  TaskRouterEventType.reservationAccepted,
  TaskRouterEventType.taskCanceled,
  TaskRouterEventType.taskQueueEntered,
] as const;
export const TASK_EVENT_SCHEMA_VERSION = 1;

/**
 * What the announce function says when nothing else is configured; the infra's settings default
 * to the same (ANNOUNCE_TEXT, ANNOUNCE_VOICE, ANNOUNCE_LANGUAGE).
 */
export const DEFAULT_ANNOUNCE_TEXT = "Please hold while we reconnect you with your agent.";
export const DEFAULT_ANNOUNCE_VOICE = "Polly.Joanna";
export const DEFAULT_ANNOUNCE_LANGUAGE = "en-US";
