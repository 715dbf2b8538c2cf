// One conference state document as the functions write it, for the plugin's tests: a recovery of
// the dropped agent's call, with every field set; each test overrides what it is about.
import type { ConferenceState, RecoveryStatus } from "@flex-call-recovery/vocabulary";

type Recovery = NonNullable<ConferenceState["recovery"]>;

export interface ConferenceStateFixture {
  status: RecoveryStatus;
  updatedTime: string;
  conferenceSid: string;
  droppedWorkerSid: string;
  droppedWorkerName?: string;
  droppedCallSid?: string;
  droppedReservationSid: string;
  disconnectedTime?: string;
  customerCallSid?: string;
  recovery?: Partial<Recovery>;
}

export function conferenceState(f: ConferenceStateFixture): ConferenceState {
  return {
    v: 1,
    conferenceSid: f.conferenceSid,
    taskSid: "WTdropped",
    workflowSid: "WWvoice",
    customerCallSid: f.customerCallSid ?? "CAcustomer",
    customerGone: false,
    conferenceEnded: false,
    workers: {},
    recovery: {
      status: f.status,
      droppedWorkerSid: f.droppedWorkerSid,
      droppedWorkerName: f.droppedWorkerName ?? "Alice Example",
      droppedCallSid: f.droppedCallSid ?? "CAalice-old",
      droppedTaskSid: "WTdropped",
      droppedReservationSid: f.droppedReservationSid,
      disconnectedTime: f.disconnectedTime ?? "2026-01-01T12:00:00Z",
      pingTaskSid: "WTping",
      reconnectTaskSid: null,
      reconnectedWorkerSid: null,
      updatedTime: f.updatedTime,
      ...f.recovery,
    },
    seenEventIds: [],
  };
}
