// Event Streams errors.
import { TwilioError } from "../http/errors";

/** A sink still used by subscriptions cannot be deleted. */
export class SinkInUseError extends TwilioError {
  constructor(sid: string) {
    super(400, 20001, `Sink ${sid} is in use by a subscription`);
  }
}

/** A Types entry or SinkConfiguration that does not parse. */
export class InvalidEventsParameterError extends TwilioError {
  constructor(message: string) {
    super(400, 20001, message);
  }
}
