// Sync: parse each request, call the backend, serialise Twilio's JSON. Document answers carry
// the revision as ETag, as Twilio's do.
import { iso } from "../http/dates";
import { pageV1 } from "../http/paging";
import { optionalBool, optionalInt, optionalString, Params, requiredString } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import type { DocumentPermission, SyncBackend, SyncDocument, SyncService } from "./backend";
import { InvalidDataError } from "./errors";

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
