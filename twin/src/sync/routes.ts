// Sync's URL table (paths as in twilio_sync_v1.json). A row naming an operation is served by the
// backend method of that name (http/operations.ts): documents' on SyncBackend, lists' on its
// SyncLists (./lists.ts); the rest by a handler.
import { routeTable } from "../http/router";
import * as r from "./responses";

const HOST = "sync.twilio.com";
const DOCS = "/v1/Services/{ServiceSid}/Documents";
const LISTS = "/v1/Services/{ServiceSid}/Lists";

export const syncRoutes = [
  ...routeTable(
    HOST,
    [
      // Services ({Sid} may be the unique name, e.g. "default").
      ["GET", "/v1/Services", "listService", r.serializeService],
      ["POST", "/v1/Services", "createService", r.serializeService],
      ["GET", "/v1/Services/{Sid}", "fetchService", r.serializeService],
      ["POST", "/v1/Services/{Sid}", "updateService", r.serializeService],
      ["DELETE", "/v1/Services/{Sid}", "deleteService", r.serializeService],
      // Documents ({Sid} may be the unique name; ETags). Maps and streams are not served.
      ["GET", DOCS, "listDocument", r.serializeDocument],
      ["POST", DOCS, r.createDocument],
      ["GET", `${DOCS}/{Sid}`, r.fetchDocument],
      ["POST", `${DOCS}/{Sid}`, r.updateDocument],
      ["DELETE", `${DOCS}/{Sid}`, r.deleteDocument],
      // Per-identity permissions, enforced by Sync when the service has ACLs on.
      ["GET", `${DOCS}/{DocumentSid}/Permissions`, "listDocumentPermission", r.serializePermission],
      ["GET", `${DOCS}/{DocumentSid}/Permissions/{Identity}`, "fetchDocumentPermission", r.serializePermission],
      ["POST", `${DOCS}/{DocumentSid}/Permissions/{Identity}`, "updateDocumentPermission", r.serializePermission],
      ["DELETE", `${DOCS}/{DocumentSid}/Permissions/{Identity}`, "deleteDocumentPermission", r.serializePermission],
    ],
    (account) => account.sync,
  ),
  ...routeTable(
    HOST,
    [
      // Lists ({Sid}/{ListSid} may be the unique name) and their items; list permissions are not served.
      ["GET", LISTS, "listSyncList", r.serializeList],
      ["POST", LISTS, "createSyncList", r.serializeList],
      ["GET", `${LISTS}/{Sid}`, "fetchSyncList", r.serializeList],
      ["POST", `${LISTS}/{Sid}`, "updateSyncList", r.serializeList],
      ["DELETE", `${LISTS}/{Sid}`, "deleteSyncList", r.serializeList],
      ["GET", `${LISTS}/{ListSid}/Items`, "listSyncListItem", r.serializeItem],
      ["POST", `${LISTS}/{ListSid}/Items`, "createSyncListItem", r.serializeItem],
      ["GET", `${LISTS}/{ListSid}/Items/{Index}`, "fetchSyncListItem", r.serializeItem],
    ],
    (account) => account.sync.lists,
  ),
];
