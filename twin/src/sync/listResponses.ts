// Sync Lists and items: parse, call the backend (./lists.ts), serialise Twilio's JSON
// (`sync.v1.service.sync_list` and `…sync_list_item` of twilio_sync_v1.json).
import { iso } from "../http/dates";
import { InvalidParameterError } from "../http/errors";
import { pageV1 } from "../http/paging";
import { optionalInt, optionalString, requiredString } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { InvalidDataError } from "./errors";
import type { SyncList, SyncListItem, SyncLists } from "./lists";

const BASE = "https://sync.twilio.com/v1";

function serializeList(accountSid: string, l: SyncList): Record<string, unknown> {
  const url = `${BASE}/Services/${l.serviceSid}/Lists/${l.sid}`;
  return {
    sid: l.sid,
    unique_name: l.uniqueName,
    account_sid: accountSid,
    service_sid: l.serviceSid,
    url,
    links: { items: `${url}/Items`, permissions: `${url}/Permissions` },
    revision: l.revision,
    date_expires: iso(l.dateExpires),
    date_created: iso(l.dateCreated),
    date_updated: iso(l.dateUpdated),
    created_by: l.createdBy,
  };
}

function serializeItem(accountSid: string, i: SyncListItem): Record<string, unknown> {
  return {
    index: i.index,
    account_sid: accountSid,
    service_sid: i.serviceSid,
    list_sid: i.listSid,
    url: `${BASE}/Services/${i.serviceSid}/Lists/${i.listSid}/Items/${i.index}`,
    revision: i.revision,
    data: i.data,
    date_expires: null,
    date_created: iso(i.dateCreated),
    date_updated: iso(i.dateUpdated),
    created_by: i.createdBy,
  };
}

const lists = (req: TwinRequest): SyncLists => req.account.sync.lists;
const acct = (req: TwinRequest): string => req.account.accountSid;

/** `CollectionTtl` wins over its alias `Ttl` (the spec: "If both are provided, this value is ignored"). */
const collectionTtl = (req: TwinRequest) => optionalInt(req.form, "CollectionTtl") ?? optionalInt(req.form, "Ttl");

export function createSyncList(req: TwinRequest): TwinResponse {
  const l = lists(req).createList(req.params.ServiceSid, {
    uniqueName: optionalString(req.form, "UniqueName"),
    ttl: collectionTtl(req),
  });
  return created(serializeList(acct(req), l));
}

export function fetchSyncList(req: TwinRequest): TwinResponse {
  return ok(serializeList(acct(req), lists(req).fetchList(req.params.ServiceSid, req.params.Sid)));
}

export function updateSyncList(req: TwinRequest): TwinResponse {
  const l = lists(req).updateList(req.params.ServiceSid, req.params.Sid, { ttl: collectionTtl(req) });
  return ok(serializeList(acct(req), l));
}

export function deleteSyncList(req: TwinRequest): TwinResponse {
  lists(req).deleteList(req.params.ServiceSid, req.params.Sid);
  return noContent();
}

export function listSyncList(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(lists(req).listList(req.params.ServiceSid), {
      listUrl: `${BASE}/Services/${req.params.ServiceSid}/Lists`,
      key: "lists",
      query: req.query,
      serialize: (l) => serializeList(acct(req), l),
    }),
  );
}

/** `Data` (required) is a JSON object as text. */
function itemData(req: TwinRequest): Record<string, unknown> {
  const text = requiredString(req.form, "Data");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidDataError("Data is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidDataError("Data must be a JSON object");
  }
  return value as Record<string, unknown>;
}

export function createSyncListItem(req: TwinRequest): TwinResponse {
  const item = lists(req).createItem(req.params.ServiceSid, req.params.ListSid, {
    data: itemData(req),
    collectionTtl: optionalInt(req.form, "CollectionTtl"),
  });
  return created(serializeItem(acct(req), item));
}

export function listSyncListItem(req: TwinRequest): TwinResponse {
  const order = optionalString(req.query, "Order") ?? "asc";
  if (order !== "asc" && order !== "desc") throw new InvalidParameterError("Order must be asc or desc");
  return ok(
    pageV1(lists(req).listItem(req.params.ServiceSid, req.params.ListSid, order), {
      listUrl: `${BASE}/Services/${req.params.ServiceSid}/Lists/${req.params.ListSid}/Items`,
      key: "items",
      query: req.query,
      serialize: (i) => serializeItem(acct(req), i),
    }),
  );
}

export function fetchSyncListItem(req: TwinRequest): TwinResponse {
  const index = Number(req.params.Index);
  if (!Number.isInteger(index) || index < 0) throw new InvalidParameterError("Index must be a non-negative integer");
  return ok(serializeItem(acct(req), lists(req).fetchItem(req.params.ServiceSid, req.params.ListSid, index)));
}
