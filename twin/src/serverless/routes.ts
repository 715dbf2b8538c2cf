// Serverless's URL table (twilio_serverless_v1.json) plus the two serverless-upload multipart
// endpoints, which the spec does not describe: the documented exceptions of the coverage test.
// A row naming an operation is served by the backend method of that name (http/operations.ts).
import type { Route } from "../http/router";
import { routeTable } from "../http/router";
import * as r from "./responses";

const SVC = "/v1/Services/{ServiceSid}";
const ENV = `${SVC}/Environments/{EnvironmentSid}`;

export const serverlessRoutes: Route[] = routeTable(
  "serverless.twilio.com",
  [
    // Services (unique names unique per account: 409), environments (one domain each), functions and
    // assets (the records only; content arrives as versions).
    ["GET", "/v1/Services", "listService", r.serializeService],
    ["POST", "/v1/Services", "createService", r.serializeService],
    ["GET", "/v1/Services/{Sid}", "fetchService", r.serializeService],
    ["POST", "/v1/Services/{Sid}", "updateService", r.serializeService],
    ["DELETE", "/v1/Services/{Sid}", "deleteService", r.serializeService],
    ["GET", `${SVC}/Environments`, "listEnvironment", r.serializeEnvironment],
    ["POST", `${SVC}/Environments`, "createEnvironment", r.serializeEnvironment],
    ["GET", `${SVC}/Environments/{Sid}`, "fetchEnvironment", r.serializeEnvironment],
    ["DELETE", `${SVC}/Environments/{Sid}`, "deleteEnvironment", r.serializeEnvironment],
    ["GET", `${SVC}/Functions`, "listFunction", r.serializeResource],
    ["POST", `${SVC}/Functions`, "createFunction", r.serializeResource],
    ["GET", `${SVC}/Functions/{Sid}`, "fetchFunction", r.serializeResource],
    ["POST", `${SVC}/Functions/{Sid}`, "updateFunction", r.serializeResource],
    ["DELETE", `${SVC}/Functions/{Sid}`, "deleteFunction", r.serializeResource],
    // Versions are read here; they are created on serverless-upload (below).
    ["GET", `${SVC}/Functions/{FunctionSid}/Versions`, "listFunctionVersion", r.serializeVersion],
    ["GET", `${SVC}/Functions/{FunctionSid}/Versions/{Sid}`, "fetchFunctionVersion", r.serializeVersion],
    ["GET", `${SVC}/Functions/{FunctionSid}/Versions/{Sid}/Content`, r.fetchFunctionVersionContent],
    ["GET", `${SVC}/Assets`, "listAsset", r.serializeResource],
    ["POST", `${SVC}/Assets`, "createAsset", r.serializeResource],
    ["GET", `${SVC}/Assets/{Sid}`, "fetchAsset", r.serializeResource],
    ["POST", `${SVC}/Assets/{Sid}`, "updateAsset", r.serializeResource],
    ["DELETE", `${SVC}/Assets/{Sid}`, "deleteAsset", r.serializeResource],
    ["GET", `${SVC}/Assets/{AssetSid}/Versions`, "listAssetVersion", r.serializeVersion],
    ["GET", `${SVC}/Assets/{AssetSid}/Versions/{Sid}`, "fetchAssetVersion", r.serializeVersion],
    // Builds bundle versions; deployments put a completed build live in an environment (its build_sid).
    ["GET", `${SVC}/Builds`, "listBuild", r.serializeBuild],
    ["POST", `${SVC}/Builds`, "createBuild", r.serializeBuild],
    ["GET", `${SVC}/Builds/{Sid}`, "fetchBuild", r.serializeBuild],
    ["DELETE", `${SVC}/Builds/{Sid}`, "deleteBuild", r.serializeBuild],
    ["GET", `${SVC}/Builds/{Sid}/Status`, r.fetchBuildStatus],
    ["GET", `${ENV}/Deployments`, "listDeployment", r.serializeDeployment],
    ["POST", `${ENV}/Deployments`, "createDeployment", r.serializeDeployment],
    ["GET", `${ENV}/Deployments/{Sid}`, "fetchDeployment", r.serializeDeployment],
    // Environment variables (what the functions read from context; keys are unique per environment).
    ["GET", `${ENV}/Variables`, "listVariable", r.serializeVariable],
    ["POST", `${ENV}/Variables`, "createVariable", r.serializeVariable],
    ["GET", `${ENV}/Variables/{Sid}`, "fetchVariable", r.serializeVariable],
    ["POST", `${ENV}/Variables/{Sid}`, "updateVariable", r.serializeVariable],
    ["DELETE", `${ENV}/Variables/{Sid}`, "deleteVariable", r.serializeVariable],
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
