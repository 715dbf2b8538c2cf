// 2010 Keys: create answers the NewKey shape (with `secret`), every other operation the Key shape.
import { rfc2822 } from "../http/dates";
import { list2010 } from "../http/paging";
import { optionalString } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { wire } from "../http/wire";
import type { ApiKey } from "./backend";

/** The Key shape: every field but the secret, in Twilio's case, RFC 2822 dates. */
const serializeKey = (k: ApiKey): Record<string, unknown> => wire(k, rfc2822, {}, ["secret"]);

export function createNewKey(req: TwinRequest): TwinResponse {
  const key = req.account.keys.createNewKey({ friendlyName: optionalString(req.form, "FriendlyName") });
  return created({ ...serializeKey(key), secret: key.secret });
}

// Every later read leaves the secret out: Twilio shows it once.
export function fetchKey(req: TwinRequest): TwinResponse {
  return ok(serializeKey(req.account.keys.fetchKey(req.params.Sid)));
}

export function listKey(req: TwinRequest): TwinResponse {
  return list2010(
    req,
    `/2010-04-01/Accounts/${req.account.accountSid}/Keys.json`,
    "keys",
    req.account.keys.listKey(),
    serializeKey,
  );
}

export function updateKey(req: TwinRequest): TwinResponse {
  return ok(
    serializeKey(
      req.account.keys.updateKey(req.params.Sid, { friendlyName: optionalString(req.form, "FriendlyName") }),
    ),
  );
}

export function deleteKey(req: TwinRequest): TwinResponse {
  req.account.keys.deleteKey(req.params.Sid);
  return noContent();
}
