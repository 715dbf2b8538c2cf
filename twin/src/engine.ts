// The behaviour attached to a running twin: TaskRouter routing (taskrouter/routing/), voice
// (voice/calls.ts), Event Streams delivery and webhooks (events/), faults (faults.ts) and the
// simulated people (people/). The backends call it directly after each API change; `attachEngine`
// builds it, installs the fault middleware and the `/_twin/` control routes.
import { ManualClock } from "./clock";
import { ControlError, type ControlApi, type ControlRequest } from "./control/api";
import { EventStreamsDelivery, type SinkRegistry } from "./events/delivery";
import { WebhookDispatcher } from "./events/webhooks";
import { FaultInjector, faultMiddleware, type FaultConfig } from "./faults";
import { AgentDirector } from "./people/agents";
import { FlexOrchestrator } from "./people/flex";
import { accountOf, addPeopleRoutes } from "./people/routes";
import { AssignmentEngine } from "./taskrouter/routing/assignment";
import { TaskRouterView } from "./taskrouter/routing/view";
import type { Twin } from "./twin";
import { bool, str, words } from "./util";
import { VoiceEngine } from "./voice/calls";

export interface EngineOptions {
  faults?: Partial<FaultConfig>;
  /** Attempts per webhook delivery (default 5). */
  webhookMaxAttempts?: number;
  /** First webhook retry delay in ms (default 1000, doubling). */
  webhookRetryBaseMs?: number;
  /**
   * Public hosts whose webhooks go to a local base URL (e.g. a deployed functions domain →
   * the local runtime), signed over the public URL as Twilio would sign it.
   */
  webhookRoutes?: Record<string, string>;
  /** Flex UI's reaction time before it re-sets the worker leg's endConferenceOnExit (ms, twin clock; default 0). */
  flexResetDelayMs?: number;
}

export class TwinEngine {
  readonly faults: FaultInjector;
  readonly webhooks: WebhookDispatcher;
  readonly eventStreams: EventStreamsDelivery;
  readonly assignment: AssignmentEngine;
  readonly voice: VoiceEngine;
  readonly flex: FlexOrchestrator;
  readonly agents: AgentDirector;
  /** Tasks, reservations and workers with parsed attributes, for those who watch the routing. */
  readonly taskrouter: TaskRouterView;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly twin: Twin,
    options: EngineOptions = {},
  ) {
    const accounts = (accountSid: string) => twin.account(accountSid);
    const clock = twin.clock;
    this.faults = new FaultInjector(options.faults);
    this.webhooks = new WebhookDispatcher({
      clock,
      authTokenFor: (accountSid) => twin.account(accountSid)?.authToken ?? twin.authToken,
      faults: this.faults,
      maxAttempts: options.webhookMaxAttempts,
      retryBaseMs: options.webhookRetryBaseMs,
      routes: options.webhookRoutes,
    });
    this.eventStreams = new EventStreamsDelivery(this.webhooks, accounts);
    this.assignment = new AssignmentEngine({ accounts, clock, onEvent: (e) => this.eventStreams.publish(e) });
    this.voice = new VoiceEngine({ accounts, clock, webhooks: this.webhooks });
    this.taskrouter = new TaskRouterView(accounts);
    let agents: AgentDirector | null = null;
    this.flex = new FlexOrchestrator({
      voice: this.voice,
      accounts,
      isClientOnline: (accountSid, workerSid) => agents?.isOnline(accountSid, workerSid) ?? true,
      resetDelayMs: options.flexResetDelayMs,
      clock,
    });
    this.agents = agents = new AgentDirector(accounts, this.voice, this.flex, clock);
    this.unsubscribe.push(twin.hooks.use(faultMiddleware(twin, this.faults)));
    // `POST /_twin/reset` empties the stores; the engine's timers, faults and sinks go with them.
    this.unsubscribe.push(twin.onReset(() => this.reset()));
  }

  /** Sinks registered besides the REST-created ones. */
  get sinks(): SinkRegistry {
    return this.eventStreams.sinks;
  }

  /** Errors of asynchronous work started by REST calls (redirect TwiML fetches, announcements). */
  get asyncErrors(): string[] {
    return this.voice.asyncErrors;
  }

  /** Resolves when no webhook is in flight and no REST-started voice work is pending. */
  async idle(): Promise<void> {
    for (;;) {
      this.eventStreams.flush();
      if (this.voice.pending.size === 0) {
        await this.webhooks.idle();
        if (this.voice.pending.size === 0) return;
      }
      await Promise.allSettled([...this.voice.pending]);
    }
  }

  /** Stops timers and detaches from the twin (call before `twin.stop()`). */
  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe.length = 0;
    if (this.twin.engine === this) this.twin.engine = undefined;
    this.assignment.dispose();
    this.agents.dispose();
    this.flex.dispose();
    this.eventStreams.dispose();
    this.webhooks.dispose();
  }

  /** Forgets engine-side state after `twin.reset()` (faults back to defaults, sinks cleared). */
  reset(): void {
    this.assignment.dispose();
    this.agents.dispose();
    this.faults.reset();
    this.sinks.clear();
  }
}

// Twins that already have the engine's control routes (the control API cannot remove routes).
const routed = new WeakSet<Twin>();

/**
 * Attaches the behaviour to a twin (right after `startTwin`). Attaching again disposes the
 * previous engine and replaces it (tests do this after `twin.reset()`).
 */
export function attachEngine(twin: Twin, options: EngineOptions = {}): TwinEngine {
  twin.engine?.dispose();
  const engine = new TwinEngine(twin, options);
  twin.engine = engine;
  if (!routed.has(twin)) {
    routed.add(twin);
    addEngineRoutes(twin.control);
    addPeopleRoutes(twin.control);
  }
  return engine;
}

/** The engine attached to the twin a control request reached (routes act on the current one). */
export function engineOf(req: ControlRequest): TwinEngine {
  if (!req.twin.engine) throw new ControlError(409, "no behaviour engine is attached to this twin");
  return req.twin.engine;
}

/** Faults, webhooks, extra Event Streams sinks, the clock and idling under `/_twin/`. */
function addEngineRoutes(api: ControlApi): void {
  api.add("GET", "/faults", (req) => {
    const { faults } = engineOf(req);
    return { body: { config: faults.current(), counters: faults.counters } };
  });
  api.add("POST", "/faults", (req) => {
    engineOf(req).faults.configure(req.body as Partial<FaultConfig>); // a bad configuration is a 400
    return { body: { config: engineOf(req).faults.current() } };
  });
  api.add("DELETE", "/faults", (req) => {
    engineOf(req).faults.reset();
    return { status: 204 };
  });
  api.add("GET", "/webhooks", (req) => ({ body: { attempts: engineOf(req).webhooks.attempts() } }));
  api.add("POST", "/event-sinks", (req) => {
    const destination = str(req.body.destination);
    const types = words(req.body.types);
    if (!destination || !types?.length) throw new ControlError(400, "event-sinks: destination and types are required");
    const sinkSid = str(req.body.sinkSid) ?? `DG${Date.now().toString(16).padStart(32, "0")}`;
    engineOf(req).sinks.add(accountOf(req), {
      sinkSid,
      destination,
      method: "POST",
      batchEvents: bool(req.body.batchEvents) ?? true,
      types: new Set(types),
    });
    return { status: 201, body: { sinkSid } };
  });
  api.add("POST", "/clock/advance", ({ twin, body }) => {
    if (!(twin.clock instanceof ManualClock)) throw new ControlError(409, "clock: the twin runs on real time");
    twin.clock.advance(Number(body.ms ?? 0));
    return { body: { now: twin.clock.now().toISOString() } };
  });
  api.add("POST", "/engine/idle", async (req) => {
    const engine = engineOf(req);
    await engine.idle();
    return { body: { asyncErrors: engine.asyncErrors } };
  });
}
