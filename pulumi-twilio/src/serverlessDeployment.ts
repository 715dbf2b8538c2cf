// One environment of a Serverless service (a `ServerlessService`), deployed from a built project
// folder through @twilio-labs/serverless-api (upload functions/assets, build, set variables,
// activate). A deployment cannot be deleted, only superseded: an update deploys a new build.
// Delete removes the environment; the service is its own resource. A build activated by someone
// else (`twilio serverless:deploy`, the console) is seen by `read` and reverted by the next update.
import * as pulumi from "@pulumi/pulumi";
import {
  apiError,
  callApi,
  configureCredentials,
  containsUnknown,
  diffProperties,
  isNotFound,
  readOrGone,
  serverlessClient,
  twilioCredentials,
} from "./client";

const PROVIDER_VERSION = "2";

export interface ServerlessDeploymentArgs {
  /** The service to deploy into (a `ServerlessService`'s `sid`). */
  serviceSid: pulumi.Input<string>;
  /** Environment domain suffix, e.g. the stack name: `<service>-1234-<suffix>.twil.io`. */
  environmentSuffix: pulumi.Input<string>;
  /** Absolute path of the built project folder (functions/, assets/, package.json). */
  sourceDir: pulumi.Input<string>;
  /** Hash of the folder's files: a redeploy happens when this (or a variable) changes. */
  sourceHash: pulumi.Input<string>;
  /** Environment variables; values are usually secret, so only their hash is kept in outputs. */
  variables: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Twilio runtime, e.g. `node22`. */
  runtime: pulumi.Input<string>;
}

interface ResolvedInputs {
  serviceSid: string;
  environmentSuffix: string;
  sourceDir: string;
  sourceHash: string;
  variables: Record<string, string>;
  runtime: string;
  providerVersion: string;
}

interface ResolvedOutputs {
  serviceSid: string;
  environmentSuffix: string;
  sourceHash: string;
  runtime: string;
  providerVersion: string;
  environmentSid: string;
  /** The build this stack deployed. */
  buildSid: string;
  /** The environment's active build at the last read (another one: redeployed by the next update). */
  activeBuildSid: string | null;
  domain: string;
  /** Function paths deployed (e.g. `/announce`). */
  functionPaths: string[];
  variableNames: string[];
  /** sha256 of the variables (names and values): detects changes without storing values twice. */
  variablesHash: string;
}

function hashVariables(variables: Record<string, string>): string {
  const crypto = require("crypto") as typeof import("crypto");
  const sorted = Object.keys(variables)
    .sort()
    .map((k) => [k, variables[k]]);
  return crypto.createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}

async function deploy(inputs: ResolvedInputs): Promise<ResolvedOutputs> {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const api = serverlessClient();
  const pkgJson = JSON.parse(fs.readFileSync(path.join(inputs.sourceDir, "package.json"), "utf8"));
  try {
    const result = await api.deployLocalProject({
      // deployLocalProject wants the credentials in its config too.
      username: twilioCredentials().username,
      password: twilioCredentials().password,
      cwd: inputs.sourceDir,
      envPath: path.join(inputs.sourceDir, ".env"),
      env: inputs.variables,
      pkgJson,
      // An existing service: the library creates the environment if missing and reuses functions.
      serviceSid: inputs.serviceSid,
      // Required by the typings; with a service SID the library reads the name from the service.
      serviceName: inputs.serviceSid,
      functionsEnv: inputs.environmentSuffix,
      runtime: inputs.runtime,
      overrideExistingService: false,
    });
    return {
      serviceSid: inputs.serviceSid,
      environmentSuffix: inputs.environmentSuffix,
      sourceHash: inputs.sourceHash,
      runtime: inputs.runtime,
      providerVersion: inputs.providerVersion,
      environmentSid: result.environmentSid,
      buildSid: result.buildSid,
      activeBuildSid: result.buildSid,
      domain: result.domain,
      functionPaths: result.functionResources.map((f) => f.path).sort(),
      variableNames: Object.keys(inputs.variables).sort(),
      variablesHash: hashVariables(inputs.variables),
    };
  } catch (err) {
    throw apiError(`deploy to Serverless Service ${inputs.serviceSid}`, err);
  }
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    // During preview the whole map may still be unknown (a string): nothing to judge yet.
    const variables = typeof news.variables === "object" && news.variables !== null ? news.variables : {};
    for (const [name, value] of Object.entries(variables)) {
      // Twilio caps a variable value at 450 bytes.
      if (typeof value === "string" && Buffer.byteLength(value) > 450) {
        failures.push({ property: "variables", reason: `${name} is longer than Twilio's 450 bytes` });
      }
    }
    return { inputs: news, failures };
  },

  async create(inputs: ResolvedInputs) {
    const outs = await deploy(inputs);
    return { id: outs.environmentSid, outs: outs satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    return readOrGone(async () => {
      const environment = (client: import("twilio").Twilio) =>
        client.serverless.v1.services(props.serviceSid).environments(props.environmentSid);
      const env = await callApi(`fetch Environment ${props.environmentSid}`, (client) => environment(client).fetch());
      const variables = await callApi(`list Variables of ${props.environmentSid}`, (client) =>
        environment(client).variables.list(),
      );
      const values = Object.fromEntries(variables.map((v) => [v.key, v.value]));
      // Drift: a variable edited in the console changes the hash; another active build shows too.
      const outs = {
        ...props,
        activeBuildSid: env.buildSid ?? null,
        domain: env.domainName,
        variableNames: Object.keys(values).sort(),
        variablesHash: hashVariables(values),
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    });
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // `sourceDir` is deliberately not compared: it is a local path, the hash says what changed.
    // Variables are compared by hash: the values (secrets among them) are not kept in outputs.
    const variablesChanged = containsUnknown(news.variables) || hashVariables(news.variables) !== olds.variablesHash;
    // Someone else's deploy (console, `twilio serverless:deploy`) made another build active.
    const redeployed = olds.activeBuildSid !== undefined && olds.activeBuildSid !== olds.buildSid;
    return diffProperties(olds, news, {
      replace: ["serviceSid"],
      update: ["environmentSuffix", "sourceHash", "runtime"],
      also: variablesChanged || redeployed,
    });
  },

  async update(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const id = news.serviceSid;
    const sameEnvironment = olds.environmentSuffix === news.environmentSuffix;
    const stale = olds.variableNames.filter((name) => !(name in news.variables));
    if (sameEnvironment && stale.length > 0) {
      const api = serverlessClient();
      const { removeEnvironmentVariables } = require("@twilio-labs/serverless-api/dist/api/variables");
      await removeEnvironmentVariables(stale, olds.environmentSid, id, api).catch((err: unknown) => {
        throw apiError(`remove Variables ${stale.join(",")} of ${olds.environmentSid}`, err);
      });
    }
    const outs = await deploy(news);
    // Another domain suffix: deployed to a new environment of the same service; the old one goes.
    if (!sameEnvironment) {
      await callApi(`delete Environment ${olds.environmentSid}`, (client) =>
        client.serverless.v1.services(id).environments(olds.environmentSid).remove(),
      );
    }
    return { outs: outs satisfies ResolvedOutputs };
  },

  async delete(id, props: ResolvedOutputs) {
    try {
      await callApi(`delete Environment ${id}`, (client) =>
        client.serverless.v1.services(props.serviceSid).environments(id).remove(),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

/** The deployed functions of `sourceDir`; `domain` and `url(path)` are what callers wire. */
export class ServerlessDeployment extends pulumi.dynamic.Resource {
  declare readonly serviceSid: pulumi.Output<string>;
  declare readonly environmentSid: pulumi.Output<string>;
  declare readonly buildSid: pulumi.Output<string>;
  declare readonly domain: pulumi.Output<string>;
  declare readonly functionPaths: pulumi.Output<string[]>;

  constructor(name: string, args: ServerlessDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    const outs = { environmentSid: undefined, buildSid: undefined, activeBuildSid: undefined, domain: undefined };
    const props = { ...args, providerVersion: PROVIDER_VERSION, ...outs, functionPaths: undefined };
    super(
      provider,
      name,
      { ...props, variableNames: undefined, variablesHash: undefined },
      opts,
      "twilio",
      "ServerlessDeployment",
    );
  }

  /** `https://<domain><path>` of a deployed function. */
  url(path: string): pulumi.Output<string> {
    return pulumi.interpolate`https://${this.domain}${path}`;
  }
}

export { provider as serverlessDeploymentProvider };
