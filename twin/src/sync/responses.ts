// Sync's answers: the serialisers (routes.ts serves the standard operations with them) and the
// document handlers, whose answers carry the revision as ETag, as Twilio's do.
import { iso } from "../http/dates";
import { specInput } from "../http/operations";
import { noContent } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, wire } from "../http/wire";
import type { DocumentPermission, SyncBackend, SyncDocument, SyncService } from "./backend";
import type { SyncList, SyncListItem } from "./lists";

const BASE = "https://sync.twilio.com/v1";
const acct = (req: TwinRequest): string => req.account.accountSid;

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

// Sync services link to all four object kinds even though the twin serves documents and lists only.
export function serializeService(s: SyncService, req: TwinRequest): Record<string, unknown> {
  const url = `${BASE}/Services/${s.sid}`;
  return wire(s, iso, { account_sid: acct(req), url, links: links(url, "Documents Lists Maps Streams") });
}

/** `data` is an object (not text) in Sync answers, unlike TaskRouter attributes. */
export function serializeDocument(d: SyncDocument, req: TwinRequest): Record<string, unknown> {
  const url = `${BASE}/Services/${d.serviceSid}/Documents/${d.sid}`;
  return wire(d, iso, { account_sid: acct(req), url, links: links(url, "Permissions") });
}

// Identities may hold characters that need escaping in the URL.
export function serializePermission(p: DocumentPermission, req: TwinRequest): Record<string, unknown> {
  const url = `${BASE}/Services/${p.serviceSid}/Documents/${p.documentSid}/Permissions/${encodeURIComponent(p.identity)}`;
  return wire(p, iso, { account_sid: acct(req), url });
}

// ---- Lists and their items (backend: ./lists.ts; `sync_list` and `sync_list_item` of twilio_sync_v1.json) ----

export function serializeList(l: SyncList, req: TwinRequest): Record<string, unknown> {
  const url = `${BASE}/Services/${l.serviceSid}/Lists/${l.sid}`;
  return wire(l, iso, { account_sid: acct(req), url, links: links(url, "Items Permissions") });
}

// Items do not expire on their own in the twin: date_expires is always null.
export function serializeItem(i: SyncListItem, req: TwinRequest): Record<string, unknown> {
  const url = `${BASE}/Services/${i.serviceSid}/Lists/${i.listSid}/Items/${i.index}`;
  return wire(i, iso, { account_sid: acct(req), url, date_expires: null });
}

// ---- Documents: the answers carry the revision as ETag; update and delete honour If-Match ----

const sync = (req: TwinRequest): SyncBackend => req.account.sync;

function ifMatch(req: TwinRequest): string | undefined {
  const value = req.headers["if-match"];
  const text = Array.isArray(value) ? value[0] : value;
  // Clients may quote the ETag.
  return text === undefined ? undefined : text.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

function documentAnswer(status: number, req: TwinRequest, d: SyncDocument): TwinResponse {
  return { status, body: serializeDocument(d, req), headers: { ETag: d.revision } };
}

export function createDocument(req: TwinRequest): TwinResponse {
  return documentAnswer(201, req, sync(req).createDocument(req.params.ServiceSid, specInput(req)));
}

export function fetchDocument(req: TwinRequest): TwinResponse {
  return documentAnswer(200, req, sync(req).fetchDocument(req.params.ServiceSid, req.params.Sid));
}

export function updateDocument(req: TwinRequest): TwinResponse {
  const input = { ...specInput(req), ifMatch: ifMatch(req) };
  return documentAnswer(200, req, sync(req).updateDocument(req.params.ServiceSid, req.params.Sid, input));
}

export function deleteDocument(req: TwinRequest): TwinResponse {
  sync(req).deleteDocument(req.params.ServiceSid, req.params.Sid, ifMatch(req));
  return noContent();
}
