// Answers of every function: JSON through `Twilio.Response`, and one error body
// `{ success: false, message }` for bad input (4xx) and failures (5xx) alike, so every caller
// reads failures the same way.
import "@twilio-labs/serverless-runtime-types";
import type { ErrorResponse } from "@flex-call-recovery/vocabulary";
import type { ServerlessCallback, TwilioResponse } from "@twilio-labs/serverless-runtime-types/types";
import { MissingSettingError } from "../config";
import { describeError, isTwilioError } from "../twilio/errors";

/** The request is wrong (missing or malformed parameter, unknown SID): 400, nothing changed. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function jsonResponse(status: number, body: object, headers: Record<string, string> = {}): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(status);
  response.setHeaders({ ...headers, "Content-Type": "application/json" });
  response.setBody(body);
  return response;
}

export function errorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  /** More fields beside `success` and `message` (e.g. per-event results of a batch). */
  extra: object = {},
): TwilioResponse {
  const body: ErrorResponse = { ...extra, success: false, message };
  return jsonResponse(status, body, headers);
}

/**
 * Turns anything thrown by a handler into the answer: BadRequest → its 4xx; a missing setting →
 * 500 naming the setting; anything else (an unexpected Twilio error) → 500 naming the operation,
 * logged with the SIDs involved. Messages never carry credentials: Twilio's error messages and our
 * own name SIDs and settings, not tokens.
 */
export function answerError(
  callback: ServerlessCallback,
  error: unknown,
  operation: string,
  headers: Record<string, string> = {},
  /** SIDs the request named, for the log only. */
  sids: string[] = [],
): void {
  const where = sids.length > 0 ? ` [${sids.join(" ")}]` : "";
  if (error instanceof BadRequest) {
    callback(null, errorResponse(error.status, error.message, headers));
    return;
  }
  if (error instanceof MissingSettingError) {
    console.error(`${operation}${where}: ${error.message}`);
    callback(null, errorResponse(500, `${operation}: ${error.message}`, headers));
    return;
  }
  console.error(`${operation}${where} failed: ${describeError(error)}`);
  const cause = isTwilioError(error) ? `Twilio answered HTTP ${error.status}` : "unexpected error";
  callback(null, errorResponse(500, `${operation} failed: ${cause}`, headers));
}

/** SIDs are two letters and 32 hex digits. */
export const SID_PATTERN = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

/** Reads a required SID parameter with the given prefix, or throws BadRequest naming it. */
export function sidParam(event: Record<string, unknown>, name: string, prefix: string): string {
  const value = event[name];
  if (typeof value !== "string" || value === "") throw new BadRequest(`missing parameter ${name}`);
  if (!SID_PATTERN.test(value) || !value.startsWith(prefix)) {
    throw new BadRequest(`parameter ${name} is not a ${prefix} SID`);
  }
  return value;
}

/** Reads a required non-empty string parameter, or throws BadRequest naming it. */
export function stringParam(event: Record<string, unknown>, name: string, maxLength = 256): string {
  const value = event[name];
  if (typeof value !== "string" || value.trim() === "") throw new BadRequest(`missing parameter ${name}`);
  if (value.length > maxLength) throw new BadRequest(`parameter ${name} is longer than ${maxLength} characters`);
  return value;
}
