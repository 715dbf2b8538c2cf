// iam `POST /v1/Accounts/{AccountSid}/Tokens/validate` with a JSON body `{ "token": "..." }`, as
// twilio-flex-token-validator sends it. The answer carries what that library hands to functions
// as `event.TokenResult`.
import { iso } from "../http/dates";
import { InvalidParameterError, toErrorBody } from "../http/errors";
import { ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { InvalidTokenError } from "./errors";

export function validateToken(req: TwinRequest): TwinResponse {
  const body = req.json as { token?: unknown } | undefined;
  const token = typeof body?.token === "string" ? body.token : undefined;
  if (!token) throw new InvalidParameterError("Missing required parameter token in the JSON body");
  try {
    const found = req.account.iam.validateToken(token);
    return ok({
      valid: true,
      code: 0,
      message: null,
      expiration: iso(found.expiresAt),
      realm_user_id: found.realmUserId,
      identity: found.identity,
      roles: found.roles,
      worker_sid: found.workerSid,
    });
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    // The library rejects with `message` when `valid` is false.
    return { status: error.status, body: { ...toErrorBody(error), valid: false } };
  }
}

/** The answer's schema (the spec does not describe this endpoint). */
export const VALIDATE_TOKEN_SCHEMA = {
  type: "object",
  required: ["valid", "code", "message", "expiration", "realm_user_id", "identity", "roles", "worker_sid"],
  properties: {
    valid: { type: "boolean" },
    code: { type: "integer" },
    message: { type: ["string", "null"] },
    expiration: { type: "string", format: "date-time" },
    realm_user_id: { type: "string" },
    identity: { type: "string" },
    roles: { type: "array", items: { type: "string" } },
    worker_sid: { type: "string", pattern: "^WK[0-9a-fA-F]{32}$" },
  },
};
