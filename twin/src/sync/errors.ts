// Sync's errors (https://www.twilio.com/docs/api/errors, 54xxx).
import { TwilioError } from "../http/errors";

/** 54103: the document's revision is not the one `If-Match` named. HTTP 412 (UNCONFIRMED in our reference; 412 is what If-Match means in HTTP). */
export class RevisionMismatchError extends TwilioError {
  constructor(sid: string, expected: string, actual: string) {
    super(
      412,
      54103,
      `The revision of the Document ${sid} does not match the expected revision: expected ${expected}, found ${actual}`,
    );
  }
}

/** 54006: data over 16 KiB. The HTTP status is UNCONFIRMED; 413 is HTTP's "payload too large". */
export class DataTooLargeError extends TwilioError {
  constructor(size: number, limit: number) {
    super(413, 54006, `Sync document data is too large: ${size} bytes, the limit is ${limit}`);
  }
}

/** 54009: the per-object write rate limit, as HTTP 429. */
export class RateLimitError extends TwilioError {
  constructor(sid: string) {
    super(429, 54009, `Rate limit exceeded for Sync object ${sid}`);
  }
}

/** 54301: a unique name already in use in the service. */
export class UniqueNameTakenError extends TwilioError {
  constructor(name: string) {
    super(409, 54301, `Unique name already exists: ${name}`);
  }
}

/** 54008: a JSON parameter that does not parse to an object. */
export class InvalidDataError extends TwilioError {
  constructor(message: string) {
    super(400, 54008, message);
  }
}

/** 54007: a TTL outside 0..31,536,000 seconds. */
export class InvalidTtlError extends TwilioError {
  constructor(ttl: number) {
    super(400, 54007, `Invalid TTL ${ttl}: must be between 0 and 31536000 seconds`);
  }
}

/**
 * `Data` as the backends take it: a JSON object, or its text as the form carries it (the spec types
 * it `object`, so `specInput` leaves it text). 54008 when it is not an object.
 */
export function syncData(data: unknown): Record<string, unknown> | undefined {
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      throw new InvalidDataError("Data is not valid JSON");
    }
  }
  if (data !== undefined && (data === null || typeof data !== "object" || Array.isArray(data))) {
    throw new InvalidDataError("Data must be a JSON object");
  }
  return data as Record<string, unknown> | undefined;
}
