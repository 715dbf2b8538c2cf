// Twilio's error body and the typed errors every product's `errors.ts` builds on. Backends throw
// these; `toErrorBody` in one place turns any thrown value into Twilio's JSON shape.
import type { TwinResponse } from "./router";

/** Twilio's REST error body (every product, every version). */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  /** Only some errors carry it (e.g. 20003 "Authenticate"). */
  detail?: string;
}

/** An error with an HTTP status and a Twilio error code (https://www.twilio.com/docs/api/errors). */
export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 20404: Twilio's "resource not found" for a known route with an unknown SID (and unknown routes). */
export class NotFoundError extends TwilioError {
  constructor(path: string) {
    super(404, 20404, `The requested resource ${path} was not found`);
  }
}

/** The record looked up, or the 404 for `path` (the server's answer names the requested path instead). */
export function found<T>(record: T | undefined, path: string): T {
  if (record === undefined) throw new NotFoundError(path);
  return record;
}

/** 20001 / 21201-style: a parameter is missing or malformed. */
export class InvalidParameterError extends TwilioError {
  constructor(message: string, code = 20001) {
    super(400, code, message);
  }
}

/** 20003: missing or wrong credentials. */
export class AuthenticationError extends TwilioError {
  constructor() {
    super(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.");
  }
}

/** 20004: the route exists but not with this method. */
export class MethodNotAllowedError extends TwilioError {
  constructor(method: string) {
    super(405, 20004, `Method ${method} not allowed`);
  }
}

/** 20429: the account's concurrent REST requests are over Twilio's limit (safe to retry after a back-off). */
export class TooManyRequestsError extends TwilioError {
  constructor() {
    super(429, 20429, "Too Many Requests");
  }
}

export function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

/** Twilio's error answer (status and body) for anything thrown. */
export function errorAnswer(error: unknown): TwinResponse {
  const body = toErrorBody(error);
  return { status: body.status, body };
}

/** The one place that turns a thrown value into Twilio's error body. Unknown errors become 500 / 20500. */
export function toErrorBody(error: unknown): TwilioErrorBody {
  if (error instanceof TwilioError) {
    const body: TwilioErrorBody = {
      code: error.code,
      message: error.message,
      more_info: moreInfo(error.code),
      status: error.status,
    };
    if (error.detail !== undefined) body.detail = error.detail;
    return body;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 20500, message: `Internal Server Error: ${message}`, more_info: moreInfo(20500), status: 500 };
}
