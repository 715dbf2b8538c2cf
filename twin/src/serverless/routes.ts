// Serverless's URL table (twilio_serverless_v1.json) plus the two serverless-upload multipart
// endpoints, which the spec does not describe: the documented exceptions of the coverage test.
// A row naming an operation is served by the backend method of that name (http/operations.ts).
import type { Route } from "../http/router";
import { resource, routeTable } from "../http/router";
import * as r from "./responses";

const SVC = "/v1/Services/{ServiceSid}";
const ENV = `${SVC}/Environments/{EnvironmentSid}`;

export const serverlessRoutes: Route[] = routeTable(
  "serverless.twilio.com",
  [
    // Services (unique names unique per account: 409), environments (one domain each), functions and
    // assets (the records only; content arrives as versions).
    ...resource("Service", "/v1/Services", r.serializeService),
    ...resource("Environment", `${SVC}/Environments`, r.serializeEnvironment, "list create fetch delete"),
    ...resource("Function", `${SVC}/Functions`, r.serializeResource),
    // Versions are read here; they are created on serverless-upload (below).
    ...resource("FunctionVersion", `${SVC}/Functions/{FunctionSid}/Versions`, r.serializeVersion, "list fetch"),
    ["GET", `${SVC}/Functions/{FunctionSid}/Versions/{Sid}/Content`, r.fetchFunctionVersionContent],
    ...resource("Asset", `${SVC}/Assets`, r.serializeResource),
    ...resource("AssetVersion", `${SVC}/Assets/{AssetSid}/Versions`, r.serializeVersion, "list fetch"),
    // Builds bundle versions; deployments put a completed build live in an environment (its build_sid).
    ...resource("Build", `${SVC}/Builds`, r.serializeBuild, "list create fetch delete"),
    ["GET", `${SVC}/Builds/{Sid}/Status`, r.fetchBuildStatus],
    ...resource("Deployment", `${ENV}/Deployments`, r.serializeDeployment, "list create fetch"),
    // Environment variables (what the functions read from context; keys are unique per environment).
    ...resource("Variable", `${ENV}/Variables`, r.serializeVariable),
  ],
  (account) => account.serverless,
);

const UPLOAD_REASON =
  "serverless-upload multipart endpoint (how @twilio-labs/serverless-api and the Console upload code); not in Twilio's OpenAPI";

/** The answers are the spec's FunctionVersion / AssetVersion resources, so they are checked against those schemas. */
export const serverlessUploadRoutes: Route[] = [
  {
    method: "POST",
    host: "serverless-upload.twilio.com",
    path: `${SVC}/Functions/{FunctionSid}/Versions`,
    operation: "createFunctionVersion",
    handler: r.createFunctionVersion,
    notInSpec: UPLOAD_REASON,
    responseSchema: {
      host: "serverless.twilio.com",
      pointer: "/components/schemas/serverless.v1.service.function.function_version",
    },
  },
  {
    method: "POST",
    host: "serverless-upload.twilio.com",
    path: `${SVC}/Assets/{AssetSid}/Versions`,
    operation: "createAssetVersion",
    handler: r.createAssetVersion,
    notInSpec: UPLOAD_REASON,
    responseSchema: {
      host: "serverless.twilio.com",
      pointer: "/components/schemas/serverless.v1.service.asset.asset_version",
    },
  },
];
