// Serverless's URL table (twilio_serverless_v1.json) plus the two serverless-upload multipart
// endpoints, which the spec does not describe: the documented exceptions of the coverage test.
import type { Route } from "../http/router";
import { routeTable } from "../http/router";
import * as r from "./responses";

const SVC = "/v1/Services/{ServiceSid}";
const ENV = `${SVC}/Environments/{EnvironmentSid}`;

export const serverlessRoutes: Route[] = routeTable("serverless.twilio.com", [
  // Services, environments (one domain each), functions and assets.
  ["GET", "/v1/Services", r.listService],
  ["POST", "/v1/Services", r.createService],
  ["GET", "/v1/Services/{Sid}", r.fetchService],
  ["POST", "/v1/Services/{Sid}", r.updateService],
  ["DELETE", "/v1/Services/{Sid}", r.deleteService],
  ["GET", `${SVC}/Environments`, r.listEnvironment],
  ["POST", `${SVC}/Environments`, r.createEnvironment],
  ["GET", `${SVC}/Environments/{Sid}`, r.fetchEnvironment],
  ["DELETE", `${SVC}/Environments/{Sid}`, r.deleteEnvironment],
  ["GET", `${SVC}/Functions`, r.listFunction],
  ["POST", `${SVC}/Functions`, r.createFunction],
  ["GET", `${SVC}/Functions/{Sid}`, r.fetchFunction],
  ["POST", `${SVC}/Functions/{Sid}`, r.updateFunction],
  ["DELETE", `${SVC}/Functions/{Sid}`, r.deleteFunction],
  // Versions are read here; they are created on serverless-upload (below).
  ["GET", `${SVC}/Functions/{FunctionSid}/Versions`, r.listFunctionVersion],
  ["GET", `${SVC}/Functions/{FunctionSid}/Versions/{Sid}`, r.fetchFunctionVersion],
  ["GET", `${SVC}/Functions/{FunctionSid}/Versions/{Sid}/Content`, r.fetchFunctionVersionContent],
  ["GET", `${SVC}/Assets`, r.listAsset],
  ["POST", `${SVC}/Assets`, r.createAsset],
  ["GET", `${SVC}/Assets/{Sid}`, r.fetchAsset],
  ["POST", `${SVC}/Assets/{Sid}`, r.updateAsset],
  ["DELETE", `${SVC}/Assets/{Sid}`, r.deleteAsset],
  ["GET", `${SVC}/Assets/{AssetSid}/Versions`, r.listAssetVersion],
  ["GET", `${SVC}/Assets/{AssetSid}/Versions/{Sid}`, r.fetchAssetVersion],
  // Builds bundle versions; deployments put a build live in an environment.
  ["GET", `${SVC}/Builds`, r.listBuild],
  ["POST", `${SVC}/Builds`, r.createBuild],
  ["GET", `${SVC}/Builds/{Sid}`, r.fetchBuild],
  ["DELETE", `${SVC}/Builds/{Sid}`, r.deleteBuild],
  ["GET", `${SVC}/Builds/{Sid}/Status`, r.fetchBuildStatus],
  ["GET", `${ENV}/Deployments`, r.listDeployment],
  ["POST", `${ENV}/Deployments`, r.createDeployment],
  ["GET", `${ENV}/Deployments/{Sid}`, r.fetchDeployment],
  // Environment variables (what the functions read from context).
  ["GET", `${ENV}/Variables`, r.listVariable],
  ["POST", `${ENV}/Variables`, r.createVariable],
  ["GET", `${ENV}/Variables/{Sid}`, r.fetchVariable],
  ["POST", `${ENV}/Variables/{Sid}`, r.updateVariable],
  ["DELETE", `${ENV}/Variables/{Sid}`, r.deleteVariable],
]);

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
