// The twin's own control API under the reserved prefix `/_twin/` (not Twilio's): reset, the
// request log, Flex tokens for simulated agents. The behaviour side adds its own routes
// (agents, calls, faults) with `twin.control.add(...)` without touching this file.
import type { Params } from "../http/params";
import { pathParams, pathPattern } from "../http/router";
import { str } from "../util";
import type { Twin } from "../twin";

export interface ControlRequest {
  method: string;
  path: string;
  /** Path parameters by the `{Name}`s of the route. */
  params: Record<string, string>;
  query: Params;
  /** JSON body, or the form body as a record. */
  body: Record<string, unknown>;
  twin: Twin;
}

export interface ControlResponse {
  status?: number;
  body?: unknown;
}

export type ControlHandler = (request: ControlRequest) => ControlResponse | Promise<ControlResponse>;

interface ControlRoute {
  method: string;
  path: string;
  regex: RegExp;
  names: string[];
  handler: ControlHandler;
}

/** Thrown by control handlers for a 4xx answer. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const CONTROL_PREFIX = "/_twin";

export class ControlApi {
  private readonly routes: ControlRoute[] = [];

  /** Adds a control route; `path` is relative to /_twin and may hold `{Name}` parameters. */
  add(method: string, path: string, handler: ControlHandler): void {
    this.routes.push({ method: method.toUpperCase(), path, ...pathPattern(path), handler });
  }

  list(): { method: string; path: string }[] {
    return this.routes.map(({ method, path }) => ({ method, path: `${CONTROL_PREFIX}${path}` }));
  }

  match(method: string, path: string): { handler: ControlHandler; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      return { handler: route.handler, params: pathParams(route.names, found) };
    }
    return null;
  }
}

/** The control routes the REST side provides. */
export function addCoreControlRoutes(api: ControlApi): void {
  api.add("GET", "/routes", ({ twin }) => ({ body: { control: twin.control.list(), twilio: twin.routeSummary() } }));

  api.add("POST", "/reset", ({ twin }) => {
    twin.reset();
    return { status: 204 };
  });

  // ?correlationId= keeps one caller's calls; ?since=<seq> only those after a mark (benchmarks).
  api.add("GET", "/requests", ({ twin, query }) => {
    const correlationId = typeof query.correlationId === "string" ? query.correlationId : undefined;
    const since = typeof query.since === "string" ? Number(query.since) : 0;
    const entries = twin.requestLog.list(
      (e) => (correlationId === undefined || e.correlationId === correlationId) && e.seq > since,
    );
    return { body: { requests: entries } };
  });

  api.add("DELETE", "/requests", ({ twin }) => {
    twin.requestLog.clear();
    return { status: 204 };
  });

  api.add("GET", "/validation", ({ twin }) => ({ body: twin.validator?.stats ?? { enabled: false } }));

  // A Flex token for a simulated agent: body { workerSid, identity?, roles?, ttlSeconds?, accountSid? }.
  api.add("POST", "/flex-tokens", ({ twin, body }) => {
    const workerSid = str(body.workerSid) ?? str(body.WorkerSid);
    if (!workerSid) throw new ControlError(400, "flex-tokens: workerSid is required");
    const account = twin.account(str(body.accountSid) ?? twin.accountSid);
    if (!account) throw new ControlError(404, "flex-tokens: unknown accountSid");
    const roles = body.roles;
    const ttl = body.ttlSeconds;
    const issued = account.iam.issueFlexToken({
      workerSid,
      identity: str(body.identity),
      roles: Array.isArray(roles) ? roles.map(String) : undefined,
      ttlSeconds: typeof ttl === "number" ? ttl : typeof ttl === "string" ? Number(ttl) : undefined,
    });
    return {
      status: 201,
      body: {
        token: issued.token,
        worker_sid: issued.workerSid,
        identity: issued.identity,
        roles: issued.roles,
        expiration: issued.expiresAt.toISOString(),
      },
    };
  });
}
