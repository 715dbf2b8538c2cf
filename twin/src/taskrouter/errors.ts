// TaskRouter's errors (https://www.twilio.com/docs/api/errors, 20001 and the 40xxx range).
import { InvalidParameterError, NotFoundError, TwilioError } from "../http/errors";

export { NotFoundError, InvalidParameterError };

/** 40152-style: a workflow configuration that does not parse or points at unknown queues. */
export class InvalidWorkflowConfigurationError extends TwilioError {
  constructor(message: string) {
    super(400, 20001, `Invalid workflow configuration: ${message}`);
  }
}

/** A task or reservation status change the lifecycle does not allow. */
export class InvalidTransitionError extends TwilioError {
  constructor(what: string, from: string, to: string) {
    super(400, 20001, `Cannot change ${what} from ${from} to ${to}`);
  }
}

/**
 * A name that must be unique in a workspace. Twilio answers a taken TaskQueue name with HTTP 400,
 * code 20001, "Queue named X already exists for workspace WS… for account AC…" (a public report:
 * https://github.com/nash-md/twilio-contact-center/issues/23). The other kinds follow the same
 * status, code and wording by analogy (no public report seen).
 */
export class DuplicateNameError extends TwilioError {
  constructor(kind: string, name: string, workspaceSid: string, accountSid: string) {
    super(400, 20001, `${kind} named ${name} already exists for workspace ${workspaceSid} for account ${accountSid}`);
  }
}

/** Deleting something still in use (e.g. an activity workers are in). */
export class InUseError extends TwilioError {
  constructor(message: string) {
    super(400, 20001, message);
  }
}

/** If-Match named another version of the task: HTTP 412 (documented); the error code is UNCONFIRMED. */
export class TaskVersionMismatchError extends TwilioError {
  constructor(sid: string, expected: string, actual: string) {
    super(412, 20001, `Task ${sid} is at version ${actual}, not ${expected} (If-Match)`);
  }
}
