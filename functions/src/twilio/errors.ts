// Recognising the errors the `twilio` SDK throws (RestException: HTTP status + Twilio code).

export interface TwilioRestError {
  status: number;
  code?: number;
  message: string;
  moreInfo?: string;
}

export function isTwilioError(error: unknown): error is TwilioRestError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { status?: unknown }).status === "number" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

/** A resource named in the request does not exist (unknown SID). */
export function isNotFound(error: unknown): boolean {
  return isTwilioError(error) && error.status === 404;
}

/** Describes an error for the log: status and code, never credentials. */
export function describeError(error: unknown): string {
  if (isTwilioError(error))
    return `HTTP ${error.status}${error.code ? ` (Twilio ${error.code})` : ""}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
