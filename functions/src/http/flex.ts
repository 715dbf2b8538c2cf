// The Flex-facing functions' front door: origin check (CORS), preflight answer, Flex token
// validation, then the endpoint itself with errors mapped through one helper.
//
// Twilio's runtime answers browsers' OPTIONS preflights itself (with `*`) before a function runs,
// so the origin rule is enforced on the real request: an Origin outside the allowed list gets 403
// before anything happens, and allowed ones get their own origin echoed back. A preflight that
// does reach the function (twilio-run, other hosts) carries Access-Control-Request-Method and is
// answered here.
import "@twilio-labs/serverless-runtime-types";
import type {
  ServerlessEventObject,
  ServerlessFunctionSignature,
  TwilioResponse,
} from "@twilio-labs/serverless-runtime-types/types";
import { allowedOrigins, type FunctionContext } from "../config";
import {
  FlexTokenCheckUnavailable,
  FlexTokenRejected,
  validateFlexToken,
  type FlexTokenResult,
} from "../twilio/client";
import { answerError, errorResponse, jsonResponse, SID_PATTERN } from "./response";

/** What Twilio puts into `event` next to the body's fields (headers are lower-cased). */
export interface RequestMeta {
  request?: { headers?: Record<string, string | undefined>; cookies?: Record<string, string> };
}

export type FlexEvent = Record<string, unknown> & RequestMeta & { Token?: unknown };

export interface FlexRequest {
  context: FunctionContext;
  /** The body's fields without `Token` and the runtime's `request`. */
  body: Record<string, unknown>;
  token: FlexTokenResult;
}

export type FlexEndpoint = (request: FlexRequest) => Promise<{ status?: number; body: object }>;

const CORS_ALLOW_METHODS = "POST, OPTIONS";
const CORS_ALLOW_HEADERS = "Content-Type, Authorization";

/** CORS headers for an allowed origin; null when the origin is not allowed. */
export function corsHeaders(context: FunctionContext, origin: string | undefined): Record<string, string> | null {
  if (origin === undefined) return {};
  if (!allowedOrigins(context).includes(origin.replace(/\/+$/, ""))) return null;
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
    "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
    Vary: "Origin",
  };
}

function preflightResponse(headers: Record<string, string>): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(204);
  response.setHeaders({ ...headers, "Access-Control-Max-Age": "600" });
  return response;
}

/**
 * The Flex token from the `Authorization: Bearer` header or the body's `Token`, never from the
 * URL, where tokens end up in logs. The runtime merges query parameters and body fields into
 * `event` (https://www.twilio.com/docs/serverless/functions-assets/functions/request-flow), so a
 * `Token` there may have come from the query string; when the runtime passes the request headers
 * (`event.request.headers`, runtime-handler ≥ 1.2) a `Token` longer than the body it supposedly
 * came in (`content-length`) cannot have been in the body and is refused. Without headers (a local
 * twilio-run) nothing can tell them apart and the field is taken as the body's.
 */
export function flexTokenOf(event: FlexEvent): { value: string; problem: null } | { value: ""; problem: string } {
  const headers = event.request?.headers;
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers?.authorization ?? "");
  if (bearer) return { value: bearer[1], problem: null };
  const token = typeof event.Token === "string" ? event.Token.trim() : "";
  if (token === "") return { value: "", problem: "missing Flex token (Token in the body, or Authorization: Bearer)" };
  const declared = headers?.["content-length"];
  if (headers && headers["transfer-encoding"] === undefined && !(Number(declared ?? 0) >= token.length)) {
    return {
      value: "",
      problem: "the Flex token must travel in the body or the Authorization header, never in the URL",
    };
  }
  return { value: token, problem: null };
}

/**
 * Wraps a Flex-facing endpoint as a Serverless handler. `operation` names it in errors and logs.
 * Missing token → 401; token Twilio rejects → 403; origin not allowed → 403; Twilio unable to check
 * the token (429/5xx after retries) → 503, which the plugin retries.
 */
export function flexHandler(
  operation: string,
  endpoint: FlexEndpoint,
): ServerlessFunctionSignature<Record<string, string | undefined>, ServerlessEventObject<FlexEvent>> {
  return async (serverlessContext, event, callback): Promise<void> => {
    const context = serverlessContext as FunctionContext;
    const headers = event.request?.headers ?? {};
    let cors: Record<string, string> | null = {};
    try {
      cors = corsHeaders(context, headers.origin);
      if (cors === null) {
        callback(null, errorResponse(403, `${operation}: origin ${headers.origin} is not allowed`));
        return;
      }
      if (headers["access-control-request-method"] !== undefined) {
        callback(null, preflightResponse(cors));
        return;
      }
      const token = flexTokenOf(event);
      if (token.problem !== null) {
        callback(null, errorResponse(401, `${operation}: ${token.problem}`, cors));
        return;
      }
      let tokenResult: FlexTokenResult;
      try {
        tokenResult = await validateFlexToken(context, token.value);
      } catch (error) {
        if (error instanceof FlexTokenCheckUnavailable) {
          callback(null, errorResponse(503, `${operation}: ${error.message}`, cors));
          return;
        }
        if (!(error instanceof FlexTokenRejected)) throw error;
        callback(null, errorResponse(403, `${operation}: Flex token rejected: ${error.message}`, cors));
        return;
      }
      const body: Record<string, unknown> = { ...event };
      delete body.Token;
      delete body.request;
      const answer = await endpoint({ context, body, token: tokenResult });
      callback(null, jsonResponse(answer.status ?? 200, answer.body, cors));
    } catch (error) {
      const sids = Object.values(event).filter((v): v is string => typeof v === "string" && SID_PATTERN.test(v));
      answerError(callback, error, operation, cors ?? {}, sids);
    }
  };
}
