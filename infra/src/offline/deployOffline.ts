// Offline deploy: runs the real program under Pulumi's mock runtime and has every dynamic
// resource handled by its real provider — deserialized from the `__provider` input exactly as
// the dynamic-provider host does, so serialization mistakes surface here — against the twin.
// It plays the engine's part: check → create, or check → diff → update | replace, with state
// kept between runs, so a second run with nothing changed makes no writes. Real deployments use
// the Pulumi CLI (`pulumi up`); this is for tests and the demo.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceProvider } from "@pulumi/pulumi/dynamic";
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import { CONFIG_NAMESPACE } from "../settings";
import { recoveryProgram } from "../program";
import type { RecoveryStack } from "../program";

/** One resource as the offline engine remembers it. */
export interface OfflineResourceState {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outs: Record<string, unknown>;
  /** The serialized provider the resource was created with (delete uses it, like the engine). */
  provider: string;
}

/** Keyed by `type::name`, in creation order. */
export interface OfflineState {
  resources: Record<string, OfflineResourceState>;
}

export type OfflineStep = "create" | "update" | "replace" | "same";

export interface OfflineRunResult {
  outputs: Record<string, unknown>;
  /** What happened to each resource in this run. */
  steps: { type: string; name: string; step: OfflineStep; id: string }[];
}

export interface OfflineOptions {
  twinBaseUrl: string;
  accountSid: string;
  authToken: string;
  /** Extra stack config (`flex-call-recovery:x` → value; short keys get the namespace). */
  config?: Record<string, string>;
  stackName?: string;
  /** Carried between runs; pass the same object (or a loaded file) to run again. */
  state?: OfflineState;
  /** Read every known resource first (`pulumi up --refresh`): drift then shows in the diffs. */
  refresh?: boolean;
}

// Pulumi's wire marker for a secret value (what the mock runtime hands to newResource).
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Strips secret markers the way the engine does before a provider sees its inputs. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(obj.value);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

const providerCache = new Map<string, ResourceProvider>();

/**
 * Only what the real dynamic-provider process can load: npm packages and Node built-ins. Our
 * TypeScript modules (relative paths, the workspace packages) are refused, as they would fail
 * there without a TypeScript loader.
 */
function providerRequire(id: string): unknown {
  if (id.startsWith(".") || id.startsWith("/") || id.startsWith("@flex-call-recovery/")) {
    throw new Error(`serialized provider code requires "${id}": only npm packages can be loaded there`);
  }
  return require(id);
}

/**
 * Loads a serialized provider as the dynamic-provider host does (its text evaluated as a
 * CommonJS module, then `handler()` and `configure`). Evaluated with `new Function` rather
 * than require-from-string so it shares this realm's `process.env` (under jest the sandbox has
 * its own copy).
 */
async function loadProvider(serialized: string, config: Record<string, string>): Promise<ResourceProvider> {
  const cached = providerCache.get(serialized);
  if (cached) return cached;
  const module = { exports: {} as { handler(): ResourceProvider } };
  const evaluate = new Function("exports", "require", "module", "__filename", "__dirname", serialized);
  evaluate(module.exports, providerRequire, module, path.join(__dirname, "__provider.js"), __dirname);
  const provider = module.exports.handler();
  await provider.configure?.({ config: { get: (key: string) => config[key], require: (key: string) => config[key] } });
  providerCache.set(serialized, provider);
  return provider;
}

function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

function fullConfig(options: OfflineOptions): Record<string, string> {
  const config: Record<string, string> = {
    "twilio:accountSid": options.accountSid,
    "twilio:authToken": options.authToken,
  };
  for (const [k, v] of Object.entries(options.config ?? {}))
    config[k.includes(":") ? k : `${CONFIG_NAMESPACE}:${k}`] = v;
  return config;
}

/** Resolves an Output's value under the mock runtime. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Deploys (or updates) the stack against the twin; returns outputs and what each resource did. */
export async function deployOffline(options: OfflineOptions): Promise<OfflineRunResult> {
  const state = options.state ?? { resources: {} };
  const config = fullConfig(options);
  const steps: OfflineRunResult["steps"] = [];
  const inflight = new Set<Promise<unknown>>();
  // Old resources of create-before-delete replacements, deleted (newest first) at the end.
  const replaced: OfflineResourceState[] = [];
  // The first failed registration fails the run (an Output whose resource failed never resolves).
  let fail: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // observed through Promise.race below

  async function register(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
    if (!args.type.startsWith("pulumi-nodejs:dynamic")) return { id: undefined, state: {} }; // components
    const key = `${args.type}::${args.name}`;
    const serialized = String(args.inputs.__provider);
    const provider = await loadProvider(serialized, config);
    const news = unwrapSecrets({ ...args.inputs, __provider: undefined }) as Record<string, unknown>;
    delete news.__provider;
    let prior: OfflineResourceState | undefined = state.resources[key];
    if (prior && options.refresh) {
      const read = await (await loadProvider(prior.provider, config)).read!(prior.id, prior.outs);
      // An empty read means the resource is gone: it will be created again.
      prior = read.id ? { ...prior, id: read.id, outs: (read.props ?? {}) as Record<string, unknown> } : undefined;
    }
    const checked = await provider.check!(prior?.inputs ?? {}, news);
    if (checked.failures?.length) {
      throw new Error(`${args.name}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    const inputs = checked.inputs as Record<string, unknown>;
    const record = (step: OfflineStep, id: string, outs: Record<string, unknown>) => {
      state.resources[key] = { type: args.type, name: args.name, id, inputs, outs, provider: serialized };
      steps.push({ type: args.type.replace(/^pulumi-nodejs:dynamic\/twilio:/, ""), name: args.name, step, id });
      return { id, state: outs };
    };
    if (!prior) {
      const created = await provider.create(inputs);
      return record("create", created.id, created.outs ?? {});
    }
    const diff = await provider.diff!(prior.id, prior.outs, inputs);
    if (!diff.changes) return record("same", prior.id, prior.outs);
    if (diff.replaces?.length) {
      if (diff.deleteBeforeReplace) await (await loadProvider(prior.provider, config)).delete!(prior.id, prior.outs);
      // Like the engine: create the replacement now, delete the old one after the whole update.
      else replaced.push(prior);
      const created = await provider.create(inputs);
      return record("replace", created.id, created.outs ?? {});
    }
    const updated = await provider.update!(prior.id, prior.outs, inputs);
    return record("update", prior.id, updated.outs ?? {});
  }

  return withEnv(
    {
      TWILIO_ACCOUNT_SID: options.accountSid,
      TWILIO_AUTH_TOKEN: options.authToken,
      [FunctionEnv.twilioApiBaseUrl]: options.twinBaseUrl,
    },
    async () => {
      await pulumi.runtime.setMocks(
        {
          newResource: (args) => {
            const p = register(args).catch((err) => {
              fail(err);
              throw err;
            });
            inflight.add(p);
            void p.catch(() => undefined).finally(() => inflight.delete(p));
            return p;
          },
          call: (args) => args.inputs,
        },
        "flex-call-recovery",
        options.stackName ?? "offline",
        false,
      );
      const stack: RecoveryStack = recoveryProgram({ get: (key) => config[key] }, {}, options.stackName ?? "offline");
      try {
        const outputs = await Promise.race([valueOf(pulumi.output(stack.outputs())), failed]);
        // Resources nothing reads (the ui_attributes patch) may still be registering: drain.
        while (inflight.size > 0) await Promise.race([Promise.allSettled([...inflight]), failed]);
        for (const old of replaced.reverse())
          await (
            await loadProvider(old.provider, config)
          ).delete!(old.id, old.outs);
        return { outputs: outputs as Record<string, unknown>, steps };
      } catch (err) {
        // Let registrations already under way finish, so the state records all that exists.
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
        throw err;
      }
    },
  );
}

/** Deletes every resource of `state` in reverse creation order (what `pulumi destroy` does). */
export async function destroyOffline(options: OfflineOptions & { state: OfflineState }): Promise<string[]> {
  const config = fullConfig(options);
  const deleted: string[] = [];
  await withEnv(
    {
      TWILIO_ACCOUNT_SID: options.accountSid,
      TWILIO_AUTH_TOKEN: options.authToken,
      [FunctionEnv.twilioApiBaseUrl]: options.twinBaseUrl,
    },
    async () => {
      for (const key of Object.keys(options.state.resources).reverse()) {
        const res = options.state.resources[key];
        const provider = await loadProvider(res.provider, config);
        await provider.delete!(res.id, res.outs);
        delete options.state.resources[key];
        deleted.push(`${res.type.replace(/^pulumi-nodejs:dynamic\/twilio:/, "")} ${res.name} ${res.id}`);
      }
    },
  );
  return deleted;
}
