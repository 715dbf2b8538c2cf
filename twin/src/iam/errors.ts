// iam's Flex token validation errors. The validator library only reads `valid` and `message`.
import { TwilioError } from "../http/errors";

/** 20151-style: a token the twin never issued, or one that expired. Twilio answers 401 with `valid: false`. */
export class InvalidTokenError extends TwilioError {
  constructor(reason: string) {
    super(401, 20151, `Invalid Flex token: ${reason}`);
  }
}
