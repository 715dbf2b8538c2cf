// Flex errors.
import { TwilioError } from "../http/errors";

export class DuplicatePluginError extends TwilioError {
  constructor(what: string) {
    super(409, 20001, `${what} already exists`);
  }
}

export class ArchivedError extends TwilioError {
  constructor(what: string) {
    super(400, 20001, `${what} is archived`);
  }
}

/** 45xxx-style: a plugins-API parameter that does not parse (Plugins entries, Configuration body). */
export class InvalidFlexParameterError extends TwilioError {
  constructor(message: string) {
    super(400, 20001, message);
  }
}
