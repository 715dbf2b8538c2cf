// 2010 Keys: create answers the NewKey shape (with `secret`), every other operation the Key shape.
import { rfc2822 } from "../http/dates";
import { page2010 } from "../http/paging";
import { optionalString } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import type { ApiKey } from "./backend";

function serializeKey(k: ApiKey): Record<string, unknown> {
  return {
    sid: k.sid,
    friendly_name: k.friendlyName,
    date_created: rfc2822(k.dateCreated),
    date_updated: rfc2822(k.dateUpdated),
  };
}

export function createNewKey(req: TwinRequest): TwinResponse {
  const key = req.account.keys.createNewKey({ friendlyName: optionalString(req.form, "FriendlyName") });
  return created({ ...serializeKey(key), secret: key.secret });
}

// Every later read leaves the secret out: Twilio shows it once.
export function fetchKey(req: TwinRequest): TwinResponse {
  return ok(serializeKey(req.account.keys.fetchKey(req.params.Sid)));
}

export function listKey(req: TwinRequest): TwinResponse {
  return ok(
    page2010(req.account.keys.listKey(), {
      listUri: `/2010-04-01/Accounts/${req.account.accountSid}/Keys.json`,
      key: "keys",
      query: req.query,
      serialize: serializeKey,
    }),
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
