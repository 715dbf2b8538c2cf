// Serverless errors.
import { TwilioError } from "../http/errors";

/** 20001 with Serverless' wording for a unique name in use (Twilio answers 409). */
export class UniqueNameTakenError extends TwilioError {
  constructor(kind: string, name: string) {
    super(409, 20001, `${kind} with unique name ${name} already exists`);
  }
}

/** Deploying a build that has not completed. */
export class BuildNotCompletedError extends TwilioError {
  constructor(sid: string, status: string) {
    super(400, 20001, `Build ${sid} is ${status}; only a completed build can be deployed`);
  }
}

/** A function or asset version upload without its Content file, or with a bad Visibility. */
export class InvalidUploadError extends TwilioError {
  constructor(message: string) {
    super(400, 20001, message);
  }
}
