// 2010 Keys URL table (twilio_api_v2010.json), served by the backend methods of the same names.
import { routeTable } from "../http/router";
import { serializeKey, serializeNewKey } from "./responses";

const ACCOUNT = "/2010-04-01/Accounts/{AccountSid}";

export const keysRoutes = routeTable(
  "api.twilio.com",
  [
    ["GET", `${ACCOUNT}/Keys.json`, "listKey", serializeKey],
    ["POST", `${ACCOUNT}/Keys.json`, "createNewKey", serializeNewKey],
    ["GET", `${ACCOUNT}/Keys/{Sid}.json`, "fetchKey", serializeKey],
    ["POST", `${ACCOUNT}/Keys/{Sid}.json`, "updateKey", serializeKey],
    ["DELETE", `${ACCOUNT}/Keys/{Sid}.json`, "deleteKey", serializeKey],
  ],
  (account) => account.keys,
);
