// The shape of every product's URL table and the matcher the server uses. Route paths are the
// OpenAPI spec's own path templates (`/v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}`), so the
// route-coverage test can compare them with the spec verbatim.
import type { IncomingHttpHeaders } from "http";
import type { AccountStore } from "../store";
import { operation, type Serializer } from "./operations";
import type { Params } from "./params";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** A file part of a multipart upload (serverless-upload). */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What a handler receives: the parsed request, already authenticated, plus the account's store. */
export interface TwinRequest {
  method: HttpMethod;
  /** Twilio host the client addressed, e.g. `taskrouter.twilio.com`. */
  host: string;
  path: string;
  /** Path parameters by the spec's names (`WorkspaceSid`, `Sid`...), URL-decoded. */
  params: Record<string, string>;
  query: Params;
  /** Form body (or the text fields of a multipart body). */
  form: Params;
  /** Parsed JSON body when the request was `application/json`. */
  json: unknown;
  files: UploadedFile[];
  headers: IncomingHttpHeaders;
  account: AccountStore;
  /** The route that matched (its spec path types the parameters, `specInput`). */
  route: Route;
}

export interface TwinResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (request: TwinRequest) => TwinResponse | Promise<TwinResponse>;

export interface Route {
  method: HttpMethod;
  /** Product host without edge/region, e.g. `sync.twilio.com`. */
  host: string;
  /** The spec's path template. */
  path: string;
  /** The Twilio operation this serves (the backend method's name), for logs and errors. */
  operation: string;
  handler: Handler;
  /** Set only for the documented routes the spec does not describe; says why. */
  notInSpec?: string;
  /** For `notInSpec` routes: a schema (in a spec document) their success answers are checked against. */
  responseSchema?: { host: string; pointer: string };
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly compiled: CompiledRoute[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) this.add(route);
  }

  add(route: Route): void {
    this.compiled.push({ route, ...pathPattern(route.path) });
    // Literal segments win over parameters (`Workers/Statistics` before `Workers/{Sid}`).
    this.compiled.sort((a, b) => a.names.length - b.names.length);
  }

  routes(): Route[] {
    return this.compiled.map((c) => c.route);
  }

  /** Finds the route for host+path; `methodMismatch` is true when the path exists under other methods. */
  match(method: string, host: string, path: string): { match: RouteMatch | null; methodMismatch: boolean } {
    let methodMismatch = false;
    for (const { route, regex, names } of this.compiled) {
      if (route.host !== host) continue;
      const found = regex.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      return { match: { route, params: pathParams(names, found) }, methodMismatch: false };
    }
    return { match: null, methodMismatch };
  }
}

/** A `{Name}` path template as a regex and its parameter names, in path order. */
export function pathPattern(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => {
      const name = /^\{([A-Za-z]+)\}$/.exec(part);
      if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(name[1]);
      return "([^/]+?)";
    })
    .join("");
  return { regex: new RegExp(`^${pattern}$`), names };
}

/** The URL-decoded values of a matched path, by parameter name. */
export function pathParams(names: string[], found: RegExpExecArray): Record<string, string> {
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
}

/** Normalises a Twilio host: drops edge and region (`serverless.sydney.au1.twilio.com` → `serverless.twilio.com`). */
export function productHost(host: string): string | null {
  const match = /^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)*twilio\.com$/i.exec(host);
  return match ? `${match[1].toLowerCase()}.twilio.com` : null;
}

export type RouteRow = [HttpMethod, string, Handler] | [HttpMethod, string, string, Serializer];

const VERB_METHOD = { list: "GET", create: "POST", fetch: "GET", update: "POST", delete: "DELETE" } as const;
type Verb = keyof typeof VERB_METHOD;

/**
 * The standard rows of one resource (`Worker`): list and create on `path`, fetch, update and
 * delete on `item` (`path/{Sid}`, or `…/{Sid}.json` in the 2010 API, unless given), for the verbs named.
 */
export function resource(
  name: string,
  path: string,
  serialize: Serializer,
  verbs = "list create fetch update delete",
  item = path.endsWith(".json") ? `${path.slice(0, -5)}/{Sid}.json` : `${path}/{Sid}`,
): RouteRow[] {
  return (verbs.split(" ") as Verb[]).map((verb) => [
    VERB_METHOD[verb],
    verb === "list" || verb === "create" ? path : item,
    `${verb}${name}`,
    serialize,
  ]);
}

/**
 * Builds a product's URL table. A row is `[method, path, handler]` (the operation is the handler's
 * name) or `[method, path, "createWorker", serialize]`: a standard operation of `backend`.
 */
export function routeTable(host: string, rows: RouteRow[], backend?: (account: AccountStore) => object): Route[] {
  return rows.map(([method, path, handler, serialize]) => {
    if (typeof handler === "function") return { method, host, path, operation: handler.name, handler };
    if (!backend || !serialize) throw new Error(`${host} ${path}: a named operation needs a backend and a serialiser`);
    return { method, host, path, operation: handler, handler: operation(handler, backend, serialize) };
  });
}
