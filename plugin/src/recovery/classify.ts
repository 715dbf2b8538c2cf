// Pure reading of reservations and conferences: which role a reservation plays in a recovery.
import {
  TaskAttribute,
  TaskChannel,
  ParticipantLabel,
  isMarkedForReconnect,
  isReconnectTask,
} from "@flex-call-recovery/vocabulary";
import type { ConferenceView, ParticipantView, ReservationView } from "./types";

export type ReservationRole =
  /** The agent's call task that dropped (wrapping, marked "Reconnect Agent"). */
  | { kind: "dropped"; conferenceSid: string | null }
  /** The recovery ping for this agent. */
  | { kind: "ping"; droppedReservationSid: string; conferenceSid: string | null }
  /** The customer coming back; `mine` when this agent is the one who dropped. */
  | { kind: "reconnect"; mine: boolean; droppedReservationSid: string | null }
  | { kind: "other" };

function stringAttribute(attributes: Record<string, unknown>, name: string): string | null {
  const value = attributes[name];
  return typeof value === "string" && value !== "" ? value : null;
}

export function isVoice(reservation: ReservationView): boolean {
  return reservation.taskChannelUniqueName === TaskChannel.voice;
}

/** The conference SID Flex records on a voice task (`attributes.conference.sid`). */
export function taskConferenceSid(attributes: Record<string, unknown>): string | null {
  const conference = attributes[TaskAttribute.conference];
  if (typeof conference !== "object" || conference === null) return null;
  const sid = (conference as Record<string, unknown>).sid;
  return typeof sid === "string" && sid !== "" ? sid : null;
}

export function classifyReservation(reservation: ReservationView, myWorkerSid: string): ReservationRole {
  // A transferred task carries its original attributes (possibly a reconnect's): never recovery logic.
  if (reservation.incomingTransfer) return { kind: "other" };
  const attributes = reservation.attributes;
  const disconnectedWorkerSid = stringAttribute(attributes, TaskAttribute.disconnectedWorkerSid);
  const droppedReservationSid = stringAttribute(attributes, TaskAttribute.disconnectedReservationSid);
  if (isReconnectTask(attributes)) {
    return { kind: "reconnect", mine: disconnectedWorkerSid === myWorkerSid, droppedReservationSid };
  }
  if (disconnectedWorkerSid !== null && droppedReservationSid !== null) {
    // Only the ping carries the dropped leg without being a reconnect; it is routed to that worker alone.
    return disconnectedWorkerSid === myWorkerSid
      ? {
          kind: "ping",
          droppedReservationSid,
          conferenceSid: stringAttribute(attributes, TaskAttribute.disconnectedConferenceSid),
        }
      : { kind: "other" };
  }
  if (isVoice(reservation) && isMarkedForReconnect(attributes)) {
    return { kind: "dropped", conferenceSid: taskConferenceSid(attributes) };
  }
  return { kind: "other" };
}

/** This agent's live leg and the customer's, once both joined (null before). */
export function joinedLegs(conference: ConferenceView): { worker: ParticipantView; customer: ParticipantView } | null {
  const joined = conference.participants.filter((p) => p.status === "joined");
  // An agent may have older (left) legs on the same task: take the newest joined one of our own.
  const mine = joined.filter((p) => p.isMyself && p.participantType === ParticipantLabel.worker);
  const customer = joined.find((p) => p.participantType === ParticipantLabel.customer);
  const worker = mine[mine.length - 1];
  return worker && customer ? { worker, customer } : null;
}

export function liveParticipantCount(conference: ConferenceView): number {
  return conference.participants.filter((p) => p.status === "joined").length;
}

/** Whole seconds since an ISO time (0 when the time is unreadable). */
export function secondsSince(isoTime: unknown, nowMs: number): number {
  const then = typeof isoTime === "string" ? Date.parse(isoTime) : NaN;
  return Number.isNaN(then) ? 0 : Math.max(0, Math.round((nowMs - then) / 1000));
}
