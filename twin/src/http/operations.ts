// Generic REST handling, as LocalStack serves AWS from its service specs: a route names the
// backend operation (`createWorker`), the request's parameters are read by the types Twilio's
// OpenAPI description declares for that operation, and the backend method gets the path's
// parameters in path order, then that input. Products hand-write a handler only where a
// route does not fit (an ETag, a multipart upload, a computed answer).
import { loadSpec, specOperation, type OpenApiDocument } from "../spec/specs";
import type { AccountStore } from "../store";
import { InvalidParameterError } from "./errors";
import { listAnswer } from "./paging";
import { optionalBool, optionalInt, optionalList, optionalString, type Params } from "./params";
import { created, noContent, ok } from "./reply";
import type { Handler, Route, TwinRequest, TwinResponse } from "./router";

interface ParamSpec {
  /** Twilio's name (`FriendlyName`) and the backend's (`friendlyName`). */
  name: string;
  key: string;
  kind: "string" | "integer" | "boolean" | "flag" | "array" | "date";
  enum?: string[];
  /** A SID's pattern (`^WA[0-9a-fA-F]{32}$`). */
  pattern?: RegExp;
  required: boolean;
}

interface SchemaNode {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  pattern?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
}

// Paging is the list envelope's business, not the backend's.
const PAGING = new Set(["PageSize", "Page", "PageToken"]);

// Parameters the spec types as strings while their own descriptions say Twilio reads them as
// booleans: `true`, `1` or `yes` are true, "all other values represent false".
const FLAGS = new Set(["listActivity Available", "listWorker Available", "createTask IgnoreCapacity"]);

function resolve(doc: OpenApiDocument, node: SchemaNode | undefined): SchemaNode {
  let out = node ?? {};
  while (out.$ref?.startsWith("#/components/schemas/")) {
    out = (doc.components?.schemas?.[out.$ref.slice("#/components/schemas/".length)] ?? {}) as SchemaNode;
  }
  return out;
}

function paramSpec(
  doc: OpenApiDocument,
  route: Route,
  name: string,
  schema: SchemaNode | undefined,
  required: boolean,
): ParamSpec {
  const s = resolve(doc, schema);
  const kind = FLAGS.has(`${route.operation} ${name}`)
    ? "flag"
    : s.type === "integer" || s.type === "boolean" || s.type === "array"
      ? s.type
      : s.format === "date-time"
        ? "date"
        : "string";
  // An array's rules are its items'.
  const one = s.type === "array" ? resolve(doc, s.items) : s;
  const pattern = one.pattern ? new RegExp(one.pattern) : undefined;
  return { name, key: name[0].toLowerCase() + name.slice(1), kind, enum: one.enum, pattern, required };
}

const specsByRoute = new WeakMap<Route, ParamSpec[]>();

/** The parameters the spec declares for a route: the form body's for POST, the query's otherwise. */
function routeParams(route: Route): ParamSpec[] {
  let specs = specsByRoute.get(route);
  if (specs) return specs;
  const doc = loadSpec(route.host);
  const op = doc && specOperation(route.host, route.path, route.method);
  specs = [];
  if (doc && op && route.method === "POST") {
    const body = resolve(doc, op.requestBody?.content?.["application/x-www-form-urlencoded"]?.schema as SchemaNode);
    const required = new Set(body.required ?? []);
    for (const [name, schema] of Object.entries(body.properties ?? {}))
      specs.push(paramSpec(doc, route, name, schema, required.has(name)));
  } else if (doc && op) {
    for (const p of op.parameters ?? []) {
      if (p.in === "query" && !PAGING.has(p.name))
        specs.push(paramSpec(doc, route, p.name, p.schema as SchemaNode, false));
    }
  }
  specsByRoute.set(route, specs);
  return specs;
}

function check(spec: ParamSpec, value: string): void {
  if (spec.enum && !spec.enum.includes(value)) {
    throw new InvalidParameterError(`${spec.name} must be one of ${spec.enum.join(", ")}, got '${value}'`);
  }
  if (spec.pattern && !spec.pattern.test(value)) throw new InvalidParameterError(`${spec.name} is not a valid SID`);
}

function read(spec: ParamSpec, params: Params): unknown {
  switch (spec.kind) {
    case "integer":
      return optionalInt(params, spec.name);
    case "boolean":
      return optionalBool(params, spec.name);
    case "flag": {
      const text = optionalString(params, spec.name);
      return text === undefined ? undefined : /^(true|1|yes)$/i.test(text);
    }
    case "array": {
      const values = optionalList(params, spec.name);
      values?.forEach((v) => check(spec, v));
      return values;
    }
    case "date": {
      const text = optionalString(params, spec.name);
      if (text === undefined) return undefined;
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) throw new InvalidParameterError(`${spec.name} is not a valid date`);
      return date;
    }
    default: {
      const text = optionalString(params, spec.name);
      if (text !== undefined) check(spec, text);
      return text;
    }
  }
}

/**
 * The request's parameters as the backend takes them: camelCase keys, values of the spec's types
 * (integers, booleans, lists, dates), enums and SID patterns checked, required ones present. Only declared
 * parameters are read, so an undeclared one never reaches a record.
 */
export function specInput<T = Record<string, unknown>>(req: TwinRequest): T {
  const params = req.method === "POST" ? req.form : req.query;
  const input: Record<string, unknown> = {};
  for (const spec of routeParams(req.route)) {
    const value = read(spec, params);
    if (spec.required && (value === undefined || value === "")) {
      throw new InvalidParameterError(`Missing required parameter ${spec.name} in the post body`);
    }
    if (value !== undefined) input[spec.key] = value;
  }
  return input as T;
}

const listKeys = new WeakMap<Route, string>();

/** The array property of a list operation's answer (`workers`, `task_queues`, `calls`...). */
function listKey(route: Route): string {
  const known = listKeys.get(route);
  if (known) return known;
  const doc = loadSpec(route.host);
  const op = specOperation(route.host, route.path, route.method);
  const answer = doc && resolve(doc, op?.responses?.["200"]?.content?.["application/json"]?.schema as SchemaNode);
  const key = Object.entries(answer?.properties ?? {}).find(([, s]) => s.type === "array")?.[0];
  if (!key) throw new Error(`${route.operation}: the spec declares no list in its answer`);
  listKeys.set(route, key);
  return key;
}

/** A record as Twilio's JSON; `record` is whatever the backend operation returned. */
export type Serializer = (record: never, req: TwinRequest) => unknown;

type Operation = (...args: unknown[]) => unknown;

/**
 * The handler of a standard operation: create → 201, fetch/update → 200, delete → 204, list →
 * the API's paging envelope. `backend` picks the product's backend of the account.
 */
export function operation(name: string, backend: (account: AccountStore) => object, serialize: Serializer): Handler {
  const verb = /^(create|fetch|list|update|delete)/.exec(name)?.[1];
  if (!verb) throw new Error(`${name} is not a standard operation`);
  const handler = (req: TwinRequest): TwinResponse => {
    const target = backend(req.account) as Record<string, Operation>;
    // 2010 paths carry the account, which the backend already is.
    const args: unknown[] = Object.entries(req.params)
      .filter(([key]) => key !== "AccountSid")
      .map(([, value]) => value);
    if (verb === "create" || verb === "update" || verb === "list") args.push(specInput(req));
    const result = target[name](...args);
    const one = (record: unknown) => (serialize as (r: unknown, q: TwinRequest) => unknown)(record, req);
    if (verb === "delete") return noContent();
    if (verb === "create") return created(one(result));
    if (verb !== "list") return ok(one(result));
    return listAnswer(req, listKey(req.route), result as unknown[], one);
  };
  Object.defineProperty(handler, "name", { value: name });
  return handler;
}
