// Sync Lists and their items (https://www.twilio.com/docs/sync/api/list-resource,
// https://www.twilio.com/docs/sync/api/listitem-resource): a list is addressed by SID or unique
// name, expires with its collection TTL on the twin's clock, and appends items with increasing
// indexes; an item's data is a JSON object of at most 16 KiB (the OpenAPI description's limit).
// Item writes count against the list's per-object write rate (UNCONFIRMED: Twilio's limits page
// states the per-object rate without saying how collection items count).
import { found, InvalidParameterError } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { DataTooLargeError, syncData } from "./errors";
import { checkTtl, SyncObjects } from "./objects";
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

// Each list's items and the index the next one gets, beside the list record (which is serialised).
interface ListContents {
  items: SyncListItem[];
  nextIndex: number;
}

const ITEM_BYTES = 16 * 1024;

export class SyncLists {
  private readonly lists: SyncObjects<SyncList>;
  private readonly contents = new Map<string, ListContents>();

  constructor(
    private readonly ctx: BackendContext,
    /** Resolves a service SID or unique name to its SID (404 when unknown). */
    private readonly serviceSid: (sidOrName: string) => string,
    /** The service's per-object write rate limit (54009). */
    private readonly recordWrite: (objectSid: string) => void,
  ) {
    this.lists = new SyncObjects(ctx.clock, "Lists", (list) => this.contents.delete(list.sid));
  }

  private list(service: string, sidOrName: string): SyncList {
    return this.lists.get(this.serviceSid(service), sidOrName, service);
  }

  /** `CollectionTtl` wins over its alias `Ttl` (the spec: "If both are provided, this value is ignored"). */
  createSyncList(service: string, input: { uniqueName?: string; ttl?: number; collectionTtl?: number }): SyncList {
    const serviceSid = this.serviceSid(service);
    const ttl = input.collectionTtl ?? input.ttl;
    checkTtl(ttl);
    const list = this.lists.add({
      sid: newSid("ES"),
      serviceSid,
      uniqueName: input.uniqueName ?? null,
      revision: "0",
      dateExpires: null,
      createdBy: "system",
      ...stamped(this.ctx.clock.now()),
    });
    this.contents.set(list.sid, { items: [], nextIndex: 0 });
    this.lists.expireIn(list, ttl);
    return list;
  }

  fetchSyncList(service: string, sidOrName: string): SyncList {
    return this.list(service, sidOrName);
  }

  /** Creation order. */
  listSyncList(service: string): SyncList[] {
    return this.lists.list(this.serviceSid(service));
  }

  /** Only the TTL can change (`CollectionTtl` or its alias `Ttl`, as on create). */
  updateSyncList(service: string, sidOrName: string, input: { ttl?: number; collectionTtl?: number }): SyncList {
    const list = this.list(service, sidOrName);
    this.lists.expireIn(list, input.collectionTtl ?? input.ttl);
    list.dateUpdated = this.ctx.clock.now();
    return list;
  }

  deleteSyncList(service: string, sidOrName: string): void {
    const list = this.list(service, sidOrName);
    this.lists.remove(list);
    this.contents.delete(list.sid);
  }

  /** Appends at the next index; `collectionTtl` restarts the list's TTL. `data` may be JSON text (the form's). */
  createSyncListItem(service: string, list: string, input: { data: unknown; collectionTtl?: number }): SyncListItem {
    const data = syncData(input.data) ?? {};
    const found = this.list(service, list);
    const size = Buffer.byteLength(JSON.stringify(data), "utf8");
    if (size > ITEM_BYTES) throw new DataTooLargeError(size, ITEM_BYTES);
    this.recordWrite(found.sid);
    this.lists.expireIn(found, input.collectionTtl);
    const contents = this.contents.get(found.sid) as ListContents;
    const now = this.ctx.clock.now();
    const item: SyncListItem = {
      index: contents.nextIndex++,
      listSid: found.sid,
      serviceSid: found.serviceSid,
      data,
      revision: "0",
      createdBy: "system",
      ...stamped(now),
    };
    contents.items.push(item);
    found.revision = String(Number(found.revision) + 1);
    found.dateUpdated = now;
    return item;
  }

  /** Ascending by index unless `order` is "desc" (`From` and `Bounds` are not modelled). */
  listSyncListItem(service: string, list: string, input: { order?: "asc" | "desc" } = {}): SyncListItem[] {
    const items = [...this.itemsOf(service, list)];
    return input.order === "desc" ? items.reverse() : items;
  }

  /** `index` is the path's text. */
  fetchSyncListItem(service: string, list: string, index: string): SyncListItem {
    const wanted = Number(index);
    if (!Number.isInteger(wanted) || wanted < 0)
      throw new InvalidParameterError("Index must be a non-negative integer");
    const item = this.itemsOf(service, list).find((candidate) => candidate.index === wanted);
    return found(item, `/Services/${service}/Lists/${list}/Items/${index}`);
  }

  private itemsOf(service: string, list: string): SyncListItem[] {
    return this.contents.get(this.list(service, list).sid)?.items ?? [];
  }

  /** Stops every TTL timer (twin stop or reset). */
  dispose(): void {
    this.lists.dispose();
    this.contents.clear();
  }
}
