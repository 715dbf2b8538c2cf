// Sync: parse each request, call the backend, serialise Twilio's JSON. Document answers carry
// the revision as ETag, as Twilio's do.
import { iso } from "../http/dates";
import { InvalidParameterError } from "../http/errors";
import { pageV1 } from "../http/paging";
import { optionalBool, optionalInt, optionalString, Params, requiredString } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import type { DocumentPermission, SyncBackend, SyncDocument, SyncService } from "./backend";
import { InvalidDataError } from "./errors";
import type { SyncList, SyncListItem, SyncLists } from "./lists";

const BASE = "https://sync.twilio.com/v1";

// Sync services link to all four object kinds even though the twin serves documents only.
function serializeService(accountSid: string, s: SyncService): Record<string, unknown> {
  const url = `${BASE}/Services/${s.sid}`;
  return {
    sid: s.sid,
    unique_name: s.uniqueName,
    account_sid: accountSid,
    friendly_name: s.friendlyName,
    date_created: iso(s.dateCreated),
    date_updated: iso(s.dateUpdated),
    url,
    webhook_url: s.webhookUrl,
    webhooks_from_rest_enabled: s.webhooksFromRestEnabled,
    reachability_webhooks_enabled: s.reachabilityWebhooksEnabled,
    acl_enabled: s.aclEnabled,
    reachability_debouncing_enabled: s.reachabilityDebouncingEnabled,
    reachability_debouncing_window: s.reachabilityDebouncingWindow,
    links: {
      documents: `${url}/Documents`,
      lists: `${url}/Lists`,
      maps: `${url}/Maps`,
      streams: `${url}/Streams`,
    },
  };
}

/** `data` is an object (not text) in Sync answers, unlike TaskRouter attributes. */
function serializeDocument(accountSid: string, d: SyncDocument): Record<string, unknown> {
  const url = `${BASE}/Services/${d.serviceSid}/Documents/${d.sid}`;
  return {
    sid: d.sid,
    unique_name: d.uniqueName,
    account_sid: accountSid,
    service_sid: d.serviceSid,
    url,
    links: { permissions: `${url}/Permissions` },
    revision: d.revision,
    data: d.data,
    date_expires: iso(d.dateExpires),
    date_created: iso(d.dateCreated),
    date_updated: iso(d.dateUpdated),
    created_by: d.createdBy,
  };
}

// Identities may hold characters that need escaping in the URL.
function serializePermission(accountSid: string, p: DocumentPermission): Record<string, unknown> {
  return {
    account_sid: accountSid,
    service_sid: p.serviceSid,
    document_sid: p.documentSid,
    identity: p.identity,
    read: p.read,
    write: p.write,
    manage: p.manage,
    url: `${BASE}/Services/${p.serviceSid}/Documents/${p.documentSid}/Permissions/${encodeURIComponent(p.identity)}`,
  };
}

const sync = (req: TwinRequest): SyncBackend => req.account.sync;
const acct = (req: TwinRequest): string => req.account.accountSid;

/** Fields create and update share (UniqueName is create-only). */
function serviceInput(params: Params) {
  return {
    friendlyName: optionalString(params, "FriendlyName"),
    webhookUrl: optionalString(params, "WebhookUrl"),
    aclEnabled: optionalBool(params, "AclEnabled"),
    webhooksFromRestEnabled: optionalBool(params, "WebhooksFromRestEnabled"),
    reachabilityWebhooksEnabled: optionalBool(params, "ReachabilityWebhooksEnabled"),
    reachabilityDebouncingEnabled: optionalBool(params, "ReachabilityDebouncingEnabled"),
    reachabilityDebouncingWindow: optionalInt(params, "ReachabilityDebouncingWindow"),
  };
}

export function createService(req: TwinRequest): TwinResponse {
  const s = sync(req).createService({ uniqueName: optionalString(req.form, "UniqueName"), ...serviceInput(req.form) });
  return created(serializeService(acct(req), s));
}

export function fetchService(req: TwinRequest): TwinResponse {
  return ok(serializeService(acct(req), sync(req).fetchService(req.params.Sid)));
}

export function listService(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(sync(req).listService(), {
      listUrl: `${BASE}/Services`,
      key: "services",
      query: req.query,
      serialize: (s) => serializeService(acct(req), s),
    }),
  );
}

export function updateService(req: TwinRequest): TwinResponse {
  return ok(serializeService(acct(req), sync(req).updateService(req.params.Sid, serviceInput(req.form))));
}

export function deleteService(req: TwinRequest): TwinResponse {
  sync(req).deleteService(req.params.Sid);
  return noContent();
}

/** `Data` is a JSON object as text. */
function dataParam(params: Params): Record<string, unknown> | undefined {
  const text = optionalString(params, "Data");
  if (text === undefined) return undefined;
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

/** `Data` (required) is a JSON object as text. */
function requiredData(params: Params): Record<string, unknown> {
  requiredString(params, "Data");
  return dataParam(params) as Record<string, unknown>;
}

function ifMatch(req: TwinRequest): string | undefined {
  const value = req.headers["if-match"];
  const text = Array.isArray(value) ? value[0] : value;
  // Clients may quote the ETag.
  return text === undefined ? undefined : text.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

function documentAnswer(status: number, accountSid: string, d: SyncDocument): TwinResponse {
  return { status, body: serializeDocument(accountSid, d), headers: { ETag: d.revision } };
}

export function createDocument(req: TwinRequest): TwinResponse {
  const d = sync(req).createDocument(req.params.ServiceSid, {
    uniqueName: optionalString(req.form, "UniqueName"),
    data: dataParam(req.form),
    ttl: optionalInt(req.form, "Ttl"),
  });
  return documentAnswer(201, acct(req), d);
}

export function fetchDocument(req: TwinRequest): TwinResponse {
  return documentAnswer(200, acct(req), sync(req).fetchDocument(req.params.ServiceSid, req.params.Sid));
}

export function listDocument(req: TwinRequest): TwinResponse {
  return ok(
    pageV1(sync(req).listDocument(req.params.ServiceSid), {
      listUrl: `${BASE}/Services/${req.params.ServiceSid}/Documents`,
      key: "documents",
      query: req.query,
      serialize: (d) => serializeDocument(acct(req), d),
    }),
  );
}

export function updateDocument(req: TwinRequest): TwinResponse {
  const d = sync(req).updateDocument(req.params.ServiceSid, req.params.Sid, {
    data: dataParam(req.form),
    ttl: optionalInt(req.form, "Ttl"),
    ifMatch: ifMatch(req),
  });
  return documentAnswer(200, acct(req), d);
}

export function deleteDocument(req: TwinRequest): TwinResponse {
  sync(req).deleteDocument(req.params.ServiceSid, req.params.Sid, ifMatch(req));
  return noContent();
}

export function listDocumentPermission(req: TwinRequest): TwinResponse {
  const { ServiceSid, DocumentSid } = req.params;
  return ok(
    pageV1(sync(req).listDocumentPermission(ServiceSid, DocumentSid), {
      listUrl: `${BASE}/Services/${ServiceSid}/Documents/${DocumentSid}/Permissions`,
      key: "permissions",
      query: req.query,
      serialize: (p) => serializePermission(acct(req), p),
    }),
  );
}

export function fetchDocumentPermission(req: TwinRequest): TwinResponse {
  const { ServiceSid, DocumentSid, Identity } = req.params;
  return ok(serializePermission(acct(req), sync(req).fetchDocumentPermission(ServiceSid, DocumentSid, Identity)));
}

/** Read, Write and Manage are all required by Twilio; the update is an upsert. */
export function updateDocumentPermission(req: TwinRequest): TwinResponse {
  const { ServiceSid, DocumentSid, Identity } = req.params;
  const flag = (name: string): boolean => {
    const value = optionalBool(req.form, name);
    if (value === undefined) requiredString(req.form, name);
    return value ?? false;
  };
  const p = sync(req).updateDocumentPermission(ServiceSid, DocumentSid, Identity, {
    read: flag("Read"),
    write: flag("Write"),
    manage: flag("Manage"),
  });
  return ok(serializePermission(acct(req), p));
}

export function deleteDocumentPermission(req: TwinRequest): TwinResponse {
  const { ServiceSid, DocumentSid, Identity } = req.params;
  sync(req).deleteDocumentPermission(ServiceSid, DocumentSid, Identity);
  return noContent();
}

// ---- Lists and their items (backend: ./lists.ts; `sync_list` and `sync_list_item` of twilio_sync_v1.json) ----

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

export function createSyncListItem(req: TwinRequest): TwinResponse {
  const item = lists(req).createItem(req.params.ServiceSid, req.params.ListSid, {
    data: requiredData(req.form),
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
