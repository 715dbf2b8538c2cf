// Voice (2010) errors.
import { TwilioError } from "../http/errors";

/** 21220: the call is not in progress, so it cannot be redirected or modified. */
export class CallNotInProgressError extends TwilioError {
  constructor(sid: string, status: string) {
    super(400, 21220, `Call ${sid} is not in-progress (status ${status}). Cannot redirect.`);
  }
}

/** 21205-style: an invalid URL parameter. */
export class InvalidUrlError extends TwilioError {
  constructor(name: string, value: string) {
    super(400, 21205, `${name} is not a valid URL: ${value}`);
  }
}

/** Url/AnnounceUrl must be absolute URLs. */
export function checkUrl(name: string, value: string | undefined): void {
  if (value !== undefined && !URL.canParse(value)) throw new InvalidUrlError(name, value);
}

/** A conference that is over cannot be updated. */
export class ConferenceNotActiveError extends TwilioError {
  constructor(sid: string) {
    super(400, 20001, `Conference ${sid} is not active`);
  }
}
