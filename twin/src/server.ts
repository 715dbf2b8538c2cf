// The HTTP front of the twin. One pipeline for every Twilio call:
// split `/<twilio host>/<path>` → parse the body → match the route → request middleware →
// authenticate → (validate the request) → handler → errors to Twilio's body → (validate the
// answer) → log. Control routes under /_twin/ skip auth, middleware and validation.
import { IncomingMessage, ServerResponse } from "http";
import { fromTwinPath, TWIN_CORRELATION_HEADER } from "./url";
import { CONTROL_PREFIX, ControlError } from "./control/api";
import {
  AuthenticationError,
  errorAnswer,
  MethodNotAllowedError,
  NotFoundError,
  toErrorBody,
  TooManyRequestsError,
  TwilioError,
} from "./http/errors";
import { parseMultipart } from "./http/multipart";
import { newSid } from "./http/sids";
import { Params, parseForm } from "./http/params";
import { productHost, TwinResponse, UploadedFile, type HttpMethod } from "./http/router";
import type { RequestInfo } from "./hooks";
import { RequestLog } from "./requestLog";
import { readBody } from "./http/readBody";
import type { Twin } from "./twin";

interface ParsedBody {
  form: Params;
  json: unknown;
  files: UploadedFile[];
}

/** Form, JSON or multipart, by Content-Type; a malformed JSON body is a 400 answered after auth. */
async function parseBody(req: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (raw.length === 0) return { form: {}, json: undefined, files: [] };
  if (type.startsWith("multipart/form-data")) {
    const { form, files } = await parseMultipart(req.headers, raw);
    return { form, json: undefined, files };
  }
  if (type.startsWith("application/json")) {
    try {
      return { form: {}, json: JSON.parse(raw.toString("utf8")) as unknown, files: [] };
    } catch {
      throw new TwilioError(400, 20001, "The request body is not valid JSON");
    }
  }
  // Twilio reads form bodies whatever the declared type.
  return { form: parseForm(raw.toString("utf8")), json: undefined, files: [] };
}

// Twilio authenticates every call with HTTP Basic: account SID + auth token, or API key + secret.
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** 204 and empty answers carry no body; everything else is JSON unless a handler set its own type. */
function send(res: ServerResponse, response: TwinResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  const hasBody = response.body !== undefined && response.status !== 204;
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["Content-Type"] = "application/json";
  }
  res.writeHead(response.status, headers);
  if (!hasBody) res.end();
  else if (typeof response.body === "string" || Buffer.isBuffer(response.body)) res.end(response.body);
  else res.end(JSON.stringify(response.body));
}

// What middleware and the request log see of the body: the JSON object, or the form.
function bodyRecord(parsed: ParsedBody): Record<string, unknown> {
  if (parsed.json && typeof parsed.json === "object" && !Array.isArray(parsed.json)) {
    return parsed.json as Record<string, unknown>;
  }
  return { ...parsed.form };
}

export function requestListener(twin: Twin) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(twin, req, res).catch((error: unknown) => {
      // Only a bug in the pipeline itself lands here.
      if (!res.headersSent) send(res, { status: 500, body: toErrorBody(error) });
      else res.end();
    });
  };
}

async function handle(twin: Twin, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startMs = RequestLog.now();
  const seq = twin.requestLog.nextSeq();
  const url = new URL(req.url ?? "/", "http://twin.local");
  const method = (req.method ?? "GET").toUpperCase();
  const correlationId = headerValue(req, TWIN_CORRELATION_HEADER);
  const raw = await readBody(req);

  if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
    await handleControl(twin, req, res, method, url, raw);
    return;
  }

  let parsed: ParsedBody = { form: {}, json: undefined, files: [] };
  let parseError: unknown = null;
  try {
    parsed = await parseBody(req, raw);
  } catch (error) {
    parseError = error;
  }

  const split = fromTwinPath(url.pathname);
  const host = split ? productHost(split.host) : null;
  const path = split?.path ?? url.pathname;
  const query = parseForm(url.search.slice(1));
  const found = host ? twin.router.match(method, host, path) : { match: null, methodMismatch: false };
  const route = found.match?.route ?? null;
  const params = found.match?.params ?? {};
  const info: RequestInfo = {
    method,
    host: host ?? split?.host ?? "",
    path,
    route,
    params,
    correlationId,
    headers: req.headers,
    body: bodyRecord(parsed),
  };

  let accountSid: string | null = null;
  const credentials = parseBasicAuth(headerValue(req, "authorization") ?? undefined);
  const dispatch = async (): Promise<TwinResponse> => {
    try {
      if (parseError) throw parseError;
      const account = credentials ? twin.authenticate(credentials.username, credentials.password) : null;
      if (!account) throw new AuthenticationError();
      accountSid = account.accountSid;
      if (!host || !found.match) {
        if (found.methodMismatch) throw new MethodNotAllowedError(method);
        throw new NotFoundError(path);
      }
      // 2010 paths name the account: another account's SID is not found, as on Twilio.
      if (params.AccountSid !== undefined && params.AccountSid !== account.accountSid) throw new NotFoundError(path);
      if (twin.validator) {
        const contentType = (req.headers["content-type"] ?? "").toLowerCase();
        const body = parsed.json !== undefined ? parsed.json : parsed.form;
        const problem = twin.validator.checkRequest(found.match.route, contentType, body, query);
        if (problem) throw new TwilioError(400, 20001, problem);
      }
      return await found.match.route.handler({
        method: method as HttpMethod,
        host,
        path,
        params,
        query,
        form: parsed.form,
        json: parsed.json,
        files: parsed.files,
        headers: req.headers,
        account,
        route: found.match.route,
      });
    } catch (error) {
      // Twilio's 404 names the requested path, whatever the backend called the missing resource.
      return errorAnswer(error instanceof NotFoundError ? new NotFoundError(path) : error);
    }
  };

  let response: TwinResponse;
  const caller = credentials?.username ?? "";
  const inFlight = twin.inFlight.get(caller) ?? 0;
  if (twin.concurrencyLimit !== null && host && inFlight >= twin.concurrencyLimit) {
    response = errorAnswer(new TooManyRequestsError());
  } else {
    twin.inFlight.set(caller, inFlight + 1);
    try {
      response = await twin.hooks.run(info, dispatch);
    } catch (error) {
      response = errorAnswer(error);
    } finally {
      const left = (twin.inFlight.get(caller) ?? 1) - 1;
      if (left > 0) twin.inFlight.set(caller, left);
      else twin.inFlight.delete(caller);
    }
  }

  if (twin.validator) {
    const problem = twin.validator.checkResponse(route, method, info.host, path, response.status, response.body);
    if (problem) {
      // Fails the caller's test loudly: a spec mismatch is a twin bug.
      console.error(`[twin] ${problem}`);
      response = errorAnswer(new Error(problem));
    }
  }

  // Headers Twilio puts on every API answer: a request id, and the Basic challenge on a 401.
  response = { ...response, headers: { "Twilio-Request-Id": newSid("RQ"), ...response.headers } };
  if (response.status === 401)
    response.headers = { ...response.headers, "WWW-Authenticate": 'Basic realm="Twilio API"' };
  send(res, response);
  const errorBody = response.status >= 400 ? (response.body as { code?: unknown } | undefined) : undefined;
  twin.requestLog.record({
    seq,
    method,
    host: info.host || null,
    route: route?.path ?? null,
    operation: route?.operation ?? null,
    path,
    query: url.search,
    params: parsed.files.length > 0 ? { ...info.body, files: parsed.files.map((f) => f.filename) } : info.body,
    status: response.status,
    startMs,
    endMs: RequestLog.now(),
    correlationId,
    accountSid,
    errorCode: typeof errorBody?.code === "number" ? errorBody.code : null,
  });
}

/** The /_twin/ control API: no Twilio auth, no middleware, no spec validation, JSON or form bodies. */
async function handleControl(
  twin: Twin,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
  raw: Buffer,
): Promise<void> {
  const path = url.pathname.slice(CONTROL_PREFIX.length) || "/";
  const found = twin.control.match(method, path);
  if (!found) {
    send(res, { status: 404, body: { message: `No control route ${method} ${url.pathname}` } });
    return;
  }
  let body: Record<string, unknown> = {};
  const text = raw.toString("utf8");
  if (text) {
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    try {
      body = type.startsWith("application/json")
        ? (JSON.parse(text) as Record<string, unknown>)
        : { ...parseForm(text) };
    } catch {
      send(res, { status: 400, body: { message: "control: body is not valid JSON" } });
      return;
    }
  }
  try {
    const answer = await found.handler({
      method,
      path,
      params: found.params,
      query: parseForm(url.search.slice(1)),
      body,
      twin,
    });
    send(res, { status: answer.status ?? 200, body: answer.body });
  } catch (error) {
    // The people's and the engine's errors carry their status (a TwilioError its Twilio one).
    const status = error instanceof ControlError || error instanceof TwilioError ? error.status : 500;
    send(res, { status, body: { message: error instanceof Error ? error.message : String(error) } });
  }
}
