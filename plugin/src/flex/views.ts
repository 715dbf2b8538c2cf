// Maps Flex and TaskRouter objects onto the controller's plain views. Typed structurally (only the
// fields read here), so the adapter test and the browser page can hand in minimal stand-ins.
import type { ConferenceView, ParticipantView, ReservationStatus, ReservationView } from "../recovery/types";

/** The slice of a twilio-taskrouter Reservation the adapter uses. */
export interface TrReservation {
  sid: string;
  status: ReservationStatus;
  task: {
    sid: string;
    taskChannelUniqueName: string;
    workflowSid: string;
    attributes: Record<string, unknown>;
    transfers?: { incoming: { mode: "WARM" | "COLD" } | null } | null;
    on?(event: "updated", listener: () => void): unknown;
  };
  on?(event: string, listener: () => void): unknown;
  accept(): Promise<unknown>;
  complete(): Promise<unknown>;
}

/** The slice of Flex's ITask the adapter uses. */
export interface FlexTaskLike {
  sid: string;
  taskSid: string;
  status: string;
  taskChannelUniqueName: string;
  workflowSid: string;
  attributes: Record<string, unknown>;
  incomingTransferObject?: { mode?: string } | null;
  conference?: {
    conferenceSid: string;
    participants: {
      callSid?: string;
      participantType?: string;
      status: string;
      isMyself?: boolean;
    }[];
  } | null;
}

export function viewOfReservation(reservation: TrReservation): ReservationView {
  return {
    sid: reservation.sid,
    taskSid: reservation.task.sid,
    status: reservation.status,
    taskChannelUniqueName: reservation.task.taskChannelUniqueName,
    workflowSid: reservation.task.workflowSid,
    attributes: reservation.task.attributes ?? {},
    incomingTransfer: reservation.task.transfers?.incoming?.mode ?? null,
  };
}

export function viewOfTask(task: FlexTaskLike): ReservationView {
  const mode = task.incomingTransferObject?.mode;
  return {
    sid: task.sid,
    taskSid: task.taskSid,
    status: task.status as ReservationStatus,
    taskChannelUniqueName: task.taskChannelUniqueName,
    workflowSid: task.workflowSid,
    attributes: task.attributes ?? {},
    incomingTransfer: mode === "WARM" || mode === "COLD" ? mode : null,
  };
}

/** The conference Flex tracks for a task, or null before Flex knows one. */
export function viewOfConference(task: FlexTaskLike): ConferenceView | null {
  const conference = task.conference;
  if (!conference?.conferenceSid) return null;
  const participants: ParticipantView[] = conference.participants
    .filter((p) => typeof p.callSid === "string")
    .map((p) => ({
      callSid: p.callSid as string,
      participantType: p.participantType ?? "unknown",
      status: p.status === "joined" || p.status === "recently_left" ? p.status : "left",
      isMyself: p.isMyself === true,
    }));
  return { reservationSid: task.sid, conferenceSid: conference.conferenceSid, participants };
}
