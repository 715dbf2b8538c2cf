// What Sync's documents and lists share: each belongs to a service, is addressed by SID or by its
// unique name (unique in the service), and may expire. A TTL (0 = none, at most a year,
// https://www.twilio.com/docs/sync/limits) restarts on every write that sets one and deletes the
// object on the twin's clock.
import type { Clock, TimerHandle } from "../clock";
import { found } from "../http/errors";
import { InvalidTtlError, UniqueNameTakenError } from "./errors";

export const MAX_TTL_SECONDS = 31_536_000;

interface SyncObject {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  dateExpires: Date | null;
}

/** A TTL outside 0..a year is refused (54007) before anything is written. */
export function checkTtl(ttl: number | undefined): void {
  if (ttl !== undefined && (ttl < 0 || ttl > MAX_TTL_SECONDS)) throw new InvalidTtlError(ttl);
}

export class SyncObjects<T extends SyncObject> {
  // In creation order.
  private readonly bySid = new Map<string, T>();
  // SIDs by `${serviceSid}/${uniqueName}`.
  private readonly byName = new Map<string, string>();
  private readonly expiries = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    /** The path segment of 404s (`Documents`, `Lists`). */
    private readonly segment: string,
    /** Called after a TTL removed an object. */
    private readonly expired: (object: T) => void = () => undefined,
  ) {}

  find(serviceSid: string, sidOrName: string): T | undefined {
    const found = this.bySid.get(this.byName.get(`${serviceSid}/${sidOrName}`) ?? sidOrName);
    return found?.serviceSid === serviceSid ? found : undefined;
  }

  /** `service` as the request named it (SID or unique name), for the 404's path. */
  get(serviceSid: string, sidOrName: string, service = serviceSid): T {
    return found(this.find(serviceSid, sidOrName), `/Services/${service}/${this.segment}/${sidOrName}`);
  }

  list(serviceSid: string): T[] {
    return [...this.bySid.values()].filter((o) => o.serviceSid === serviceSid);
  }

  /** Stores a new object; its unique name must be free in the service (54301). */
  add(object: T): T {
    if (object.uniqueName !== null) {
      const name = `${object.serviceSid}/${object.uniqueName}`;
      if (this.byName.has(name)) throw new UniqueNameTakenError(object.uniqueName);
      this.byName.set(name, object.sid);
    }
    this.bySid.set(object.sid, object);
    return object;
  }

  /** Sets the TTL from now: undefined leaves it as it is, 0 takes it away. */
  expireIn(object: T, ttl: number | undefined): void {
    if (ttl === undefined) return;
    checkTtl(ttl);
    this.stopTimer(object.sid);
    object.dateExpires = ttl === 0 ? null : new Date(this.clock.now().getTime() + ttl * 1000);
    if (ttl === 0) return;
    const timer = this.clock.setTimer(ttl * 1000, () => {
      this.expiries.delete(object.sid);
      if (this.bySid.get(object.sid) !== object) return;
      this.remove(object);
      this.expired(object);
    });
    this.expiries.set(object.sid, timer);
  }

  remove(object: T): void {
    this.stopTimer(object.sid);
    this.bySid.delete(object.sid);
    if (object.uniqueName !== null) this.byName.delete(`${object.serviceSid}/${object.uniqueName}`);
  }

  /** Stops every TTL timer and forgets everything (twin stop or reset). */
  dispose(): void {
    for (const timer of this.expiries.values()) this.clock.clearTimer(timer);
    this.expiries.clear();
    this.bySid.clear();
    this.byName.clear();
  }

  private stopTimer(sid: string): void {
    const timer = this.expiries.get(sid);
    if (timer) this.clock.clearTimer(timer);
    this.expiries.delete(sid);
  }
}
