// Serverless: parse each request, call the backend, serialise Twilio's JSON. Version uploads
// arrive as multipart bodies on serverless-upload.twilio.com.
import { iso } from "../http/dates";
import { listV1 } from "../http/paging";
import { bools, optionalList, optionalString, requiredString, strings } from "../http/params";
import { created, noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, wire } from "../http/wire";
import type {
  Build,
  Deployment,
  Environment,
  Resource,
  ResourceVersion,
  ServerlessBackend,
  ServerlessService,
  Variable,
} from "./backend";
import { InvalidUploadError } from "./errors";

const BASE = "https://serverless.twilio.com/v1";
const svcUrl = (sid: string): string => `${BASE}/Services/${sid}`;

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

/** `domain_base` is the prefix every environment's domain starts with. */
function serializeService(accountSid: string, s: ServerlessService): Record<string, unknown> {
  const url = svcUrl(s.sid);
  return wire(s, iso, { account_sid: accountSid, url, links: links(url, "Environments Functions Assets Builds") });
}

// build_sid is null until the first deployment.
function serializeEnvironment(accountSid: string, e: Environment): Record<string, unknown> {
  const url = `${svcUrl(e.serviceSid)}/Environments/${e.sid}`;
  return wire(e, iso, { account_sid: accountSid, url, links: links(url, "Variables Deployments Logs") });
}

// Functions and assets share one record shape; the URL segment tells them apart.
function resourceUrl(r: { serviceSid: string; kind: Resource["kind"] }, sid: string): string {
  return `${svcUrl(r.serviceSid)}/${r.kind === "function" ? "Functions" : "Assets"}/${sid}`;
}

// The links name the versions list under its own key for each kind.
function serializeResource(accountSid: string, r: Resource): Record<string, unknown> {
  const url = resourceUrl(r, r.sid);
  const versions =
    r.kind === "function" ? { function_versions: `${url}/Versions` } : { asset_versions: `${url}/Versions` };
  return wire(r, iso, { account_sid: accountSid, url, links: versions }, ["kind"]);
}

/** A version as builds list it: the owner under `function_sid` or `asset_sid`; the content stays out. */
function versionSummary(accountSid: string, v: ResourceVersion): Record<string, unknown> {
  const owner = v.kind === "function" ? { function_sid: v.resourceSid } : { asset_sid: v.resourceSid };
  return wire(v, iso, { account_sid: accountSid, ...owner }, ["resourceSid", "kind", "content", "contentType"]);
}

/** Function and asset versions differ in the owner's field name and in `links` (function versions only). */
export function serializeVersion(accountSid: string, v: ResourceVersion): Record<string, unknown> {
  const url = `${resourceUrl(v, v.resourceSid)}/Versions/${v.sid}`;
  const content = v.kind === "function" ? { links: { function_version_content: `${url}/Content` } } : {};
  return { ...versionSummary(accountSid, v), url, ...content };
}

function serializeBuild(
  sls: ServerlessBackend,
  accountSid: string,
  b: Build,
  atCreation = false,
): Record<string, unknown> {
  const url = `${svcUrl(b.serviceSid)}/Builds/${b.sid}`;
  // Twilio lists the versions in a build as small objects, not bare SIDs.
  const summary = (sid: string): Record<string, unknown> | null => {
    const v = sls.version(b.serviceSid, sid);
    return v ? versionSummary(accountSid, v) : null;
  };
  const extra = {
    account_sid: accountSid,
    status: sls.buildStatus(b, atCreation),
    asset_versions: b.assetVersionSids.map(summary),
    function_versions: b.functionVersionSids.map(summary),
    url,
    links: { build_status: `${url}/Status` },
  };
  return wire(b, iso, extra, ["functionVersionSids", "assetVersionSids", "completesAt"]);
}

function serializeDeployment(accountSid: string, d: Deployment): Record<string, unknown> {
  const url = `${svcUrl(d.serviceSid)}/Environments/${d.environmentSid}/Deployments/${d.sid}`;
  return wire(d, iso, { account_sid: accountSid, url });
}

function serializeVariable(accountSid: string, v: Variable): Record<string, unknown> {
  const url = `${svcUrl(v.serviceSid)}/Environments/${v.environmentSid}/Variables/${v.sid}`;
  return wire(v, iso, { account_sid: accountSid, url });
}

const sls = (req: TwinRequest): ServerlessBackend => req.account.serverless;
const acct = (req: TwinRequest): string => req.account.accountSid;
const SVC = (req: TwinRequest): string => req.params.ServiceSid;

// ---- services: unique names are unique per account (409) ----
export function createService(req: TwinRequest): TwinResponse {
  const s = sls(req).createService({
    uniqueName: requiredString(req.form, "UniqueName"),
    friendlyName: requiredString(req.form, "FriendlyName"),
    ...bools(req.form, "IncludeCredentials UiEditable"),
  });
  return created(serializeService(acct(req), s));
}

export function fetchService(req: TwinRequest): TwinResponse {
  return ok(serializeService(acct(req), sls(req).fetchService(req.params.Sid)));
}

export function listService(req: TwinRequest): TwinResponse {
  return listV1(req, `${BASE}/Services`, "services", sls(req).listService(), (s) => serializeService(acct(req), s));
}

export function updateService(req: TwinRequest): TwinResponse {
  const s = sls(req).updateService(req.params.Sid, {
    friendlyName: optionalString(req.form, "FriendlyName"),
    ...bools(req.form, "IncludeCredentials UiEditable"),
  });
  return ok(serializeService(acct(req), s));
}

export function deleteService(req: TwinRequest): TwinResponse {
  sls(req).deleteService(req.params.Sid);
  return noContent();
}

// ---- environments ----

// ---- environments: the domain comes from the service's domain_base and the suffix ----
export function createEnvironment(req: TwinRequest): TwinResponse {
  const e = sls(req).createEnvironment(SVC(req), {
    uniqueName: requiredString(req.form, "UniqueName"),
    domainSuffix: optionalString(req.form, "DomainSuffix"),
  });
  return created(serializeEnvironment(acct(req), e));
}

export function fetchEnvironment(req: TwinRequest): TwinResponse {
  return ok(serializeEnvironment(acct(req), sls(req).fetchEnvironment(SVC(req), req.params.Sid)));
}

export function listEnvironment(req: TwinRequest): TwinResponse {
  return listV1(req, `${svcUrl(SVC(req))}/Environments`, "environments", sls(req).listEnvironment(SVC(req)), (e) =>
    serializeEnvironment(acct(req), e),
  );
}

export function deleteEnvironment(req: TwinRequest): TwinResponse {
  sls(req).deleteEnvironment(SVC(req), req.params.Sid);
  return noContent();
}

// ---- functions and assets ----

// ---- functions and assets: the records only; content arrives as versions ----
export function createFunction(req: TwinRequest): TwinResponse {
  return created(
    serializeResource(acct(req), sls(req).createFunction(SVC(req), requiredString(req.form, "FriendlyName"))),
  );
}
export function fetchFunction(req: TwinRequest): TwinResponse {
  return ok(serializeResource(acct(req), sls(req).fetchFunction(SVC(req), req.params.Sid)));
}
export function listFunction(req: TwinRequest): TwinResponse {
  return listV1(req, `${svcUrl(SVC(req))}/Functions`, "functions", sls(req).listFunction(SVC(req)), (r) =>
    serializeResource(acct(req), r),
  );
}
export function updateFunction(req: TwinRequest): TwinResponse {
  const r = sls(req).updateFunction(SVC(req), req.params.Sid, requiredString(req.form, "FriendlyName"));
  return ok(serializeResource(acct(req), r));
}
export function deleteFunction(req: TwinRequest): TwinResponse {
  sls(req).deleteFunction(SVC(req), req.params.Sid);
  return noContent();
}
export function createAsset(req: TwinRequest): TwinResponse {
  return created(
    serializeResource(acct(req), sls(req).createAsset(SVC(req), requiredString(req.form, "FriendlyName"))),
  );
}
export function fetchAsset(req: TwinRequest): TwinResponse {
  return ok(serializeResource(acct(req), sls(req).fetchAsset(SVC(req), req.params.Sid)));
}
export function listAsset(req: TwinRequest): TwinResponse {
  return listV1(req, `${svcUrl(SVC(req))}/Assets`, "assets", sls(req).listAsset(SVC(req)), (r) =>
    serializeResource(acct(req), r),
  );
}
export function updateAsset(req: TwinRequest): TwinResponse {
  const r = sls(req).updateAsset(SVC(req), req.params.Sid, requiredString(req.form, "FriendlyName"));
  return ok(serializeResource(acct(req), r));
}
export function deleteAsset(req: TwinRequest): TwinResponse {
  sls(req).deleteAsset(SVC(req), req.params.Sid);
  return noContent();
}

// ---- versions ----

/** The multipart upload: Path, Visibility and a `Content` file part, as serverless-api and the Console send. */
function upload(req: TwinRequest, kind: Resource["kind"], resourceSid: string): TwinResponse {
  const file = req.files.find((f) => f.field === "Content");
  if (!file) throw new InvalidUploadError("Missing required parameter Content (a file part) in the multipart body");
  const version = sls(req).createVersion(SVC(req), kind, resourceSid, {
    path: requiredString(req.form, "Path"),
    visibility: requiredString(req.form, "Visibility"),
    content: file.content,
    contentType: file.contentType,
  });
  return created(serializeVersion(acct(req), version));
}

export function createFunctionVersion(req: TwinRequest): TwinResponse {
  return upload(req, "function", req.params.FunctionSid);
}
export function createAssetVersion(req: TwinRequest): TwinResponse {
  return upload(req, "asset", req.params.AssetSid);
}

export function fetchFunctionVersion(req: TwinRequest): TwinResponse {
  return ok(
    serializeVersion(acct(req), sls(req).fetchVersion(SVC(req), "function", req.params.FunctionSid, req.params.Sid)),
  );
}
export function listFunctionVersion(req: TwinRequest): TwinResponse {
  return listV1(
    req,
    `${svcUrl(SVC(req))}/Functions/${req.params.FunctionSid}/Versions`,
    "function_versions",
    sls(req).listVersion(SVC(req), "function", req.params.FunctionSid),
    (v) => serializeVersion(acct(req), v),
  );
}
export function fetchFunctionVersionContent(req: TwinRequest): TwinResponse {
  const v = sls(req).fetchVersion(SVC(req), "function", req.params.FunctionSid, req.params.Sid);
  return ok({
    sid: v.sid,
    account_sid: acct(req),
    service_sid: v.serviceSid,
    function_sid: v.resourceSid,
    content: v.content.toString("utf8"),
    url: `${svcUrl(v.serviceSid)}/Functions/${v.resourceSid}/Versions/${v.sid}/Content`,
  });
}
export function fetchAssetVersion(req: TwinRequest): TwinResponse {
  return ok(serializeVersion(acct(req), sls(req).fetchVersion(SVC(req), "asset", req.params.AssetSid, req.params.Sid)));
}
export function listAssetVersion(req: TwinRequest): TwinResponse {
  return listV1(
    req,
    `${svcUrl(SVC(req))}/Assets/${req.params.AssetSid}/Versions`,
    "asset_versions",
    sls(req).listVersion(SVC(req), "asset", req.params.AssetSid),
    (v) => serializeVersion(acct(req), v),
  );
}

// ---- builds ----

/** serverless-api sends Dependencies as JSON wrapped in an extra pair of quotes; accept both. */
function dependenciesParam(text: string | undefined): { name: string; version: string }[] | undefined {
  if (text === undefined) return undefined;
  const unwrapped = /^"(\[.*\])"$/s.exec(text)?.[1] ?? text;
  try {
    const parsed = JSON.parse(unwrapped) as unknown;
    if (!Array.isArray(parsed)) throw new Error("not an array");
    return parsed.map((d: { name?: unknown; version?: unknown }) => ({
      name: String(d.name),
      version: String(d.version),
    }));
  } catch {
    throw new InvalidUploadError("Dependencies must be a JSON array of {name, version}");
  }
}

/** CreateBuild: answers "building"; later reads see "completed" (backend). */
export function createBuild(req: TwinRequest): TwinResponse {
  const b = sls(req).createBuild(SVC(req), {
    functionVersions: optionalList(req.form, "FunctionVersions"),
    assetVersions: optionalList(req.form, "AssetVersions"),
    dependencies: dependenciesParam(optionalString(req.form, "Dependencies")),
    runtime: optionalString(req.form, "Runtime"),
  });
  return created(serializeBuild(sls(req), acct(req), b, true));
}
export function fetchBuild(req: TwinRequest): TwinResponse {
  return ok(serializeBuild(sls(req), acct(req), sls(req).fetchBuild(SVC(req), req.params.Sid)));
}
export function listBuild(req: TwinRequest): TwinResponse {
  return listV1(req, `${svcUrl(SVC(req))}/Builds`, "builds", sls(req).listBuild(SVC(req)), (b) =>
    serializeBuild(sls(req), acct(req), b),
  );
}
export function deleteBuild(req: TwinRequest): TwinResponse {
  sls(req).deleteBuild(SVC(req), req.params.Sid);
  return noContent();
}
export function fetchBuildStatus(req: TwinRequest): TwinResponse {
  const b = sls(req).fetchBuild(SVC(req), req.params.Sid);
  return ok({
    sid: b.sid,
    account_sid: acct(req),
    service_sid: b.serviceSid,
    status: sls(req).buildStatus(b),
    url: `${svcUrl(b.serviceSid)}/Builds/${b.sid}/Status`,
  });
}

// ---- deployments ----

/** CreateDeployment: only a completed build can go live; it becomes the environment's build_sid. */
export function createDeployment(req: TwinRequest): TwinResponse {
  const d = sls(req).createDeployment(SVC(req), req.params.EnvironmentSid, optionalString(req.form, "BuildSid"));
  return created(serializeDeployment(acct(req), d));
}
export function fetchDeployment(req: TwinRequest): TwinResponse {
  return ok(
    serializeDeployment(acct(req), sls(req).fetchDeployment(SVC(req), req.params.EnvironmentSid, req.params.Sid)),
  );
}
export function listDeployment(req: TwinRequest): TwinResponse {
  return listV1(
    req,
    `${svcUrl(SVC(req))}/Environments/${req.params.EnvironmentSid}/Deployments`,
    "deployments",
    sls(req).listDeployment(SVC(req), req.params.EnvironmentSid),
    (d) => serializeDeployment(acct(req), d),
  );
}

// ---- variables ----

// ---- variables: keys are unique per environment ----
export function createVariable(req: TwinRequest): TwinResponse {
  const v = sls(req).createVariable(SVC(req), req.params.EnvironmentSid, {
    key: requiredString(req.form, "Key"),
    value: optionalString(req.form, "Value") ?? "",
  });
  return created(serializeVariable(acct(req), v));
}
export function fetchVariable(req: TwinRequest): TwinResponse {
  return ok(serializeVariable(acct(req), sls(req).fetchVariable(SVC(req), req.params.EnvironmentSid, req.params.Sid)));
}
export function listVariable(req: TwinRequest): TwinResponse {
  return listV1(
    req,
    `${svcUrl(SVC(req))}/Environments/${req.params.EnvironmentSid}/Variables`,
    "variables",
    sls(req).listVariable(SVC(req), req.params.EnvironmentSid),
    (v) => serializeVariable(acct(req), v),
  );
}
export function updateVariable(req: TwinRequest): TwinResponse {
  const v = sls(req).updateVariable(SVC(req), req.params.EnvironmentSid, req.params.Sid, {
    ...strings(req.form, "Key Value"),
  });
  return ok(serializeVariable(acct(req), v));
}
export function deleteVariable(req: TwinRequest): TwinResponse {
  sls(req).deleteVariable(SVC(req), req.params.EnvironmentSid, req.params.Sid);
  return noContent();
}
