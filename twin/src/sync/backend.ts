// Sync state and rules for one account: services, documents (revisions, If-Match, TTL through
// the Clock, the 16 KiB limit, the per-object write rate limit) and document permissions.
import { found } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { bySidOrName, type Dated, patch, stamped } from "../util";
import { SyncLists } from "./lists";
import { checkTtl, SyncObjects } from "./objects";
import { DataTooLargeError, RateLimitError, RevisionMismatchError, syncData, UniqueNameTakenError } from "./errors";

/** Sync's limits (https://www.twilio.com/docs/sync/limits). */
export const SYNC_LIMITS = {
  documentBytes: 16 * 1024,
  /** Writes per second per object, averaged over the burst window. */
  writesPerSecond: 20,
  burstWindowSeconds: 10,
};

export interface SyncService extends Dated {
  sid: string;
  uniqueName: string | null;
  friendlyName: string | null;
  aclEnabled: boolean;
  webhookUrl: string | null;
  webhooksFromRestEnabled: boolean;
  reachabilityWebhooksEnabled: boolean;
  reachabilityDebouncingEnabled: boolean;
  reachabilityDebouncingWindow: number;
}

export interface SyncDocument extends Dated {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  data: Record<string, unknown>;
  /** Increments on every write; sent as ETag and compared with If-Match. */
  revision: string;
  dateExpires: Date | null;
  /** Identity that wrote it; "system" for REST writes. */
  createdBy: string;
}

export interface DocumentPermission {
  serviceSid: string;
  documentSid: string;
  identity: string;
  read: boolean;
  write: boolean;
  manage: boolean;
}

interface ServiceState {
  service: SyncService;
  // Permissions by document SID, then identity.
  permissions: Map<string, Map<string, DocumentPermission>>;
}

export class SyncBackend {
  // Services by SID (IS...).
  private readonly services = new Map<string, ServiceState>();
  /** Documents of every service, by SID and by unique name: one lookup per request even with thousands of conferences (P3). */
  private readonly documents: SyncObjects<SyncDocument>;
  // Recent write times (ms) per object SID, for the rate limit.
  private readonly writes = new Map<string, number[]>();
  /** Tests and benchmarks may turn the per-object write limit off (P3 compares both). */
  enforceWriteRateLimit = true;

  /** Sync Lists and their items (./lists.ts). */
  readonly lists: SyncLists;

  constructor(private readonly ctx: BackendContext) {
    this.documents = new SyncObjects(ctx.clock, "Documents", (doc) => {
      this.services.get(doc.serviceSid)?.permissions.delete(doc.sid);
      ctx.events.emit("documentDeleted", { accountSid: ctx.accountSid, document: doc, expired: true });
    });
    this.lists = new SyncLists(
      ctx,
      (sid) => this.svc(sid).service.sid,
      (sid) => this.recordWrite(sid),
    );
  }

  private now(): Date {
    return this.ctx.clock.now();
  }

  /** Services are addressable by SID or unique name (Flex's is "default"). */
  private svc(serviceSid: string): ServiceState {
    return found(
      bySidOrName(this.services, serviceSid, (s) => s.service.uniqueName),
      `/Services/${serviceSid}`,
    );
  }

  // ---- Services ----

  /** ACLs are off unless asked for; the unique name is optional but unique. */
  createService(input: Partial<Omit<SyncService, "sid" | "dateCreated" | "dateUpdated">>): SyncService {
    const now = this.now();
    const service: SyncService = {
      sid: newSid("IS"),
      uniqueName: input.uniqueName ?? null,
      friendlyName: input.friendlyName ?? null,
      aclEnabled: input.aclEnabled ?? false,
      webhookUrl: input.webhookUrl ?? null,
      webhooksFromRestEnabled: input.webhooksFromRestEnabled ?? false,
      reachabilityWebhooksEnabled: input.reachabilityWebhooksEnabled ?? false,
      reachabilityDebouncingEnabled: input.reachabilityDebouncingEnabled ?? false,
      reachabilityDebouncingWindow: input.reachabilityDebouncingWindow ?? 5000,
      ...stamped(now),
    };
    if (service.uniqueName && [...this.services.values()].some((s) => s.service.uniqueName === service.uniqueName)) {
      throw new UniqueNameTakenError(service.uniqueName);
    }
    this.services.set(service.sid, { service, permissions: new Map() });
    return service;
  }

  /** By SID or unique name ("default" is the Flex account's default service's unique name). */
  fetchService(sid: string): SyncService {
    return this.svc(sid).service;
  }

  /** Creation order. */
  listService(): SyncService[] {
    return [...this.services.values()].map((s) => s.service);
  }

  /** The unique name is fixed once set. */
  updateService(
    sid: string,
    input: Partial<Omit<SyncService, "sid" | "uniqueName" | "dateCreated" | "dateUpdated">>,
  ): SyncService {
    return patch(this.svc(sid).service, input, this.now());
  }

  /** Its documents' TTL timers go with it. */
  deleteService(sid: string): void {
    const state = this.svc(sid);
    for (const doc of this.documents.list(state.service.sid)) this.documents.remove(doc);
    this.services.delete(state.service.sid);
  }

  // ---- Documents ----

  /** Sync measures the JSON text of the data. */
  private checkData(data: Record<string, unknown>): void {
    const size = Buffer.byteLength(JSON.stringify(data), "utf8");
    if (size > SYNC_LIMITS.documentBytes) throw new DataTooLargeError(size, SYNC_LIMITS.documentBytes);
  }

  /** Counts a write against the object's limit: at most writesPerSecond × window writes in the last window. */
  private recordWrite(sid: string): void {
    if (!this.enforceWriteRateLimit) return;
    const nowMs = this.now().getTime();
    const windowMs = SYNC_LIMITS.burstWindowSeconds * 1000;
    const recent = (this.writes.get(sid) ?? []).filter((t) => t > nowMs - windowMs);
    if (recent.length >= SYNC_LIMITS.writesPerSecond * SYNC_LIMITS.burstWindowSeconds) {
      this.writes.set(sid, recent);
      throw new RateLimitError(sid);
    }
    recent.push(nowMs);
    this.writes.set(sid, recent);
  }

  /** Revision starts at "0"; a unique name must be free in the service. `data` may be JSON text (the form's). */
  createDocument(serviceSid: string, input: { uniqueName?: string; data?: unknown; ttl?: number }): SyncDocument {
    const data = syncData(input.data) ?? {};
    const state = this.svc(serviceSid);
    this.checkData(data);
    checkTtl(input.ttl);
    const doc = this.documents.add({
      sid: newSid("ET"),
      serviceSid: state.service.sid,
      uniqueName: input.uniqueName ?? null,
      data,
      revision: "0",
      dateExpires: null,
      createdBy: "system",
      ...stamped(this.now()),
    });
    this.recordWrite(doc.sid);
    this.documents.expireIn(doc, input.ttl);
    this.ctx.events.emit("documentCreated", { accountSid: this.ctx.accountSid, document: doc });
    return doc;
  }

  fetchDocument(serviceSid: string, sidOrName: string): SyncDocument {
    return this.documents.get(this.svc(serviceSid).service.sid, sidOrName, serviceSid);
  }

  /** Creation order. */
  listDocument(serviceSid: string): SyncDocument[] {
    return this.documents.list(this.svc(serviceSid).service.sid);
  }

  /** Replaces data and/or TTL; with `ifMatch`, only when the revision still matches (54103 otherwise). */
  updateDocument(
    serviceSid: string,
    sidOrName: string,
    input: { data?: unknown; ttl?: number; ifMatch?: string },
  ): SyncDocument {
    const data = syncData(input.data);
    const doc = this.fetchDocument(serviceSid, sidOrName);
    if (input.ifMatch !== undefined && input.ifMatch !== doc.revision) {
      throw new RevisionMismatchError(doc.sid, input.ifMatch, doc.revision);
    }
    if (data !== undefined) this.checkData(data);
    checkTtl(input.ttl);
    this.recordWrite(doc.sid);
    if (data !== undefined) {
      doc.data = data;
      doc.revision = String(Number(doc.revision) + 1);
    }
    this.documents.expireIn(doc, input.ttl);
    doc.dateUpdated = this.now();
    this.ctx.events.emit("documentUpdated", { accountSid: this.ctx.accountSid, document: doc });
    return doc;
  }

  /** With If-Match, only the expected revision may be deleted. */
  deleteDocument(serviceSid: string, sidOrName: string, ifMatch?: string): void {
    const doc = this.fetchDocument(serviceSid, sidOrName);
    if (ifMatch !== undefined && ifMatch !== doc.revision)
      throw new RevisionMismatchError(doc.sid, ifMatch, doc.revision);
    this.documents.remove(doc);
    this.svc(serviceSid).permissions.delete(doc.sid);
    this.ctx.events.emit("documentDeleted", { accountSid: this.ctx.accountSid, document: doc, expired: false });
  }

  // ---- Document permissions ----

  /** The document's permissions by identity (an empty map until something is granted). */
  private grants(serviceSid: string, documentSid: string): Map<string, DocumentPermission> {
    const state = this.svc(serviceSid);
    const doc = this.fetchDocument(serviceSid, documentSid);
    let byIdentity = state.permissions.get(doc.sid);
    if (!byIdentity) state.permissions.set(doc.sid, (byIdentity = new Map()));
    return byIdentity;
  }

  /** One entry per identity that was granted something. */
  listDocumentPermission(serviceSid: string, documentSid: string): DocumentPermission[] {
    return [...this.grants(serviceSid, documentSid).values()];
  }

  /** Identities without an entry are not found (not "no rights"). */
  fetchDocumentPermission(serviceSid: string, documentSid: string, identity: string): DocumentPermission {
    const path = `/Services/${serviceSid}/Documents/${documentSid}/Permissions/${identity}`;
    return found(this.grants(serviceSid, documentSid).get(identity), path);
  }

  /** Creates or replaces an identity's permission (Twilio's update is an upsert). */
  updateDocumentPermission(
    serviceSid: string,
    documentSid: string,
    identity: string,
    input: { read: boolean; write: boolean; manage: boolean },
  ): DocumentPermission {
    const doc = this.fetchDocument(serviceSid, documentSid);
    const permission = { serviceSid: doc.serviceSid, documentSid: doc.sid, identity, ...input };
    this.grants(serviceSid, documentSid).set(identity, permission);
    return permission;
  }

  /** Removing the entry takes away every right of that identity. */
  deleteDocumentPermission(serviceSid: string, documentSid: string, identity: string): void {
    this.fetchDocumentPermission(serviceSid, documentSid, identity);
    this.grants(serviceSid, documentSid).delete(identity);
  }

  /** Stops every TTL timer of the account (twin stop or reset). */
  dispose(): void {
    this.lists.dispose();
    this.documents.dispose();
  }
}
