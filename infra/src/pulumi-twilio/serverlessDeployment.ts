// A Twilio Serverless service with one environment, deployed from a built project folder through
// @twilio-labs/serverless-api (upload functions/assets, build, set variables, activate).
// A deployment cannot be deleted, only superseded (pitfall 9): an update deploys a new build.
// The service is the stack's own, so delete removes it with everything in it.
import * as pulumi from "@pulumi/pulumi";
import {
  apiError,
  callApi,
  configureCredentials,
  containsUnknown,
  isNotFound,
  serverlessClient,
  twilioCredentials,
  valueChanged,
} from "./client";

const PROVIDER_VERSION = "1";

export interface ServerlessDeploymentArgs {
  /** The service's unique name (part of the domain). */
  serviceName: pulumi.Input<string>;
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
  serviceName: string;
  environmentSuffix: string;
  sourceDir: string;
  sourceHash: string;
  variables: Record<string, string>;
  runtime: string;
  providerVersion: string;
}

interface ResolvedOutputs {
  serviceName: string;
  environmentSuffix: string;
  sourceHash: string;
  runtime: string;
  providerVersion: string;
  sid: string;
  environmentSid: string;
  buildSid: string;
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

async function deploy(inputs: ResolvedInputs, serviceSid: string | null): Promise<ResolvedOutputs> {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const api = serverlessClient();
  const pkgJson = JSON.parse(fs.readFileSync(path.join(inputs.sourceDir, "package.json"), "utf8"));
  try {
    const result = await api.deployLocalProject({
      // deployLocalProject wants the credentials in its config too.
      username: twilioCredentials().accountSid,
      password: twilioCredentials().authToken,
      cwd: inputs.sourceDir,
      envPath: path.join(inputs.sourceDir, ".env"),
      env: inputs.variables,
      pkgJson,
      serviceSid: serviceSid ?? undefined,
      serviceName: inputs.serviceName,
      functionsEnv: inputs.environmentSuffix,
      runtime: inputs.runtime,
      overrideExistingService: false,
    });
    return {
      serviceName: inputs.serviceName,
      environmentSuffix: inputs.environmentSuffix,
      sourceHash: inputs.sourceHash,
      runtime: inputs.runtime,
      providerVersion: inputs.providerVersion,
      sid: result.serviceSid,
      environmentSid: result.environmentSid,
      buildSid: result.buildSid,
      domain: result.domain,
      functionPaths: result.functionResources.map((f) => f.path).sort(),
      variableNames: Object.keys(inputs.variables).sort(),
      variablesHash: hashVariables(inputs.variables),
    };
  } catch (err) {
    throw apiError(`deploy Serverless service "${inputs.serviceName}"`, err);
  }
}

const provider: pulumi.dynamic.ResourceProvider = {
  configure: configureCredentials,

  async check(_olds, news: ResolvedInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    // During preview the whole map may still be unknown (a string): nothing to judge yet.
    const variables = typeof news.variables === "object" && news.variables !== null ? news.variables : {};
    for (const [name, value] of Object.entries(variables)) {
      // Twilio caps a variable value at 450 bytes (pitfall 9).
      if (typeof value === "string" && Buffer.byteLength(value) > 450) {
        failures.push({ property: "variables", reason: `${name} is longer than Twilio's 450 bytes` });
      }
    }
    return { inputs: news, failures };
  },

  async create(inputs: ResolvedInputs) {
    const outs = await deploy(inputs, null);
    return { id: outs.sid, outs: outs satisfies ResolvedOutputs };
  },

  async read(id, props: ResolvedOutputs) {
    try {
      const env = await callApi(`fetch Environment ${props.environmentSid}`, (client) =>
        client.serverless.v1.services(id).environments(props.environmentSid).fetch(),
      );
      const variables = await callApi(`list Variables of ${props.environmentSid}`, (client) =>
        client.serverless.v1.services(id).environments(props.environmentSid).variables.list(),
      );
      const values = Object.fromEntries(variables.map((v) => [v.key, v.value]));
      // Drift: a variable edited in the console changes the hash; another active build shows too.
      const outs = {
        ...props,
        buildSid: env.buildSid ?? props.buildSid,
        domain: env.domainName,
        variableNames: Object.keys(values).sort(),
        variablesHash: hashVariables(values),
      } satisfies ResolvedOutputs;
      return { id, props: outs };
    } catch (err) {
      if (isNotFound(err)) return {};
      throw err;
    }
  },

  async diff(_id, olds: ResolvedOutputs, news: ResolvedInputs) {
    // A new service name is another service; its unique name is taken until the old one is gone.
    const replaces = valueChanged(olds.serviceName, news.serviceName) ? ["serviceName"] : [];
    // `sourceDir` is deliberately not compared: it is a local path, the hash says what changed.
    // Compared by hash: the values (secrets among them) are not kept in outputs.
    const variablesChanged = containsUnknown(news.variables) || hashVariables(news.variables) !== olds.variablesHash;
    const changes =
      replaces.length > 0 ||
      variablesChanged ||
      (["environmentSuffix", "sourceHash", "runtime", "providerVersion"] as const).some((k) =>
        valueChanged(olds[k], news[k]),
      );
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async update(id, olds: ResolvedOutputs, news: ResolvedInputs) {
    const sameEnvironment = olds.environmentSuffix === news.environmentSuffix;
    const stale = olds.variableNames.filter((name) => !(name in news.variables));
    if (sameEnvironment && stale.length > 0) {
      const api = serverlessClient();
      const { removeEnvironmentVariables } = require("@twilio-labs/serverless-api/dist/api/variables");
      await removeEnvironmentVariables(stale, olds.environmentSid, id, api).catch((err: unknown) => {
        throw apiError(`remove Variables ${stale.join(",")} of ${olds.environmentSid}`, err);
      });
    }
    const outs = await deploy(news, id);
    // Another domain suffix: deployed to a new environment of the same service; the old one goes.
    if (!sameEnvironment) {
      await callApi(`delete Environment ${olds.environmentSid}`, (client) =>
        client.serverless.v1.services(id).environments(olds.environmentSid).remove(),
      );
    }
    return { outs: outs satisfies ResolvedOutputs };
  },

  async delete(id) {
    try {
      await callApi(`delete Serverless Service ${id}`, (client) => client.serverless.v1.services(id).remove());
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};

/** The deployed functions of `sourceDir`; `domain` and `url(path)` are what callers wire. */
export class ServerlessDeployment extends pulumi.dynamic.Resource {
  declare readonly sid: pulumi.Output<string>;
  declare readonly environmentSid: pulumi.Output<string>;
  declare readonly buildSid: pulumi.Output<string>;
  declare readonly domain: pulumi.Output<string>;
  declare readonly functionPaths: pulumi.Output<string[]>;

  constructor(name: string, args: ServerlessDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    const outs = { sid: undefined, environmentSid: undefined, buildSid: undefined, domain: undefined };
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
