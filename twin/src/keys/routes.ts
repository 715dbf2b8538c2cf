// 2010 Keys URL table (twilio_api_v2010.json).
import { routeTable } from "../http/router";
import * as r from "./responses";

const ACCOUNT = "/2010-04-01/Accounts/{AccountSid}";

export const keysRoutes = routeTable("api.twilio.com", [
  ["GET", `${ACCOUNT}/Keys.json`, r.listKey],
  ["POST", `${ACCOUNT}/Keys.json`, r.createNewKey],
  ["GET", `${ACCOUNT}/Keys/{Sid}.json`, r.fetchKey],
  ["POST", `${ACCOUNT}/Keys/{Sid}.json`, r.updateKey],
  ["DELETE", `${ACCOUNT}/Keys/{Sid}.json`, r.deleteKey],
]);
