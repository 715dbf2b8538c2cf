// iam's URL table. Tokens/validate is not in twilio_iam_v1.json: it is the endpoint
// twilio-flex-token-validator calls, a documented exception of the route-coverage test.
import type { Route } from "../http/router";
import { validateToken } from "./responses";

export const iamRoutes: Route[] = [
  {
    method: "POST",
    host: "iam.twilio.com",
    path: "/v1/Accounts/{AccountSid}/Tokens/validate",
    operation: "validateToken",
    handler: validateToken,
    notInSpec: "Flex token validation used by twilio-flex-token-validator; Twilio's OpenAPI does not describe it",
    responseSchema: { host: "twin", pointer: "/iamValidateToken" },
  },
];
