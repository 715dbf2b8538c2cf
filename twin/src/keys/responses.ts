// 2010 Keys: create answers the NewKey shape (with `secret`), every other operation the Key shape.
import { rfc2822 } from "../http/dates";
import { wire } from "../http/wire";
import type { ApiKey } from "./backend";

/** The Key shape: every field but the secret, in Twilio's case, RFC 2822 dates. Twilio shows the secret once. */
export const serializeKey = (k: ApiKey): Record<string, unknown> => wire(k, rfc2822, {}, ["secret"]);

export const serializeNewKey = (k: ApiKey): Record<string, unknown> => ({ ...serializeKey(k), secret: k.secret });
