// Sync's URL table (paths as in twilio_sync_v1.json). A row naming an operation is served by the
// backend method of that name (http/operations.ts): documents' on SyncBackend, lists' on its
// SyncLists (./lists.ts); the rest by a handler.
import { resource, routeTable } from "../http/router";
import * as r from "./responses";

const HOST = "sync.twilio.com";
const DOCS = "/v1/Services/{ServiceSid}/Documents";
const LISTS = "/v1/Services/{ServiceSid}/Lists";

export const syncRoutes = [
  ...routeTable(
    HOST,
    [
      // Services ({Sid} may be the unique name, e.g. "default").
      ...resource("Service", "/v1/Services", r.serializeService),
      // Documents ({Sid} may be the unique name; ETags). Maps and streams are not served.
      ["GET", DOCS, "listDocument", r.serializeDocument],
      ["POST", DOCS, r.createDocument],
      ["GET", `${DOCS}/{Sid}`, r.fetchDocument],
      ["POST", `${DOCS}/{Sid}`, r.updateDocument],
      ["DELETE", `${DOCS}/{Sid}`, r.deleteDocument],
      // Per-identity permissions, enforced by Sync when the service has ACLs on.
      ...resource(
        "DocumentPermission",
        `${DOCS}/{DocumentSid}/Permissions`,
        r.serializePermission,
        "list fetch update delete",
        `${DOCS}/{DocumentSid}/Permissions/{Identity}`,
      ),
    ],
    (account) => account.sync,
  ),
  ...routeTable(
    HOST,
    [
      // Lists ({Sid}/{ListSid} may be the unique name) and their items; list permissions are not served.
      ...resource("SyncList", LISTS, r.serializeList),
      ...resource(
        "SyncListItem",
        `${LISTS}/{ListSid}/Items`,
        r.serializeItem,
        "list create fetch",
        `${LISTS}/{ListSid}/Items/{Index}`,
      ),
    ],
    (account) => account.sync.lists,
  ),
];
