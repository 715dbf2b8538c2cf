// `flex/recoveries`: today's recovery summary (UTC day) for the supervisor view in Flex. Only for
// a Flex token whose roles, as iam's Tokens/validate returns them (`roles: ["agent"]` in the token
// result of twilio-flex-token-validator's README), include supervisor or admin: agents get 403.
// Reads the day's eight outcome lists (pages of 100, Sync's maximum).
import {
  FunctionEnv,
  isSupervisor,
  summarizeOutcomes,
  utcDay,
  type RecoveriesResponse,
} from "@flex-call-recovery/vocabulary";
import { requiredSetting } from "../../config";
import { flexHandler } from "../../http/flex";
import { BadRequest } from "../../http/response";
import { syncOutcomeLog } from "../../outcomes/outcomes";
import { createTwilioClient } from "../../twilio/client";

export const handler = flexHandler("recoveries", async ({ context, token }) => {
  if (!isSupervisor(token.roles)) throw new BadRequest("the recoveries are for supervisors", 403);
  const client = createTwilioClient(context, `recoveries:${token.worker_sid ?? token.identity ?? "?"}`);
  const log = syncOutcomeLog(client, requiredSetting(context, FunctionEnv.syncServiceSid));
  const now = new Date();
  const day = utcDay(now);
  const since = new Date(`${day}T00:00:00.000Z`);
  const records = await log.read(since, now);
  const answer: RecoveriesResponse & { success: true } = {
    success: true,
    day,
    summary: summarizeOutcomes(records, { since }),
  };
  return { body: answer };
});
