// Serverless state for one account: services, environments (one domain each), functions and
// assets with their uploaded versions, builds, deployments and environment variables. Builds
// take `buildDurationMs` of clock time (default 0): created "building", "completed" when read
// after that; computing it on read needs no timer and works with any clock.
import { randomInt } from "crypto";
import { found, InvalidParameterError } from "../http/errors";
import { newSid } from "../http/sids";
import type { BackendContext } from "../store";
import { bySidOrName, type Dated, type Editable, insert, patch, stamped, where } from "../util";
import { BuildNotCompletedError, InvalidUploadError, UniqueNameTakenError } from "./errors";

export type Visibility = "public" | "protected" | "private";
export type BuildStatus = "building" | "completed" | "failed";

export interface ServerlessService extends Dated {
  sid: string;
  uniqueName: string;
  friendlyName: string;
  includeCredentials: boolean;
  uiEditable: boolean;
  /** Prefix of every environment's domain, e.g. `flex-call-recovery-1234`. */
  domainBase: string;
}

export interface Environment extends Dated {
  sid: string;
  serviceSid: string;
  uniqueName: string;
  domainSuffix: string | null;
  /** `<domainBase>[-<suffix>].twil.io`. */
  domainName: string;
  /** The build the latest deployment put live. */
  buildSid: string | null;
}

/** A function or an asset (same shape; `kind` tells which). */
export interface Resource extends Dated {
  sid: string;
  serviceSid: string;
  kind: "function" | "asset";
  friendlyName: string;
}

export interface ResourceVersion {
  sid: string;
  serviceSid: string;
  /** The function's or asset's SID. */
  resourceSid: string;
  kind: "function" | "asset";
  path: string;
  visibility: Visibility;
  content: Buffer;
  contentType: string;
  dateCreated: Date;
}

export interface Build extends Dated {
  sid: string;
  serviceSid: string;
  functionVersionSids: string[];
  assetVersionSids: string[];
  dependencies: { name: string; version: string }[];
  runtime: string;
  /** When reads start answering "completed". */
  completesAt: Date;
}

export interface Deployment extends Dated {
  sid: string;
  serviceSid: string;
  environmentSid: string;
  /** Null for a deployment without a build (the spec's build_sid is nullable). */
  buildSid: string | null;
}

export interface Variable extends Dated {
  sid: string;
  serviceSid: string;
  environmentSid: string;
  key: string;
  value: string;
}

interface ServiceState {
  service: ServerlessService;
  // Everything below by SID.
  environments: Map<string, Environment>;
  resources: Map<string, Resource>;
  versions: Map<string, ResourceVersion>;
  builds: Map<string, Build>;
  deployments: Map<string, Deployment>;
  variables: Map<string, Variable>;
}

const VISIBILITIES: Visibility[] = ["public", "protected", "private"];
export const RUNTIMES = ["node8", "node10", "node12", "node14", "node16", "node18", "node20", "node22"];
/** The path segment of a function or an asset (their records share one shape). */
export const segment = (kind: Resource["kind"]): string => (kind === "function" ? "Functions" : "Assets");

/** serverless-api sends Dependencies as JSON wrapped in an extra pair of quotes; accept both. */
function dependencies(text: string | undefined): { name: string; version: string }[] {
  if (text === undefined) return [];
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

export class ServerlessBackend {
  // Services by SID (ZS...).
  private readonly services = new Map<string, ServiceState>();
  /** Clock milliseconds a build stays "building". */
  buildDurationMs = 0;

  constructor(private readonly ctx: BackendContext) {
    // Twilio's Functions and Assets operations (createFunction, listAssetVersion…), which
    // http/operations.ts calls by name: one record shape, the kind taken from the name.
    for (const kind of ["function", "asset"] as const) {
      const name = segment(kind).slice(0, -1);
      Object.assign(this, {
        [`create${name}`]: (svc: string, input: { friendlyName: string }) => this.createResource(svc, kind, input),
        [`fetch${name}`]: (svc: string, sid: string) => this.fetchResource(svc, kind, sid),
        [`list${name}`]: (svc: string) => this.listResource(svc, kind),
        [`update${name}`]: (svc: string, sid: string, input: object) => this.updateResource(svc, kind, sid, input),
        [`delete${name}`]: (svc: string, sid: string) => this.deleteResource(svc, kind, sid),
        [`fetch${name}Version`]: (svc: string, of: string, sid: string) => this.fetchVersion(svc, kind, of, sid),
        [`list${name}Version`]: (svc: string, of: string) => this.listVersion(svc, kind, of),
      });
    }
  }

  private now(): Date {
    return this.ctx.clock.now();
  }

  /** Services are addressable by SID or unique name (serverless-api and the console use both). */
  private svc(sidOrName: string): ServiceState {
    return found(
      bySidOrName(this.services, sidOrName, (s) => s.service.uniqueName),
      `/Services/${sidOrName}`,
    );
  }

  /** A record by SID; `belongs` says whether it is the one addressed (its kind, its parent). */
  private item<T>(map: Map<string, T>, sid: string, path: string, belongs: (found: T) => boolean = () => true): T {
    const record = map.get(sid);
    return found(record && belongs(record) ? record : undefined, path);
  }

  // ---- Services ----

  /** Unique names are unique per account; include_credentials defaults to true as on Twilio. */
  createService(input: {
    uniqueName: string;
    friendlyName: string;
    includeCredentials?: boolean;
    uiEditable?: boolean;
  }): ServerlessService {
    if ([...this.services.values()].some((s) => s.service.uniqueName === input.uniqueName)) {
      throw new UniqueNameTakenError("Service", input.uniqueName);
    }
    const now = this.now();
    const service: ServerlessService = {
      sid: newSid("ZS"),
      uniqueName: input.uniqueName,
      friendlyName: input.friendlyName,
      includeCredentials: input.includeCredentials ?? true,
      uiEditable: input.uiEditable ?? false,
      // Twilio appends four random digits to the unique name.
      domainBase: `${input.uniqueName}-${randomInt(1000, 10000)}`,
      ...stamped(now),
    };
    this.services.set(service.sid, {
      service,
      environments: new Map(),
      resources: new Map(),
      versions: new Map(),
      builds: new Map(),
      deployments: new Map(),
      variables: new Map(),
    });
    return service;
  }

  fetchService(sidOrName: string): ServerlessService {
    return this.svc(sidOrName).service;
  }

  /** Creation order. */
  listService(): ServerlessService[] {
    return [...this.services.values()].map((s) => s.service);
  }

  /** The unique name (and so the domain base) cannot change. */
  updateService(sid: string, input: Editable<ServerlessService>): ServerlessService {
    return patch(this.svc(sid).service, input, this.now());
  }

  /** Removes everything in it: environments, functions, builds. */
  deleteService(sid: string): void {
    this.services.delete(this.svc(sid).service.sid);
  }

  // ---- Environments ----

  /** Unique names per service; the domain is the service's base plus the optional suffix. */
  createEnvironment(serviceSid: string, input: { uniqueName: string; domainSuffix?: string }): Environment {
    const state = this.svc(serviceSid);
    if ([...state.environments.values()].some((e) => e.uniqueName === input.uniqueName)) {
      throw new UniqueNameTakenError("Environment", input.uniqueName);
    }
    const suffix = input.domainSuffix || null;
    return insert(state.environments, {
      sid: newSid("ZE"),
      serviceSid: state.service.sid,
      uniqueName: input.uniqueName,
      domainSuffix: suffix,
      domainName: `${state.service.domainBase}${suffix ? `-${suffix}` : ""}.twil.io`,
      buildSid: null,
      ...stamped(this.now()),
    });
  }

  fetchEnvironment(serviceSid: string, sid: string): Environment {
    return this.item(this.svc(serviceSid).environments, sid, `/Services/${serviceSid}/Environments/${sid}`);
  }

  listEnvironment(serviceSid: string): Environment[] {
    return [...this.svc(serviceSid).environments.values()];
  }

  /** Its variables go with it; its deployments stay in the history. */
  deleteEnvironment(serviceSid: string, sid: string): void {
    const state = this.svc(serviceSid);
    this.fetchEnvironment(serviceSid, sid);
    state.environments.delete(sid);
    for (const [vid, v] of state.variables) if (v.environmentSid === sid) state.variables.delete(vid);
  }

  // ---- Functions and assets ----

  /** Functions and assets: the named shell that versions are uploaded into. */
  private createResource(serviceSid: string, kind: Resource["kind"], input: { friendlyName: string }): Resource {
    const state = this.svc(serviceSid);
    return insert(state.resources, {
      sid: newSid("ZH"),
      serviceSid: state.service.sid,
      kind,
      friendlyName: input.friendlyName,
      ...stamped(this.now()),
    });
  }

  /** A function SID looked up as an asset (or the reverse) is not found. */
  private fetchResource(serviceSid: string, kind: Resource["kind"], sid: string): Resource {
    const path = `/Services/${serviceSid}/${segment(kind)}/${sid}`;
    return this.item(this.svc(serviceSid).resources, sid, path, (r) => r.kind === kind);
  }

  private listResource(serviceSid: string, kind: Resource["kind"]): Resource[] {
    return where(this.svc(serviceSid).resources.values(), { kind });
  }

  private updateResource(
    serviceSid: string,
    kind: Resource["kind"],
    sid: string,
    input: Editable<Resource, "serviceSid" | "kind">,
  ): Resource {
    return patch(this.fetchResource(serviceSid, kind, sid), input, this.now());
  }

  private deleteResource(serviceSid: string, kind: Resource["kind"], sid: string): void {
    this.fetchResource(serviceSid, kind, sid);
    this.svc(serviceSid).resources.delete(sid);
  }

  // ---- Versions (created by the serverless-upload multipart endpoints) ----

  /** Paths start with "/"; Visibility is public, protected or private, as Twilio checks. */
  createVersion(
    serviceSid: string,
    kind: Resource["kind"],
    resourceSid: string,
    input: { path: string; visibility: string; content: Buffer; contentType: string },
  ): ResourceVersion {
    const state = this.svc(serviceSid);
    this.fetchResource(serviceSid, kind, resourceSid);
    if (!VISIBILITIES.includes(input.visibility as Visibility)) {
      throw new InvalidUploadError(`Visibility must be one of ${VISIBILITIES.join(", ")}`);
    }
    if (!input.path.startsWith("/")) throw new InvalidUploadError("Path must start with /");
    return insert(state.versions, {
      sid: newSid("ZN"),
      serviceSid: state.service.sid,
      resourceSid,
      kind,
      path: input.path,
      visibility: input.visibility as Visibility,
      content: input.content,
      contentType: input.contentType,
      dateCreated: this.now(),
    });
  }

  /** Versions are immutable; they are addressed under their function or asset. */
  fetchVersion(serviceSid: string, kind: Resource["kind"], resourceSid: string, sid: string): ResourceVersion {
    const path = `/Services/${serviceSid}/${segment(kind)}/${resourceSid}/Versions/${sid}`;
    return this.item(this.svc(serviceSid).versions, sid, path, (v) => v.kind === kind && v.resourceSid === resourceSid);
  }

  private listVersion(serviceSid: string, kind: Resource["kind"], resourceSid: string): ResourceVersion[] {
    this.fetchResource(serviceSid, kind, resourceSid);
    return where(this.svc(serviceSid).versions.values(), { kind, resourceSid });
  }

  /** Any version of the service by SID (build answers list them). */
  version(serviceSid: string, sid: string): ResourceVersion | undefined {
    return this.svc(serviceSid).versions.get(sid);
  }

  // ---- Builds ----

  /** Every version must exist and be of the right kind; node18 is the default runtime. Dependencies is JSON text. */
  createBuild(
    serviceSid: string,
    input: { functionVersions?: string[]; assetVersions?: string[]; dependencies?: string; runtime?: string },
  ): Build {
    const state = this.svc(serviceSid);
    for (const [list, kind] of [
      [input.functionVersions ?? [], "function"],
      [input.assetVersions ?? [], "asset"],
    ] as const) {
      for (const sid of list) {
        const v = state.versions.get(sid);
        if (!v || v.kind !== kind) throw new InvalidParameterError(`Unknown ${kind} version ${sid}`);
      }
    }
    const runtime = input.runtime ?? "node18";
    if (!RUNTIMES.includes(runtime)) throw new InvalidParameterError(`Runtime must be one of ${RUNTIMES.join(", ")}`);
    const now = this.now();
    return insert(state.builds, {
      sid: newSid("ZB"),
      serviceSid: state.service.sid,
      functionVersionSids: input.functionVersions ?? [],
      assetVersionSids: input.assetVersions ?? [],
      dependencies: dependencies(input.dependencies),
      runtime,
      completesAt: new Date(now.getTime() + this.buildDurationMs),
      ...stamped(now),
    });
  }

  /** "building" until `completesAt` on the clock, "completed" from then on. */
  buildStatus(build: Build, atCreation = false): BuildStatus {
    if (atCreation) return "building";
    return this.now().getTime() >= build.completesAt.getTime() ? "completed" : "building";
  }

  /** Status is computed on read (buildStatus). */
  fetchBuild(serviceSid: string, sid: string): Build {
    return this.item(this.svc(serviceSid).builds, sid, `/Services/${serviceSid}/Builds/${sid}`);
  }

  listBuild(serviceSid: string): Build[] {
    return [...this.svc(serviceSid).builds.values()];
  }

  /** A build an environment serves cannot be deleted. */
  deleteBuild(serviceSid: string, sid: string): void {
    const state = this.svc(serviceSid);
    this.fetchBuild(serviceSid, sid);
    if ([...state.environments.values()].some((e) => e.buildSid === sid)) {
      throw new InvalidParameterError(`Build ${sid} is deployed to an environment`);
    }
    state.builds.delete(sid);
  }

  // ---- Deployments ----

  /** Deploying makes the build the environment's live one (build_sid). */
  createDeployment(serviceSid: string, environmentSid: string, input: { buildSid?: string }): Deployment {
    const state = this.svc(serviceSid);
    const environment = this.fetchEnvironment(serviceSid, environmentSid);
    const now = this.now();
    const sid = input.buildSid ?? null;
    if (sid !== null) {
      const build = this.fetchBuild(serviceSid, sid);
      const status = this.buildStatus(build);
      if (status !== "completed") throw new BuildNotCompletedError(sid, status);
    }
    // Without a BuildSid the environment serves nothing.
    const deployment = insert(state.deployments, {
      sid: newSid("ZD"),
      serviceSid: state.service.sid,
      environmentSid: environment.sid,
      buildSid: sid,
      ...stamped(now),
    });
    environment.buildSid = sid;
    environment.dateUpdated = now;
    return deployment;
  }

  fetchDeployment(serviceSid: string, environmentSid: string, sid: string): Deployment {
    const path = `/Services/${serviceSid}/Environments/${environmentSid}/Deployments/${sid}`;
    return this.item(this.svc(serviceSid).deployments, sid, path, (d) => d.environmentSid === environmentSid);
  }

  /** The environment's deployment history, oldest first. */
  listDeployment(serviceSid: string, environmentSid: string): Deployment[] {
    this.fetchEnvironment(serviceSid, environmentSid);
    return where(this.svc(serviceSid).deployments.values(), { environmentSid });
  }

  // ---- Variables ----

  /** Keys are unique per environment; values are plain text (Twilio does not hide them). */
  createVariable(serviceSid: string, environmentSid: string, input: { key: string; value: string }): Variable {
    const state = this.svc(serviceSid);
    this.fetchEnvironment(serviceSid, environmentSid);
    if (this.listVariable(serviceSid, environmentSid).some((v) => v.key === input.key)) {
      throw new UniqueNameTakenError("Variable", input.key);
    }
    return insert(state.variables, {
      sid: newSid("ZV"),
      serviceSid: state.service.sid,
      environmentSid,
      key: input.key,
      value: input.value,
      ...stamped(this.now()),
    });
  }

  fetchVariable(serviceSid: string, environmentSid: string, sid: string): Variable {
    const path = `/Services/${serviceSid}/Environments/${environmentSid}/Variables/${sid}`;
    return this.item(this.svc(serviceSid).variables, sid, path, (v) => v.environmentSid === environmentSid);
  }

  listVariable(serviceSid: string, environmentSid: string): Variable[] {
    this.fetchEnvironment(serviceSid, environmentSid);
    return where(this.svc(serviceSid).variables.values(), { environmentSid });
  }

  /** Key and value may both change. */
  updateVariable(
    serviceSid: string,
    environmentSid: string,
    sid: string,
    input: Editable<Variable, "serviceSid" | "environmentSid">,
  ): Variable {
    return patch(this.fetchVariable(serviceSid, environmentSid, sid), input, this.now());
  }

  deleteVariable(serviceSid: string, environmentSid: string, sid: string): void {
    this.fetchVariable(serviceSid, environmentSid, sid);
    this.svc(serviceSid).variables.delete(sid);
  }
}
