// TaskRouter's errors (https://www.twilio.com/docs/api/errors, 20001 and the 40xxx range).
import { ConflictError, InvalidParameterError, NotFoundError, TwilioError } from "../http/errors";

export { NotFoundError, InvalidParameterError };

/** 20001 for a parameter TaskRouter rejects, with TaskRouter's wording. */
export class TaskRouterInvalidError extends InvalidParameterError {}

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

/** Friendly names / unique names that must be unique in a workspace. */
export class DuplicateNameError extends ConflictError {
  constructor(kind: string, name: string) {
    super(20001, `${kind} with name '${name}' already exists in this workspace`);
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
