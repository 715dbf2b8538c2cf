// A small node:http stand-in for the Twilio REST endpoints the functions call, reached through
// the client factory's TWILIO_API_BASE_URL (`<base>/<twilio host>/<path>`), so handler tests run
// the real `twilio` SDK, the real request client and the real If-Match semantics. Not the twin:
// only what these tests need, with two test controls — `hold()` queues responses until
// `release()` (to force races and to observe which calls run in parallel) and `failNext()`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TWIN_CORRELATION_HEADER } from "@flex-call-recovery/twin/url";
import type { ConferenceParticipant } from "../../src/recovery/types";

export interface SyncDocument {
  sid: string;
  uniqueName: string;
  data: unknown;
  revision: number;
  /** Sync identity → permissions granted on this document. */
  permissions: Map<string, { read: boolean; write: boolean; manage: boolean }>;
}
export interface FakeTask {
  sid: string;
  workflowSid: string;
  attributes: string;
  assignmentStatus: string;
  taskChannel: string;
  timeout?: number;
  priority?: number;
  reason?: string;
  /** Reservation SID → status. */
  reservations: Map<string, string>;
  /** Version for ETag / If-Match (bumps on every change), as Twilio's tasks carry. */
  revision?: number;
}
/** A conference participant: what Twilio answers is what the functions' adapter lists. */
export type FakeParticipant = ConferenceParticipant;
export interface FakeConference {
  sid: string;
  friendlyName: string;
  status: string;
  announceUrl?: string;
  participants: Map<string, FakeParticipant>;
}
export interface LoggedRequest {
  method: string;
  /** Twilio's host without edge and region (`taskrouter.twilio.com`), what the fake routes on. */
  host: string;
  /** The host as requested (`taskrouter.dublin.ie1.twilio.com` with an edge and a region). */
  requestedHost: string;
  /** The user of the request's basic authorization (the account SID or an API key). */
  authUser?: string;
  path: string;
  params: Record<string, string>;
  ifMatch?: string;
  correlationId?: string;
  status: number;
  /**
   * Dependent round trips of this request within its correlation id: 1 + the depth of the
   * deepest request of the same id that had completed before this one arrived.
   */
  depth: number;
}

interface Pending {
  request: LoggedRequest;
  respond: () => void;
}

export class FakeTwilio {
  /** Unique name → document (one Sync service is enough here). */
  readonly documents = new Map<string, SyncDocument>();
  readonly tasks = new Map<string, FakeTask>();
  /** Call SID → status (`in-progress`, `completed`) and the last TwiML it was redirected to. */
  readonly calls = new Map<string, { status: string; twiml?: string; to?: string; from?: string }>();
  readonly conferences = new Map<string, FakeConference>();
  /** Flex token → what iam answers for it (roles: `["agent"]` unless given). */
  readonly flexTokens = new Map<string, { worker_sid: string; identity: string; roles?: string[] }>();
  /** Sync Lists by unique name: their items' data and creation time, in order. */
  readonly lists = new Map<string, { sid: string; ttl: number | null; items: { data: unknown; created: Date }[] }>();
  /** Reservation SID → the worker it was offered to. */
  readonly reservationWorkers = new Map<string, string>();
  /** Worker SID → the worker's friendly name (TaskRouter's record). */
  readonly workerNames = new Map<string, string>();
  /** Worker SID → activity SID set through the API. */
  readonly workerActivities = new Map<string, string>();
  /** The workspace's timeout activity (where TaskRouter puts a worker whose reservation timed out). */
  readonly timeoutActivitySid = "WA" + "0".repeat(31) + "9";
  readonly log: LoggedRequest[] = [];
  /** Requests received and not yet answered, and the most there ever were at once. */
  inFlight = 0;
  peakInFlight = 0;
  private server: Server | null = null;
  private holding = false;
  private pending: Pending[] = [];
  private waiters: (() => void)[] = [];
  private failures: { match: (r: LoggedRequest) => boolean; status: number; code: number; handled: boolean }[] = [];
  /** Per correlation id: depths of completed requests. */
  private completedDepth = new Map<string, number>();
  private counter = 0;

  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.holding = false;
    this.releaseAll();
    // Close idle keep-alive connections too, or close() waits for them to time out.
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server?.closeAllConnections();
    await closed;
  }

  sid(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter.toString(16).padStart(32, "0")}`;
  }

  /** Queue responses from now on until `release()`. */
  hold(): void {
    this.holding = true;
  }
  /** Answer what is queued (and stop holding when `stopHolding`). */
  release(stopHolding = false): LoggedRequest[] {
    if (stopHolding) this.holding = false;
    return this.releaseAll();
  }
  /** Answer only the queued requests matching `match` (the others stay held). */
  releaseWhere(match: (r: LoggedRequest) => boolean): LoggedRequest[] {
    const chosen = this.pending.filter((p) => match(p.request));
    this.pending = this.pending.filter((p) => !match(p.request));
    chosen.forEach((p) => p.respond());
    return chosen.map((p) => p.request);
  }
  /** Resolves when `count` requests are queued; rejects after `ms` with what is queued. */
  async waitForPending(count: number, ms = 3000): Promise<LoggedRequest[]> {
    const deadline = Date.now() + ms;
    while (this.pending.length < count) {
      if (Date.now() > deadline) {
        const queued = this.pending.map((p) => `${p.request.method} ${p.request.path}`).join(", ");
        throw new Error(`expected ${count} parallel requests, ${this.pending.length} queued: ${queued}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return this.pending.map((p) => p.request);
  }
  /** The next request matching `match` is answered with an error (`code` is Twilio's). */
  failNext(match: (r: LoggedRequest) => boolean, status: number, code = 20500): void {
    this.failures.push({ match, status, code, handled: false });
  }

  /**
   * The next request matching `match` takes effect, then is answered with an error: Twilio's 5xx
   * after it did the work (the caller cannot tell from the answer).
   */
  failNextAfterHandling(match: (r: LoggedRequest) => boolean, status: number, code = 20500): void {
    this.failures.push({ match, status, code, handled: true });
  }

  /** Forget injected failures not used yet. */
  clearFailures(): void {
    this.failures = [];
  }

  /** Requests that change something (everything but GET). */
  writes(): LoggedRequest[] {
    return this.log.filter((r) => r.method !== "GET");
  }

  private releaseAll(): LoggedRequest[] {
    const batch = this.pending;
    this.pending = [];
    batch.forEach((p) => p.respond());
    return batch.map((p) => p.request);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const [, requestedHost, ...rest] = url.pathname.split("/");
    // `<product>.<edge>.<region>.twilio.com` (or `<product>.<region>.twilio.com`) → `<product>.twilio.com`.
    const host = requestedHost.replace(/^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)+(twilio\.com)$/, "$1.$2");
    const path = `/${rest.join("/")}`;
    const isJson = (req.headers["content-type"] ?? "").includes("json");
    const params: Record<string, string> = isJson
      ? (JSON.parse(raw || "{}") as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    for (const [key, value] of url.searchParams) params[key] = value;
    const correlationId = req.headers[TWIN_CORRELATION_HEADER] as string | undefined;
    const request: LoggedRequest = {
      method: req.method ?? "GET",
      host,
      requestedHost,
      authUser: Buffer.from(String(req.headers.authorization ?? "").replace(/^Basic /, ""), "base64")
        .toString("utf8")
        .split(":")[0],
      path,
      params,
      ifMatch: req.headers["if-match"] as string | undefined,
      correlationId,
      status: 0,
      depth: 1 + (this.completedDepth.get(correlationId ?? "") ?? 0),
    };
    this.log.push(request);
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    const respond = () => {
      this.inFlight -= 1;
      const [status, body, headers] = this.route(request);
      request.status = status;
      const key = correlationId ?? "";
      this.completedDepth.set(key, Math.max(this.completedDepth.get(key) ?? 0, request.depth));
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (this.holding) {
      this.pending.push({ request, respond });
      this.waiters.splice(0).forEach((wake) => wake());
    } else {
      respond();
    }
  }

  private error(status: number, code: number, message: string): [number, object] {
    return [status, { status, code, message, more_info: `https://www.twilio.com/docs/errors/${code}` }];
  }

  private route(r: LoggedRequest): [number, object, Record<string, string>?] {
    const failure = this.failures.findIndex((f) => f.match(r));
    if (failure >= 0) {
      const [{ status, code, handled }] = this.failures.splice(failure, 1);
      if (handled) this.handle(r);
      return this.error(status, code, "injected failure");
    }
    return this.handle(r);
  }

  private handle(r: LoggedRequest): [number, object, Record<string, string>?] {
    const p = r.params;
    let m: RegExpExecArray | null;
    // --- iam: Flex token validation
    if (r.host === "iam.twilio.com" && /\/Tokens\/validate$/.test(r.path)) {
      const token = this.flexTokens.get(p.token ?? "");
      return token
        ? [200, { valid: true, roles: ["agent"], ...token }]
        : [200, { valid: false, message: "Invalid token" }];
    }
    // --- Sync Lists (by unique name) and their items
    if (r.host === "sync.twilio.com" && r.method === "POST" && /^\/v1\/Services\/\w+\/Lists$/.test(r.path)) {
      if (this.lists.has(p.UniqueName)) return this.error(409, 54301, "Unique name already exists");
      const list = { sid: this.sid("ES"), ttl: p.Ttl === undefined ? null : Number(p.Ttl), items: [] };
      this.lists.set(p.UniqueName, list);
      return [201, { sid: list.sid, unique_name: p.UniqueName, revision: "0" }];
    }
    if (r.host === "sync.twilio.com" && (m = /^\/v1\/Services\/\w+\/Lists\/([^/]+)\/Items$/.exec(r.path))) {
      const list = this.lists.get(decodeURIComponent(m[1]));
      if (!list) return this.error(404, 20404, "list not found");
      if (r.method === "POST") {
        const item = { data: JSON.parse(p.Data) as unknown, created: new Date() };
        list.items.push(item);
        return [201, { index: list.items.length - 1, data: item.data, date_created: item.created.toISOString() }];
      }
      // Twilio's description of this list: PageSize at most 100 (twilio_sync_v1.json).
      if (Number(p.PageSize ?? 50) > 100)
        return this.error(400, 20001, "Invalid query parameter PageSize: must be <= 100");
      const items = list.items.map((item, index) => ({
        index,
        data: item.data,
        date_created: item.created.toISOString(),
      }));
      const meta = { page: 0, page_size: items.length, key: "items", next_page_url: null, previous_page_url: null };
      return [200, { items, meta }];
    }
    // --- Sync documents
    if (r.host === "sync.twilio.com" && (m = /^\/v1\/Services\/\w+\/Documents$/.exec(r.path))) {
      if (this.documents.has(p.UniqueName)) return this.error(409, 54301, "Unique name already exists");
      const doc: SyncDocument = {
        sid: this.sid("ET"),
        uniqueName: p.UniqueName,
        data: JSON.parse(p.Data),
        revision: 0,
        permissions: new Map(),
      };
      this.documents.set(doc.uniqueName, doc);
      return [201, this.documentJson(doc)];
    }
    if (
      r.host === "sync.twilio.com" &&
      (m = /^\/v1\/Services\/\w+\/Documents\/([^/]+)\/Permissions\/([^/]+)$/.exec(r.path))
    ) {
      const doc = this.documents.get(decodeURIComponent(m[1]));
      if (!doc) return this.error(404, 20404, "document not found");
      const permission = { read: p.Read === "true", write: p.Write === "true", manage: p.Manage === "true" };
      doc.permissions.set(decodeURIComponent(m[2]), permission);
      return [200, { identity: decodeURIComponent(m[2]), ...permission }];
    }
    if (r.host === "sync.twilio.com" && (m = /^\/v1\/Services\/\w+\/Documents\/([^/]+)$/.exec(r.path))) {
      const doc = this.documents.get(decodeURIComponent(m[1]));
      if (!doc) return this.error(404, 20404, "document not found");
      if (r.method === "GET") return [200, this.documentJson(doc)];
      if (r.method === "DELETE") {
        this.documents.delete(doc.uniqueName);
        return [204, {}];
      }
      if (r.ifMatch !== undefined && r.ifMatch !== String(doc.revision)) {
        return this.error(412, 54103, "The revision of the Document does not match the expected revision");
      }
      doc.data = JSON.parse(p.Data);
      doc.revision += 1;
      return [200, this.documentJson(doc)];
    }
    // --- TaskRouter
    if (r.host === "taskrouter.twilio.com" && r.method === "GET" && /^\/v1\/Workspaces\/\w+\/Tasks$/.test(r.path)) {
      const matches = attributeEqualities(p.EvaluateTaskAttributes);
      if (!matches) return this.error(400, 20001, `fake Twilio cannot evaluate ${p.EvaluateTaskAttributes}`);
      const tasks = [...this.tasks.values()]
        .filter((t) => p.WorkflowSid === undefined || t.workflowSid === p.WorkflowSid)
        .filter((t) => matches(JSON.parse(t.attributes) as Record<string, unknown>))
        .slice(0, Number(p.PageSize ?? 50));
      const meta = { page: 0, page_size: tasks.length, key: "tasks", next_page_url: null, previous_page_url: null };
      return [200, { tasks: tasks.map((t) => this.taskJson(t)), meta }];
    }
    if (r.host === "taskrouter.twilio.com" && /^\/v1\/Workspaces\/\w+\/Tasks$/.test(r.path)) {
      const task: FakeTask = {
        sid: this.sid("WT"),
        workflowSid: p.WorkflowSid,
        attributes: p.Attributes,
        assignmentStatus: "pending",
        taskChannel: p.TaskChannel,
        timeout: Number(p.Timeout),
        priority: Number(p.Priority),
        reservations: new Map(),
      };
      this.tasks.set(task.sid, task);
      return [201, this.taskJson(task)];
    }
    if (
      r.host === "taskrouter.twilio.com" &&
      (m = /^\/v1\/Workspaces\/\w+\/Tasks\/(\w+)\/Reservations\/(\w+)$/.exec(r.path))
    ) {
      const task = this.tasks.get(m[1]);
      const status = task?.reservations.get(m[2]);
      if (!task || !status) return this.error(404, 20404, "reservation not found");
      if (r.method === "POST" && p.ReservationStatus) {
        if (status !== "wrapping" && status !== "accepted") return this.error(400, 20001, `reservation is ${status}`);
        task.reservations.set(m[2], p.ReservationStatus);
      }
      return [
        200,
        {
          sid: m[2],
          task_sid: task.sid,
          worker_sid: this.reservationWorkers.get(m[2]) ?? null,
          worker_name: this.workerNames.get(this.reservationWorkers.get(m[2]) ?? "") ?? null,
          reservation_status: task.reservations.get(m[2]),
        },
      ];
    }
    if (r.host === "taskrouter.twilio.com" && (m = /^\/v1\/Workspaces\/(\w+)$/.exec(r.path)) && r.method === "GET") {
      return [200, { sid: m[1], timeout_activity_sid: this.timeoutActivitySid }];
    }
    if (r.host === "taskrouter.twilio.com" && (m = /^\/v1\/Workspaces\/\w+\/Workers\/(\w+)$/.exec(r.path))) {
      if (r.method === "POST" && p.ActivitySid) this.workerActivities.set(m[1], p.ActivitySid);
      return [200, { sid: m[1], activity_sid: this.workerActivities.get(m[1]) ?? null }];
    }
    if (r.host === "taskrouter.twilio.com" && (m = /^\/v1\/Workspaces\/\w+\/Tasks\/(\w+)$/.exec(r.path))) {
      const task = this.tasks.get(m[1]);
      if (!task) return this.error(404, 20404, "task not found");
      if (r.method === "POST") {
        // Tasks carry their version as ETag; an update naming another version is refused (412).
        if (r.ifMatch !== undefined && r.ifMatch !== String(task.revision ?? 0)) {
          return this.error(412, 20001, `Task ${task.sid} is not at version ${r.ifMatch}`);
        }
        if (p.Attributes !== undefined) task.attributes = p.Attributes;
        if (p.AssignmentStatus !== undefined) {
          task.assignmentStatus = p.AssignmentStatus;
          task.reason = p.Reason;
        }
        task.revision = (task.revision ?? 0) + 1;
      }
      return [200, this.taskJson(task), { ETag: String(task.revision ?? 0) }];
    }
    // --- Voice
    if (r.host === "api.twilio.com" && (m = /\/Conferences\/(\w+)\/Participants\.json$/.exec(r.path))) {
      const conference = this.conferences.get(m[1]);
      if (!conference) return this.error(404, 20404, "conference not found");
      const participants = [...conference.participants.values()].map((x) => this.participantJson(conference, x));
      return [
        200,
        { participants, page: 0, page_size: 50, next_page_uri: null, previous_page_uri: null, start: 0, end: 0 },
      ];
    }
    if (r.host === "api.twilio.com" && (m = /\/Conferences\/(\w+)\/Participants\/(\w+)\.json$/.exec(r.path))) {
      const conference = this.conferences.get(m[1]);
      const participant = conference?.participants.get(m[2]);
      if (!conference || !participant) return this.error(404, 20404, "participant not found");
      if (r.method === "POST" && p.EndConferenceOnExit !== undefined) {
        participant.endConferenceOnExit = p.EndConferenceOnExit === "true";
      }
      return [200, this.participantJson(conference, participant)];
    }
    if (r.host === "api.twilio.com" && (m = /\/Conferences\/(\w+)\.json$/.exec(r.path))) {
      const conference = this.conferences.get(m[1]);
      if (!conference) return this.error(404, 20404, "conference not found");
      if (r.method === "POST") {
        if (p.AnnounceUrl) conference.announceUrl = p.AnnounceUrl;
        if (p.Status) conference.status = p.Status;
      }
      return [200, { sid: conference.sid, friendly_name: conference.friendlyName, status: conference.status }];
    }
    if (r.host === "api.twilio.com" && (m = /\/Calls\/(\w+)\.json$/.exec(r.path))) {
      const call = this.calls.get(m[1]);
      if (!call) return this.error(404, 20404, "call not found");
      if (r.method === "POST" && p.Twiml) call.twiml = p.Twiml;
      return [200, { sid: m[1], status: call.status, to: call.to ?? null, from: call.from ?? null }];
    }
    return this.error(404, 20404, `fake Twilio does not serve ${r.method} ${r.host}${r.path}`);
  }

  private documentJson(doc: SyncDocument) {
    return { sid: doc.sid, unique_name: doc.uniqueName, data: doc.data, revision: String(doc.revision) };
  }
  private taskJson(task: FakeTask) {
    return {
      sid: task.sid,
      attributes: task.attributes,
      workflow_sid: task.workflowSid,
      assignment_status: task.assignmentStatus,
      task_channel_unique_name: task.taskChannel,
      priority: task.priority,
      timeout: task.timeout,
    };
  }
  private participantJson(conference: FakeConference, participant: FakeParticipant) {
    return {
      call_sid: participant.callSid,
      conference_sid: conference.sid,
      label: participant.label,
      end_conference_on_exit: participant.endConferenceOnExit,
      muted: participant.muted ?? false,
      hold: participant.hold ?? false,
      coaching: participant.coaching ?? false,
    };
  }
}

/**
 * `EvaluateTaskAttributes` as far as this fake needs it: `key == "value"` comparisons joined by
 * AND (absent: every task). Anything else → null, answered 400, so a test notices an expression
 * it does not understand instead of matching everything.
 */
function attributeEqualities(
  expression: string | undefined,
): ((attributes: Record<string, unknown>) => boolean) | null {
  if (expression === undefined) return () => true;
  const pairs: [string, string][] = [];
  for (const part of expression.split(/\s+AND\s+/i)) {
    const m = /^\s*(\w+)\s*==\s*(?:"([^"]*)"|'([^']*)')\s*$/.exec(part);
    if (!m) return null;
    pairs.push([m[1], m[2] ?? m[3]]);
  }
  return (attributes) => pairs.every(([key, value]) => attributes[key] === value);
}
