// Serverless's answers: the serialisers (routes.ts serves the standard operations with them) and
// the handlers that do more: version uploads, which arrive as multipart bodies on
// serverless-upload.twilio.com, and the computed Content and Status answers.
import { iso } from "../http/dates";
import { requiredString } from "../http/params";
import { created, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, wire } from "../http/wire";
import { segment } from "./backend";
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
const sls = (req: TwinRequest): ServerlessBackend => req.account.serverless;
const acct = (req: TwinRequest): string => req.account.accountSid;
const SVC = (req: TwinRequest): string => req.params.ServiceSid;

// Every record field in Twilio's case with ISO dates (`wire`); the rest is explicit below.

/** `domain_base` is the prefix every environment's domain starts with. */
export function serializeService(s: ServerlessService, req: TwinRequest): Record<string, unknown> {
  const url = svcUrl(s.sid);
  return wire(s, iso, { account_sid: acct(req), url, links: links(url, "Environments Functions Assets Builds") });
}

// build_sid is null until the first deployment.
export function serializeEnvironment(e: Environment, req: TwinRequest): Record<string, unknown> {
  const url = `${svcUrl(e.serviceSid)}/Environments/${e.sid}`;
  return wire(e, iso, { account_sid: acct(req), url, links: links(url, "Variables Deployments Logs") });
}

// Functions and assets share one record shape; the URL segment tells them apart.
function resourceUrl(r: { serviceSid: string; kind: Resource["kind"] }, sid: string): string {
  return `${svcUrl(r.serviceSid)}/${segment(r.kind)}/${sid}`;
}

// The links name the versions list under its own key for each kind.
export function serializeResource(r: Resource, req: TwinRequest): Record<string, unknown> {
  const url = resourceUrl(r, r.sid);
  const versions =
    r.kind === "function" ? { function_versions: `${url}/Versions` } : { asset_versions: `${url}/Versions` };
  return wire(r, iso, { account_sid: acct(req), url, links: versions }, ["kind"]);
}

/** A version as builds list it: the owner under `function_sid` or `asset_sid`; the content stays out. */
function versionSummary(accountSid: string, v: ResourceVersion): Record<string, unknown> {
  const owner = v.kind === "function" ? { function_sid: v.resourceSid } : { asset_sid: v.resourceSid };
  return wire(v, iso, { account_sid: accountSid, ...owner }, ["resourceSid", "kind", "content", "contentType"]);
}

/** Function and asset versions differ in the owner's field name and in `links` (function versions only). */
export function serializeVersion(v: ResourceVersion, req: TwinRequest): Record<string, unknown> {
  const url = `${resourceUrl(v, v.resourceSid)}/Versions/${v.sid}`;
  const content = v.kind === "function" ? { links: { function_version_content: `${url}/Content` } } : {};
  return { ...versionSummary(acct(req), v), url, ...content };
}

/** CreateBuild answers "building"; later reads see "completed" (backend). */
export function serializeBuild(b: Build, req: TwinRequest): Record<string, unknown> {
  const url = `${svcUrl(b.serviceSid)}/Builds/${b.sid}`;
  // Twilio lists the versions in a build as small objects, not bare SIDs.
  const summary = (sid: string): Record<string, unknown> | null => {
    const v = sls(req).version(b.serviceSid, sid);
    return v ? versionSummary(acct(req), v) : null;
  };
  const extra = {
    account_sid: acct(req),
    status: sls(req).buildStatus(b, req.method === "POST"),
    asset_versions: b.assetVersionSids.map(summary),
    function_versions: b.functionVersionSids.map(summary),
    url,
    links: { build_status: `${url}/Status` },
  };
  return wire(b, iso, extra, ["functionVersionSids", "assetVersionSids", "completesAt"]);
}

export function serializeDeployment(d: Deployment, req: TwinRequest): Record<string, unknown> {
  const url = `${svcUrl(d.serviceSid)}/Environments/${d.environmentSid}/Deployments/${d.sid}`;
  return wire(d, iso, { account_sid: acct(req), url });
}

export function serializeVariable(v: Variable, req: TwinRequest): Record<string, unknown> {
  const url = `${svcUrl(v.serviceSid)}/Environments/${v.environmentSid}/Variables/${v.sid}`;
  return wire(v, iso, { account_sid: acct(req), url });
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
  return created(serializeVersion(version, req));
}

export function createFunctionVersion(req: TwinRequest): TwinResponse {
  return upload(req, "function", req.params.FunctionSid);
}
export function createAssetVersion(req: TwinRequest): TwinResponse {
  return upload(req, "asset", req.params.AssetSid);
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

// ---- builds ----

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
