// Schemas for the documented routes Twilio's OpenAPI does not describe. A route points at one
// with `responseSchema: { host: "twin", pointer: "/<name>" }`.
import { VALIDATE_TOKEN_SCHEMA } from "../iam/responses";

export const LOCAL_SCHEMA_HOST = "twin";

export const LOCAL_SCHEMAS = {
  iamValidateToken: VALIDATE_TOKEN_SCHEMA,
};
