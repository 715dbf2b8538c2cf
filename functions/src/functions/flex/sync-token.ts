// `flex/sync-token`: a Sync access token for the agent's own identity (the one in their Flex
// token), so the plugin can follow its conference documents live. The Sync service runs with
// ACLs on: the token alone reads nothing; register-worker grants the identity read-only access to
// the documents of the conferences it is registered on.
import type { SyncTokenResponse } from "@flex-call-recovery/vocabulary";
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import twilio from "twilio";
import { requiredSetting } from "../../config";
import { flexHandler } from "../../http/flex";
import { BadRequest } from "../../http/response";

/** Seconds a Sync token lives; the plugin fetches a new one on `tokenAboutToExpire`. */
export const SYNC_TOKEN_TTL_SECONDS = 3600;

export const handler = flexHandler("sync-token", async ({ context, token }) => {
  const identity = token.identity;
  if (!identity) throw new BadRequest("the Flex token names no identity", 403);
  const accessToken = new twilio.jwt.AccessToken(
    requiredSetting(context, FunctionEnv.accountSid),
    requiredSetting(context, FunctionEnv.syncApiKey),
    requiredSetting(context, FunctionEnv.syncApiSecret),
    { identity, ttl: SYNC_TOKEN_TTL_SECONDS },
  );
  accessToken.addGrant(
    new twilio.jwt.AccessToken.SyncGrant({ serviceSid: requiredSetting(context, FunctionEnv.syncServiceSid) }),
  );
  const answer: SyncTokenResponse = {
    success: true,
    token: accessToken.toJwt(),
    identity,
    ttl: SYNC_TOKEN_TTL_SECONDS,
  };
  return { body: answer };
});
