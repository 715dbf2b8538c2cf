// Sync's URL table (paths as in twilio_sync_v1.json).
import { routeTable } from "../http/router";
import * as r from "./responses";

const DOCS = "/v1/Services/{ServiceSid}/Documents";
const LISTS = "/v1/Services/{ServiceSid}/Lists";

export const syncRoutes = routeTable("sync.twilio.com", [
  // Services ({Sid} may be the unique name, e.g. "default").
  ["GET", "/v1/Services", r.listService],
  ["POST", "/v1/Services", r.createService],
  ["GET", "/v1/Services/{Sid}", r.fetchService],
  ["POST", "/v1/Services/{Sid}", r.updateService],
  ["DELETE", "/v1/Services/{Sid}", r.deleteService],
  // Documents ({Sid} may be the unique name). Maps and streams are not served.
  ["GET", DOCS, r.listDocument],
  ["POST", DOCS, r.createDocument],
  ["GET", `${DOCS}/{Sid}`, r.fetchDocument],
  ["POST", `${DOCS}/{Sid}`, r.updateDocument],
  ["DELETE", `${DOCS}/{Sid}`, r.deleteDocument],
  // Per-identity permissions, enforced by Sync when the service has ACLs on.
  ["GET", `${DOCS}/{DocumentSid}/Permissions`, r.listDocumentPermission],
  ["GET", `${DOCS}/{DocumentSid}/Permissions/{Identity}`, r.fetchDocumentPermission],
  ["POST", `${DOCS}/{DocumentSid}/Permissions/{Identity}`, r.updateDocumentPermission],
  ["DELETE", `${DOCS}/{DocumentSid}/Permissions/{Identity}`, r.deleteDocumentPermission],
  // Lists ({Sid}/{ListSid} may be the unique name) and their items; list permissions are not served.
  ["GET", LISTS, r.listSyncList],
  ["POST", LISTS, r.createSyncList],
  ["GET", `${LISTS}/{Sid}`, r.fetchSyncList],
  ["POST", `${LISTS}/{Sid}`, r.updateSyncList],
  ["DELETE", `${LISTS}/{Sid}`, r.deleteSyncList],
  ["GET", `${LISTS}/{ListSid}/Items`, r.listSyncListItem],
  ["POST", `${LISTS}/{ListSid}/Items`, r.createSyncListItem],
  ["GET", `${LISTS}/{ListSid}/Items/{Index}`, r.fetchSyncListItem],
]);
