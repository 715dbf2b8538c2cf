// What the recovery core reads and returns. Events are what a handler learned from a webhook,
// an Event Streams delivery or a Flex request, plus the facts it fetched beforehand; actions are
// plain data that the Twilio adapter (src/twilio/perform.ts) carries out after the state write.
import type { ConferenceState, RecoveryPingAttributes, RegisterWorkerRequest } from "@flex-call-recovery/vocabulary";

/** Settings the decisions depend on (from the function's environment, see src/config.ts). */
export interface RecoveryConfig {
  recoveryPingWorkflowSid: string;
  pingTimeoutSeconds: number;
  pingPriority: number;
  reconnectPriority: number;
}

/** A participant of a conference as the adapter listed it (only what the decisions need). */
export interface ConferenceParticipant {
  callSid: string;
  label: string | null;
  endConferenceOnExit: boolean;
  /** Muted (carried when the participant is moved to a new conference). */
  muted?: boolean;
  /** On hold (not carried by a move: `<Conference>` has no hold attribute). */
  hold?: boolean;
  /** Coaching an agent (a move makes it coach the agent of the new conference). */
  coaching?: boolean;
}

/** Conference status callback events (docs/twilio-behaviour.md#conference-status-callbacks). */
export interface ParticipantEventBase {
  conferenceSid: string;
  callSid: string;
  label: string | null;
  /** `${ConferenceSid}:${SequenceNumber}`: the same callback delivered twice has the same id. */
  eventId: string;
  /** ISO-8601 of the callback's Timestamp. */
  time: string;
}

export type RecoveryEvent =
  | (ParticipantEventBase & { kind: "participantJoin" | "participantModify"; endConferenceOnExit: boolean })
  | (ParticipantEventBase & {
      kind: "participantLeave";
      /** `ParticipantCallStatus`; `in-progress` means the call lives on elsewhere (redirected). */
      callStatus: string | null;
      reason: string | null;
      /**
       * Who is still in the conference, listed beside the state read (null when unknown): the
       * live truth about the customer and other agents, even before their webhooks or
       * registrations have landed.
       */
      participants: ConferenceParticipant[] | null;
    })
  | {
      kind: "conferenceEnd";
      conferenceSid: string;
      eventId: string;
      /** `ReasonConferenceEnded` (null when absent). */
      reason: string | null;
      /** `CallSidEndingConference`: the leg whose leaving ended it (null when absent). */
      endingCallSid: string | null;
    }
  | {
      kind: "registerWorker";
      request: RegisterWorkerRequest;
      /** The customer task's attributes as fetched now. */
      taskAttributes: Record<string, unknown>;
      /** The agent's Sync identity (from the Flex token), granted read access to the document. */
      identity: string | null;
    }
  | { kind: "unregisterWorker"; conferenceSid: string; workerCallSid: string }
  | { kind: "endConference"; conferenceSid: string; workerCallSid: string | null }
  | {
      kind: "pingAccepted";
      eventId: string;
      pingTaskSid: string;
      pingAttributes: RecoveryPingAttributes;
      workerSid: string;
      /** Status of the customer's call now (null: the call is unknown to Twilio). */
      customerCallStatus: string | null;
      /** Everyone still in the dropped conference. */
      participants: ConferenceParticipant[];
    }
  | {
      kind: "pingCanceled";
      eventId: string;
      pingTaskSid: string;
      pingAttributes: RecoveryPingAttributes;
      customerCallStatus: string | null;
      participants: ConferenceParticipant[];
    }
  | {
      kind: "reconnectEnteredQueue" | "reconnectCanceled";
      eventId: string;
      reconnectTaskSid: string;
      attributes: Record<string, unknown>;
      /** Status of the dropped reservation now (null: unknown). */
      droppedReservationStatus: string | null;
    }
  | { kind: "reconnectAccepted"; eventId: string; reconnectTaskSid: string; workerSid: string }
  /** The ping task exists now (its SID lets a later clean-up cancel it). */
  | { kind: "pingCreated"; conferenceSid: string; pingTaskSid: string }
  /**
   * Creating the ping failed after the retries. Conference callbacks are not reliably redelivered,
   * so instead of rolling back the recovery goes straight to the requeue of docs/recovery-flow.md#step-11.
   */
  | {
      kind: "pingFailed";
      conferenceSid: string;
      pingAttributes: RecoveryPingAttributes;
      /** Everyone still in the conference (null: unknown, the customer is redirected directly). */
      participants: ConferenceParticipant[] | null;
    };

export type Action =
  /** Play the hold message to the conference (`AnnounceUrl` → the announce function). */
  | { kind: "announce"; conferenceSid: string }
  /** Mark the dropped task `conversations.followed_by = "Reconnect Agent"` and `disconnectedTime`. */
  | { kind: "markTaskDisconnected"; taskSid: string; disconnectedTime: string }
  | {
      kind: "createPing";
      workflowSid: string;
      attributes: RecoveryPingAttributes;
      /**
       * When the document could not hold the original attributes: fetch this task first and put
       * its attributes (and workflow) under the ping's own.
       */
      attributesFromTaskSid: string | null;
      timeoutSeconds: number;
      priority: number;
    }
  | {
      kind: "updateParticipant";
      conferenceSid: string;
      callSid: string;
      endConferenceOnExit: boolean;
      /** Actions that must wait for this one (the customer's redirect waits for its flag). */
      then?: Action[];
    }
  | { kind: "redirectCall"; callSid: string; twiml: string }
  | { kind: "completeTask"; taskSid: string; reason: string }
  | { kind: "cancelTask"; taskSid: string; reason: string }
  | { kind: "completeReservation"; taskSid: string; reservationSid: string }
  | { kind: "endConference"; conferenceSid: string }
  /** Let the agent's Sync identity read this conference's state document (Sync ACL). */
  | { kind: "grantStateRead"; conferenceSid: string; identity: string }
  /**
   * Move a worker to the workspace's timeout activity, as TaskRouter does when a reservation times
   * out: a dropped agent whose ping never existed must not be offered the requeued customer.
   */
  | { kind: "setWorkerUnavailable"; workerSid: string };

/** What to do with the state document. */
export type StateChange = { kind: "keep" } | { kind: "write"; state: ConferenceState } | { kind: "delete" };

export interface Decision {
  change: StateChange;
  /** Run in parallel once the state change is committed. */
  actions: Action[];
  /** Why, for the log and for answers (e.g. "duplicate event", "recovery claimed"). */
  note: string;
  /** The request must be refused (a Flex endpoint answers this status and message); nothing changes. */
  refusal?: { status: number; message: string };
}
