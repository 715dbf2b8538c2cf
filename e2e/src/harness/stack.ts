// The whole product offline: the twin (with its behaviour engine) in this process, the stack
// deployed into it by the real Pulumi engine (`pulumi up` of the repository's Pulumi.yaml program,
// the CLI built by tools/pulumi, a file backend in a temp folder), the functions under twilio-run
// behind the hosting edge, the twin delivering the environment's webhooks (https://<domain>/…)
// to that edge. Tests, the demo and the bench all start it here.
import { FunctionEnv } from "@flex-call-recovery/vocabulary";
import { ManualClock, startTwin, twilioClientForTwin, type Clock, type RunningTwin } from "@flex-call-recovery/twin";
import { attachEngine, type TwinEngine } from "@flex-call-recovery/twin/engine";
import { LocalPulumi, summaryLines, type PulumiResult } from "@flex-call-recovery/infra/engine";
import type twilio from "twilio";
import { startEdge, type Edge, type EdgeRequest } from "./edge";
import { ensureBuilds, pluginBuildSnapshot } from "./builds";
import {
  assetRoutes,
  FUNCTIONS_BUILD_DIR,
  functionRoutes,
  startFunctions,
  type FunctionsServer,
} from "./functionsServer";

export interface StackOptions {
  /** Virtual time for the twin (and the agents' plugins): nothing waits for real seconds. Default true. */
  manualClock?: boolean;
  /** Check every twin request and answer against Twilio's OpenAPI description. */
  validate?: boolean;
  /** Added to every Twilio API call the functions make (ms). */
  latencyMs?: number;
  /** Share (0..1) of Twilio API calls answered 429/500/503. */
  faultRate?: number;
  seed?: number;
  /** Share of webhooks delivered twice / held back to arrive out of order. */
  duplicateWebhookRate?: number;
  reorderWebhookRate?: number;
  /** Extra stack config for the deploy (`pingTimeoutSeconds` …). */
  config?: Record<string, string>;
  onEdgeRequest?: (request: EdgeRequest) => void;
  log?: (line: string) => void;
}

/** What a new Flex account already holds (the twin seeds it): what the stack adopts and patches. */
export interface SeededFlexAccount {
  workspaceSid: string;
  everyoneQueueSid: string;
  /** Flex's voice workflow ("Assign to Anyone"): Flex configuration's taskrouter_target_workflow_sid. */
  voiceWorkflowSid: string;
}

export interface EdgeListener {
  arrived?(request: { method: string; path: string; body: unknown; copy: boolean }): void;
  answered?(request: EdgeRequest): void;
}

export interface Stack {
  twin: RunningTwin;
  engine: TwinEngine;
  /** The twin's clock when it is virtual. */
  clock: ManualClock | null;
  /** An SDK client on the twin (the operator's view). */
  sdk: twilio.Twilio;
  seeded: SeededFlexAccount;
  /** `pulumi stack output --json --show-secrets` after the deploy. */
  outputs: Record<string, unknown>;
  /** The deployed stack: run `pulumi` on it again (a redeploy, a preview). */
  pulumi: LocalPulumi;
  /** What the CLI printed for the deploy. */
  deployed: PulumiResult;
  /** The deployed environment's domain. */
  domain: string;
  /** The environment the functions run with (as Twilio injects it, plus the twin's URL). */
  functionsEnv: Record<string, string>;
  /** Where the functions answer locally (the edge in front of twilio-run). */
  functionsUrl: string;
  edgeRequests: EdgeRequest[];
  /** Calls `listener` when a request reaches the functions and when it is answered; returns the unsubscribe function. */
  onEdgeRequest(listener: EdgeListener): () => void;
  /** Twilio API error injection, applied after the deploy. */
  /** Every webhook reaches the functions `1 + copies` times (at-least-once delivery). */
  setWebhookCopies(copies: number): void;
  /** Requests the functions are still answering (webhook copies and waiting ones included). */
  functionsInFlight(): number;
  /** At most `limit` function invocations run at once in this process (null: no limit; see Edge). */
  setFunctionConcurrency(limit: number | null): void;
  setFaults(faults: {
    errorRate?: number;
    latencyMs?: number;
    duplicateWebhookRate?: number;
    reorderWebhookRate?: number;
    syncWriteLimit?: boolean;
  }): void;
  /** A Flex token the twin's iam accepts for a worker. */
  flexToken(workerSid: string, identity?: string): Promise<string>;
  stop(): Promise<void>;
}

/** For a suite's beforeAll: a `pulumi up` takes seconds, minutes on a busy shared machine (and the first
 * start may build the engine: jest's global set-up normally has). */
export const STACK_START_TIMEOUT_MS = 10 * 60_000;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const clock = options.manualClock === false ? null : new ManualClock(Date.now());
  const stopping: (() => Promise<void> | void)[] = [];
  try {
    log("starting the Twilio twin…");
    const twin = await startTwin({
      clock: (clock ?? undefined) as Clock | undefined,
      validateAgainstSpec: options.validate,
      flexAccount: true,
    });
    stopping.push(() => twin.stop());
    const engine = attachEngine(twin, { webhookRetryBaseMs: 200 });
    stopping.unshift(() => engine.dispose());
    const sdk = twilioClientForTwin(twin);
    const flexSeed = twin.flexSeed!;
    const seeded: SeededFlexAccount = {
      workspaceSid: flexSeed.workspaceSid,
      everyoneQueueSid: flexSeed.taskQueueSid,
      voiceWorkflowSid: flexSeed.workflowSid,
    };

    ensureBuilds(log);
    const buildDir = FUNCTIONS_BUILD_DIR;
    const pluginBuild = pluginBuildSnapshot();
    stopping.push(() => pluginBuild.remove());

    log("deploying the stack into the twin (pulumi up, the real engine)…");
    const pulumi = await LocalPulumi.open({
      stack: "offline",
      env: {
        TWILIO_ACCOUNT_SID: twin.accountSid,
        TWILIO_AUTH_TOKEN: twin.authToken,
        [FunctionEnv.twilioApiBaseUrl]: twin.baseUrl,
      },
      log,
    });
    stopping.push(() => pulumi.dispose());
    await pulumi.setConfig({ pluginBuildDir: pluginBuild.dir, ...options.config });
    // No separate preview: the deploy is what is measured and watched here (the engine tests preview).
    const deployed = await pulumi.up("--skip-preview");
    const outputs = await pulumi.outputs({ showSecrets: true });
    const domain = String(outputs.functionsDomain);
    log(`deployed: ${summaryLines(deployed.stdout).join(", ")}; functions domain ${domain}`);

    // What Twilio's runtime gives a deployed function: the environment's variables plus the account.
    const variables = await sdk.serverless.v1
      .services(String(outputs.functionsServiceSid))
      .environments(String(outputs.functionsEnvironmentSid))
      .variables.list();
    const functionsEnv: Record<string, string> = {
      ...Object.fromEntries(variables.map((v) => [v.key, v.value])),
      [FunctionEnv.accountSid]: twin.accountSid,
      [FunctionEnv.authToken]: twin.authToken,
      [FunctionEnv.twilioApiBaseUrl]: twin.baseUrl,
    };

    log("starting the functions under twilio-run…");
    const functions: FunctionsServer = await startFunctions(functionsEnv, `https://${domain}`, buildDir);
    stopping.unshift(() => functions.stop());
    const edgeRequests: EdgeRequest[] = [];
    const edgeListeners = new Set<EdgeListener>();
    // Protected assets need a signature like protected functions (the visibility page says so of both).
    const routes = [...functionRoutes(buildDir), ...assetRoutes(buildDir)];
    const edge: Edge = await startEdge({
      domain,
      authToken: twin.authToken,
      upstream: functions.url,
      protectedPaths: routes.filter((r) => r.access === "protected").map((r) => r.path),
      privatePaths: routes.filter((r) => r.access === "private").map((r) => r.path),
      onRequest: (request) => {
        edgeRequests.push(request);
        options.onEdgeRequest?.(request);
        for (const listener of edgeListeners) listener.answered?.(request);
      },
      onArrival: (request) => {
        for (const listener of edgeListeners) listener.arrived?.(request);
      },
    });
    stopping.unshift(() => edge.stop());

    // The environment's domain resolves to the edge for every webhook the twin sends (status
    // callbacks, AnnounceUrl, the Event Streams sink the infra created); signed over the public URL.
    engine.webhooks.routeHost(domain, edge.url);

    const setFaults: Stack["setFaults"] = (faults) =>
      engine.faults.configure({
        seed: options.seed ?? 1,
        errorRate: faults.errorRate ?? 0,
        latency: faults.latencyMs ? { kind: "fixed", ms: faults.latencyMs } : null,
        duplicateWebhookRate: faults.duplicateWebhookRate ?? 0,
        reorderWebhookRate: faults.reorderWebhookRate ?? 0,
        syncWriteLimit: faults.syncWriteLimit ?? true,
      });
    setFaults({
      errorRate: options.faultRate,
      latencyMs: options.latencyMs,
      duplicateWebhookRate: options.duplicateWebhookRate,
      reorderWebhookRate: options.reorderWebhookRate,
    });

    return {
      twin,
      engine,
      clock,
      sdk,
      seeded,
      outputs,
      pulumi,
      deployed,
      domain,
      functionsEnv,
      functionsUrl: edge.url,
      edgeRequests,
      onEdgeRequest(listener) {
        edgeListeners.add(listener);
        return () => edgeListeners.delete(listener);
      },
      setFaults,
      setWebhookCopies: (copies) => edge.setWebhookCopies(copies),
      functionsInFlight: () => edge.inFlight(),
      setFunctionConcurrency: (limit) => edge.setConcurrency(limit),
      async flexToken(workerSid, identity) {
        const response = await fetch(`${twin.baseUrl}/_twin/flex-tokens`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ workerSid, identity }),
        });
        if (!response.ok) throw new Error(`issue Flex token for ${workerSid}: HTTP ${response.status}`);
        return ((await response.json()) as { token: string }).token;
      },
      async stop() {
        for (const stop of stopping.splice(0)) await stop();
      },
    };
  } catch (error) {
    for (const stop of stopping.splice(0)) await Promise.resolve(stop()).catch(() => undefined);
    throw error;
  }
}
