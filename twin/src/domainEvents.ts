// Typed domain events the product backends emit after the state changes observers watch (tests,
// the e2e world, benchmarks); an event no observer needs is not emitted. The behaviour itself is
// called directly by the backends, never through these. Events fire
// synchronously, after the change and before the HTTP answer is serialised; a listener that throws
// is a bug in that observer and turns the request into a 500.
import type { Sink } from "./events/backend";
import type { SyncDocument } from "./sync/backend";
import type { Call, Conference, Participant } from "./voice/backend";
import type { Reservation, Task } from "./taskrouter/backend";

interface Base {
  accountSid: string;
}

export interface TwinEventMap {
  taskCreated: Base & { task: Task };
  reservationCreated: Base & { reservation: Reservation };
  reservationUpdated: Base & { reservation: Reservation; previousStatus: Reservation["reservationStatus"] };
  documentCreated: Base & { document: SyncDocument };
  documentUpdated: Base & { document: SyncDocument };
  /** `expired` is true when the TTL removed it. */
  documentDeleted: Base & { document: SyncDocument; expired: boolean };
  /** `twiml`/`url` are set when the update redirected the call. */
  callUpdated: Base & { call: Call; previousStatus: Call["status"]; twiml?: string; url?: string; method?: string };
  /** `announceUrl` is set when the update asked for an announcement. */
  conferenceUpdated: Base & {
    conference: Conference;
    previousStatus: Conference["status"];
    announceUrl?: string;
    announceMethod?: string;
  };
  participantCreated: Base & { participant: Participant };
  /** `changed` names the fields the update changed (e.g. `endConferenceOnExit`, `hold`). */
  participantUpdated: Base & {
    participant: Participant;
    changed: (keyof Participant)[];
    announceUrl?: string;
    announceMethod?: string;
  };
  /** Sinks/{Sid}/Test asked for a test event (its body is not documented; the twin delivers none). */
  sinkTestRequested: Base & { sink: Sink; testId: string };
}

export type TwinEventName = keyof TwinEventMap;
type Listener<K extends TwinEventName> = (event: TwinEventMap[K]) => void;

export class TwinEvents {
  private readonly listeners = new Map<TwinEventName, Set<Listener<never>>>();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends TwinEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends TwinEventName>(name: K, event: TwinEventMap[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) (listener as Listener<K>)(event);
  }
}
