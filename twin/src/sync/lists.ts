// Sync Lists and their items (https://www.twilio.com/docs/sync/api/list-resource,
// https://www.twilio.com/docs/sync/api/listitem-resource): a list is addressed by SID or unique
// name, expires with its collection TTL on the twin's clock, and appends items with increasing
// indexes; an item's data is a JSON object of at most 16 KiB (the OpenAPI description's limit).
// Item writes count against the list's per-object write rate (UNCONFIRMED: Twilio's limits page
// states the per-object rate without saying how collection items count).
import type { TimerHandle } from "../clock";
import { InvalidParameterError, NotFoundError } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { DataTooLargeError, InvalidTtlError, syncData, UniqueNameTakenError } from "./errors";
import { stamped, type Dated } from "../util";

export interface SyncList extends Dated {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  revision: string;
  dateExpires: Date | null;
  createdBy: string;
}

export interface SyncListItem extends Dated {
  index: number;
  listSid: string;
  serviceSid: string;
  data: Record<string, unknown>;
  revision: string;
  createdBy: string;
}

interface ListState {
  list: SyncList;
  items: SyncListItem[];
  nextIndex: number;
  expiry: TimerHandle | null;
}

const ITEM_BYTES = 16 * 1024;
const MAX_TTL_SECONDS = 31_536_000;

export class SyncLists {
  // Lists by SID (ES...), and SIDs by service + unique name.
  private readonly lists = new Map<string, ListState>();
  private readonly byName = new Map<string, string>();

  constructor(
    private readonly ctx: BackendContext,
    /** Resolves a service SID or unique name to its SID (404 when unknown). */
    private readonly serviceSid: (sidOrName: string) => string,
    /** The service's per-object write rate limit (54009). */
    private readonly recordWrite: (objectSid: string) => void,
  ) {}

  private now(): Date {
    return this.ctx.clock.now();
  }

  private state(service: string, sidOrName: string): ListState {
    const serviceSid = this.serviceSid(service);
    const sid = this.byName.get(`${serviceSid}/${sidOrName}`) ?? sidOrName;
    const found = this.lists.get(sid);
    if (!found || found.list.serviceSid !== serviceSid) {
      throw new NotFoundError(`/Services/${service}/Lists/${sidOrName}`);
    }
    return found;
  }

  private setExpiry(state: ListState, ttl: number | undefined): void {
    if (ttl === undefined) return;
    if (ttl < 0 || ttl > MAX_TTL_SECONDS) throw new InvalidTtlError(ttl);
    if (state.expiry) this.ctx.clock.clearTimer(state.expiry);
    state.expiry = null;
    state.list.dateExpires = null;
    if (ttl === 0) return;
    state.list.dateExpires = new Date(this.now().getTime() + ttl * 1000);
    state.expiry = this.ctx.clock.setTimer(ttl * 1000, () => {
      state.expiry = null;
      this.forget(state);
    });
  }

  private forget(state: ListState): void {
    this.lists.delete(state.list.sid);
    if (state.list.uniqueName !== null) this.byName.delete(`${state.list.serviceSid}/${state.list.uniqueName}`);
  }

  /** `CollectionTtl` wins over its alias `Ttl` (the spec: "If both are provided, this value is ignored"). */
  createSyncList(service: string, input: { uniqueName?: string; ttl?: number; collectionTtl?: number }): SyncList {
    const serviceSid = this.serviceSid(service);
    if (input.uniqueName !== undefined && this.byName.has(`${serviceSid}/${input.uniqueName}`)) {
      throw new UniqueNameTakenError(input.uniqueName);
    }
    const now = this.now();
    const list: SyncList = {
      sid: newSid("ES"),
      serviceSid,
      uniqueName: input.uniqueName ?? null,
      revision: "0",
      dateExpires: null,
      createdBy: "system",
      ...stamped(now),
    };
    const state: ListState = { list, items: [], nextIndex: 0, expiry: null };
    this.setExpiry(state, input.collectionTtl ?? input.ttl);
    this.lists.set(list.sid, state);
    if (list.uniqueName !== null) this.byName.set(`${serviceSid}/${list.uniqueName}`, list.sid);
    return list;
  }

  fetchSyncList(service: string, sidOrName: string): SyncList {
    return this.state(service, sidOrName).list;
  }

  /** Creation order. */
  listSyncList(service: string): SyncList[] {
    const serviceSid = this.serviceSid(service);
    return [...this.lists.values()].filter((s) => s.list.serviceSid === serviceSid).map((s) => s.list);
  }

  /** Only the TTL can change (`CollectionTtl` or its alias `Ttl`, as on create). */
  updateSyncList(service: string, sidOrName: string, input: { ttl?: number; collectionTtl?: number }): SyncList {
    const state = this.state(service, sidOrName);
    this.setExpiry(state, input.collectionTtl ?? input.ttl);
    state.list.dateUpdated = this.now();
    return state.list;
  }

  deleteSyncList(service: string, sidOrName: string): void {
    const state = this.state(service, sidOrName);
    if (state.expiry) this.ctx.clock.clearTimer(state.expiry);
    this.forget(state);
  }

  /** Appends at the next index; `collectionTtl` restarts the list's TTL. `data` may be JSON text (the form's). */
  createSyncListItem(service: string, list: string, input: { data: unknown; collectionTtl?: number }): SyncListItem {
    const data = syncData(input.data) ?? {};
    const state = this.state(service, list);
    const size = Buffer.byteLength(JSON.stringify(data), "utf8");
    if (size > ITEM_BYTES) throw new DataTooLargeError(size, ITEM_BYTES);
    this.recordWrite(state.list.sid);
    this.setExpiry(state, input.collectionTtl);
    const now = this.now();
    const item: SyncListItem = {
      index: state.nextIndex++,
      listSid: state.list.sid,
      serviceSid: state.list.serviceSid,
      data,
      revision: "0",
      createdBy: "system",
      ...stamped(now),
    };
    state.items.push(item);
    state.list.revision = String(Number(state.list.revision) + 1);
    state.list.dateUpdated = now;
    return item;
  }

  /** Ascending by index unless `order` is "desc" (`From` and `Bounds` are not modelled). */
  listSyncListItem(service: string, list: string, input: { order?: "asc" | "desc" } = {}): SyncListItem[] {
    const items = [...this.state(service, list).items];
    return input.order === "desc" ? items.reverse() : items;
  }

  /** `index` is the path's text. */
  fetchSyncListItem(service: string, list: string, index: string): SyncListItem {
    const wanted = Number(index);
    if (!Number.isInteger(wanted) || wanted < 0)
      throw new InvalidParameterError("Index must be a non-negative integer");
    const found = this.state(service, list).items.find((item) => item.index === wanted);
    if (!found) throw new NotFoundError(`/Services/${service}/Lists/${list}/Items/${index}`);
    return found;
  }

  /** Stops every TTL timer (twin stop or reset). */
  dispose(): void {
    for (const state of this.lists.values()) if (state.expiry) this.ctx.clock.clearTimer(state.expiry);
    this.lists.clear();
    this.byName.clear();
  }
}
