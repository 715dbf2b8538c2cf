// Wires the engine into a running twin: listens to the backends' domain events (REST calls),
// drives routing, voice and Flex behaviour, delivers Event Streams and workspace callbacks,
// installs the fault-injection middleware, and adds the people-playing control routes under
// /_twin/ (agents, customers, faults, webhooks, event sinks). `attachEngine(twin)` does it all.
import { FLEX_WORKSPACE_NAME, FlexTaskAttribute as TaskAttribute } from "../flexFacts";
import { ControlError, type ControlRequest, type ControlResponse } from "../control/api";
import { TwilioError } from "../http/errors";
import { ManualClock } from "../clock";
import type { Participant } from "../voice/backend";
import type { Twin } from "../twin";
import { AgentDirector } from "./agents";
import { AssignmentEngine, type ApiReservationStatus, type ApiTaskStatus } from "./assignment";
import { EventStreamsDelivery, type EventSinkTarget, type EventStreamsPort } from "./eventStreams";
import { FaultInjector, validateFaultConfig, type FaultConfig } from "./faults";
import { FlexOrchestrator, type FlexConferenceOptions } from "./flex";
import {
  RestTaskRouterPort,
  RestVoicePort,
  WriteGuard,
  restAgentsBridge,
  restFlexBridge,
  restVoiceTaskBridge,
} from "./restAdapters";
import type { WorkspaceRef } from "./taskRouterPort";
import { VoiceEngine } from "./voice";
import type { VoiceParticipant } from "./voicePort";
import { WebhookDispatcher } from "./webhooks";

export interface EngineOptions {
  faults?: Partial<FaultConfig>;
  /** Attempts per webhook delivery (default 5). */
  webhookMaxAttempts?: number;
  /** First webhook retry delay in ms (default 1000, doubling). */
  webhookRetryBaseMs?: number;
  /** Where Event Streams sinks come from (default: the twin's Event Streams backend plus `sinks`). */
  eventStreams?: EventStreamsPort;
  /**
   * Public hosts whose webhooks go to a local base URL (e.g. a deployed functions domain →
   * the local runtime), signed over the public URL as Twilio would sign it.
   */
  webhookRoutes?: Record<string, string>;
  /** Flex UI's reaction time before it re-sets the worker leg's endConferenceOnExit (ms, twin clock; default 0). */
  flexResetDelayMs?: number;
}

/**
 * Extra Event Streams sinks registered with the engine directly, per account (tests and tools that
 * do not create sinks over REST); delivered to alongside the REST-created ones.
 */
export class SinkRegistry {
  // Sinks by account SID.
  private readonly byAccount = new Map<string, EventSinkTarget[]>();
  add(accountSid: string, sink: EventSinkTarget): void {
    this.byAccount.set(accountSid, [
      ...(this.byAccount.get(accountSid) ?? []).filter((s) => s.sinkSid !== sink.sinkSid),
      sink,
    ]);
  }
  remove(accountSid: string, sinkSid: string): void {
    this.byAccount.set(
      accountSid,
      (this.byAccount.get(accountSid) ?? []).filter((s) => s.sinkSid !== sinkSid),
    );
  }
  list(accountSid: string): EventSinkTarget[] {
    return [...(this.byAccount.get(accountSid) ?? [])];
  }
  clear(): void {
    this.byAccount.clear();
  }
}

/** Turns an engine error ("op: 409 detail") into the control API's status. */
function controlError(error: unknown): never {
  if (error instanceof ControlError) throw error;
  if (error instanceof TwilioError) throw new ControlError(error.status, error.message);
  const message = error instanceof Error ? error.message : String(error);
  const status = /: (4\d\d) /.exec(message)?.[1];
  throw status ? new ControlError(Number(status), message) : error;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

function words(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The conference options of a reservation update or an agent's accept (Twilio's parameter names or camelCase). */
function conferenceOptions(body: Record<string, unknown>): FlexConferenceOptions {
  const pick = (...names: string[]) => names.map((n) => body[n]).find((v) => v !== undefined);
  return {
    conferenceStatusCallback: str(pick("ConferenceStatusCallback", "conferenceStatusCallback")) ?? null,
    conferenceStatusCallbackMethod: str(pick("ConferenceStatusCallbackMethod", "conferenceStatusCallbackMethod")),
    conferenceStatusCallbackEvent: words(pick("ConferenceStatusCallbackEvent", "conferenceStatusCallbackEvent")),
    endConferenceOnExit: bool(pick("EndConferenceOnExit", "endConferenceOnExit")),
    endConferenceOnCustomerExit: bool(pick("EndConferenceOnCustomerExit", "endConferenceOnCustomerExit")),
    from: str(pick("From", "from")),
  };
}

export class TwinEngine {
  readonly guard = new WriteGuard();
  readonly taskrouterPort: RestTaskRouterPort;
  readonly assignment: AssignmentEngine;
  readonly webhooks: WebhookDispatcher;
  readonly faults: FaultInjector;
  readonly sinks = new SinkRegistry();
  readonly eventStreams: EventStreamsDelivery;
  readonly voice: VoiceEngine;
  readonly flex: FlexOrchestrator;
  readonly agents: AgentDirector;
  /** Errors of asynchronous work started by REST calls (redirect TwiML fetches, announcements). */
  readonly asyncErrors: string[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly twin: Twin,
    options: EngineOptions = {},
  ) {
    this.taskrouterPort = new RestTaskRouterPort(twin, this.guard);
    this.faults = new FaultInjector(options.faults);
    this.webhooks = new WebhookDispatcher({
      clock: twin.clock,
      authTokenFor: (accountSid) => twin.account(accountSid)?.authToken ?? twin.authToken,
      faults: this.faults,
      maxAttempts: options.webhookMaxAttempts,
      retryBaseMs: options.webhookRetryBaseMs,
      routes: options.webhookRoutes,
    });
    const port = this.taskrouterPort;
    this.eventStreams = new EventStreamsDelivery(
      this.webhooks,
      options.eventStreams ?? {
        sinks: (accountSid) => [...this.sinks.list(accountSid), ...restSinks(twin, accountSid)],
        workspaceCallback: (accountSid, workspaceSid) => {
          const ws = port.workspace({ accountSid, workspaceSid });
          return ws?.eventCallbackUrl ? { url: ws.eventCallbackUrl, eventsFilter: ws.eventsFilter } : null;
        },
      },
    );
    this.assignment = new AssignmentEngine({
      port,
      clock: twin.clock,
      onEvent: (event) => this.eventStreams.publish(event),
    });
    this.voice = new VoiceEngine({
      port: new RestVoicePort(twin, this.guard),
      tasks: restVoiceTaskBridge(twin, port),
      clock: twin.clock,
      webhooks: this.webhooks,
    });
    let director: AgentDirector | null = null;
    this.flex = new FlexOrchestrator({
      voice: this.voice,
      taskrouter: restFlexBridge(port),
      isClientOnline: (accountSid, workerSid) => director?.isOnline(accountSid, workerSid) ?? true,
      resetDelayMs: options.flexResetDelayMs,
      clock: twin.clock,
    });
    director = new AgentDirector(restAgentsBridge(twin, port), this.voice, this.flex, twin.clock);
    this.agents = director;
    this.listen();
    this.unsubscribe.push(twin.hooks.use((request, next) => this.middleware(request, next)));
    // `POST /_twin/reset` empties the stores; the engine's timers, faults and sinks go with them.
    this.unsubscribe.push(twin.onReset(() => this.reset()));
  }

  /** Resolves when no webhook is in flight and no REST-started voice work is pending. */
  async idle(): Promise<void> {
    for (;;) {
      this.eventStreams.flush();
      if (this.pending.size === 0) {
        await this.webhooks.idle();
        if (this.pending.size === 0) return;
      }
      await Promise.allSettled([...this.pending]);
    }
  }

  /** Stops timers and listeners (call before `twin.stop()`). */
  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe.length = 0;
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

  private track(accountSid: string, what: string, work: Promise<void>): void {
    const done = work.catch((error: unknown) => {
      this.asyncErrors.push(`${what} (${accountSid}): ${error instanceof Error ? error.message : String(error)}`);
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }

  // ---- domain events from the REST layer ----

  private listen(): void {
    const on = this.twin.events.on.bind(this.twin.events);
    const ref = (accountSid: string, workspaceSid: string): WorkspaceRef => ({ accountSid, workspaceSid });
    const skip = () => this.guard.active;
    this.unsubscribe.push(
      on("taskCreated", ({ accountSid, task }) => {
        if (!skip()) this.assignment.taskCreated(ref(accountSid, task.workspaceSid), task.sid);
      }),
      on("taskUpdated", ({ accountSid, task, previousStatus, params }) => {
        if (skip()) return;
        const r = ref(accountSid, task.workspaceSid);
        if (
          task.assignmentStatus !== previousStatus &&
          ["canceled", "wrapping", "completed"].includes(task.assignmentStatus)
        ) {
          this.assignment.taskStatusChanged(r, task.sid, previousStatus, task.assignmentStatus as ApiTaskStatus);
        }
        if (params.Attributes !== undefined) this.assignment.taskAttributesUpdated(r, task.sid);
        else if (params.Priority !== undefined) this.assignment.assign(r);
      }),
      on("taskDeleted", ({ accountSid, task }) => {
        if (!skip()) this.assignment.taskDeleted(ref(accountSid, task.workspaceSid), task.sid);
      }),
      on("reservationUpdated", ({ accountSid, reservation, previousStatus, params }) => {
        if (skip()) return;
        const r = ref(accountSid, reservation.workspaceSid);
        const status = reservation.reservationStatus;
        if (status !== previousStatus && ["accepted", "rejected", "wrapping", "completed"].includes(status)) {
          this.assignment.reservationStatusChanged(r, reservation.sid, previousStatus, status as ApiReservationStatus, {
            workerActivitySid: str(params.WorkerActivitySid),
          });
        }
        // Flex's accept: TaskRouter's conference instruction (accepts a pending reservation too).
        if (params.Instruction === "conference") {
          // TaskRouter's errors for a conference instruction it cannot carry out.
          const justAccepted = reservation.reservationStatus === "accepted" && previousStatus === "pending";
          if (reservation.reservationStatus !== "pending" && !justAccepted) {
            throw new TwilioError(400, 40136, `Reservation ${reservation.sid} is no longer pending`);
          }
          const task = this.taskrouterPort.task(r, reservation.taskSid);
          const callSid = task?.attributes[TaskAttribute.callSid];
          const call =
            typeof callSid === "string"
              ? this.twin
                  .account(accountSid)
                  ?.voice.allCalls()
                  .find((c) => c.sid === callSid)
              : undefined;
          if (!call || call.status !== "in-progress" || task?.assignmentStatus === "canceled") {
            throw new TwilioError(
              400,
              40144,
              "Reservation is no longer Pending - the caller hung up or the task was canceled",
            );
          }
          if (reservation.reservationStatus === "pending") {
            this.assignment.updateReservation(r, reservation.sid, "accepted");
          }
          this.flex.acceptVoiceReservation(
            accountSid,
            reservation.workspaceSid,
            reservation.sid,
            conferenceOptions(params),
            true,
          );
        }
      }),
      on("workerCreated", ({ accountSid, worker }) => {
        if (!skip()) this.assignment.workerUpdated(ref(accountSid, worker.workspaceSid));
      }),
      on("workerUpdated", ({ accountSid, worker, previousActivitySid }) => {
        if (skip()) return;
        const r = ref(accountSid, worker.workspaceSid);
        if (worker.activitySid !== previousActivitySid)
          this.assignment.workerActivityChanged(r, worker.sid, previousActivitySid);
        else this.assignment.workerUpdated(r);
      }),
      on("workflowUpdated", ({ accountSid, workflow }) => {
        // Waiting tasks keep their step (as on Twilio); a new configuration applies to new tasks.
        if (!skip()) this.assignment.workerUpdated(ref(accountSid, workflow.workspaceSid));
      }),
      on("workerChannelUpdated", ({ accountSid, workerChannel }) => {
        if (!skip()) this.assignment.workerUpdated(ref(accountSid, workerChannel.workspaceSid));
      }),
      on("taskQueueCreated", ({ accountSid, taskQueue }) => {
        if (!skip()) this.assignment.workerUpdated(ref(accountSid, taskQueue.workspaceSid));
      }),
      on("taskQueueUpdated", ({ accountSid, taskQueue }) => {
        if (!skip()) this.assignment.workerUpdated(ref(accountSid, taskQueue.workspaceSid));
      }),
      on("callUpdated", ({ accountSid, call, previousStatus, twiml, url, method }) => {
        if (skip()) return;
        if (twiml !== undefined) {
          this.track(accountSid, `redirect ${call.sid}`, this.voice.redirectCall(accountSid, call.sid, { twiml }));
        } else if (url !== undefined) {
          this.track(
            accountSid,
            `redirect ${call.sid}`,
            this.voice.redirectCall(accountSid, call.sid, { url, method }),
          );
        } else if (call.status !== previousStatus && ["completed", "canceled"].includes(call.status)) {
          this.voice.callEndedByApi(accountSid, call.sid, call.status);
        }
      }),
      on("conferenceUpdated", ({ accountSid, conference, previousStatus, announceUrl, announceMethod }) => {
        if (skip()) return;
        if (conference.status === "completed" && previousStatus !== "completed") {
          this.voice.endConferenceViaApi(accountSid, conference.sid, true);
        } else if (announceUrl) {
          this.track(
            accountSid,
            `announce ${conference.sid}`,
            this.voice.announce(accountSid, conference.sid, announceUrl, announceMethod),
          );
        }
      }),
      on("participantUpdated", ({ accountSid, participant, changed, announceUrl, announceMethod }) => {
        if (skip()) return;
        const previous = toVoiceParticipant(participant);
        for (const key of changed) {
          if (key === "endConferenceOnExit" || key === "hold" || key === "muted" || key === "coaching") {
            previous[key] = !participant[key];
          }
        }
        if (changed.length > 0)
          this.voice.participantChanged(accountSid, participant.conferenceSid, participant.callSid, previous);
        if (announceUrl) {
          this.track(
            accountSid,
            `announce ${participant.callSid}`,
            this.voice.announce(
              accountSid,
              participant.conferenceSid,
              announceUrl,
              announceMethod,
              participant.callSid,
            ),
          );
        }
      }),
      on("participantRemoved", ({ accountSid, participant }) => {
        if (!skip()) this.voice.participantRemovedByApi(accountSid, toVoiceParticipant(participant));
      }),
    );
  }

  // ---- fault injection and Sync's write limit ----

  private async middleware(
    request: Parameters<Parameters<Twin["hooks"]["use"]>[0]>[0],
    next: () => ReturnType<Parameters<Parameters<Twin["hooks"]["use"]>[0]>[1]>,
  ) {
    if (!request.route) return next();
    if (this.faults.applies(request.host)) {
      const delay = this.faults.latencyMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const error = this.faults.nextError();
      if (error) {
        return {
          status: error.status,
          body: {
            code: error.code,
            message: error.message,
            more_info: `https://www.twilio.com/docs/errors/${error.code}`,
            status: error.status,
          },
        };
      }
    }
    if (request.host !== "sync.twilio.com") return next();
    // The Sync backend enforces the per-object write limit; the fault settings switch it.
    const account = this.callerAccount(request.headers.authorization);
    if (account) account.sync.enforceWriteRateLimit = this.faults.syncWriteLimitEnabled();
    const response = await next();
    const code = (response.body as { code?: unknown } | undefined)?.code;
    if (response.status === 429 && code === 54009) this.faults.counters.throttledSyncWrites++;
    return response;
  }

  /** The account a request's Basic credentials name (middleware runs before authentication). */
  private callerAccount(authorization: string | string[] | undefined) {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    const match = /^Basic (.+)$/i.exec(header ?? "");
    if (!match) return null;
    const [username, ...rest] = Buffer.from(match[1], "base64").toString("utf8").split(":");
    return this.twin.authenticate(username, rest.join(":"));
  }

  // ---- control routes (/_twin/...) ----

  /**
   * Adds the control routes to the twin, once per twin: they act on whichever engine is attached
   * to it at the time of the request (the control API cannot remove routes).
   */
  static addControlRoutes(twin: Twin, current: () => TwinEngine): void {
    const api = twin.control;
    // Each handler resolves the engine at request time.
    const self = new Proxy({} as TwinEngine, { get: (_t, key) => Reflect.get(current(), key) });
    self.routes(api);
  }

  private routes(api: Twin["control"]): void {
    const handle =
      (fn: (req: ControlRequest) => ControlResponse | Promise<ControlResponse>) =>
      async (req: ControlRequest): Promise<ControlResponse> => {
        try {
          return await fn(req);
        } catch (error) {
          return controlError(error);
        }
      };
    const accountOf = (req: ControlRequest) =>
      str(req.body.accountSid) ?? str(req.query.accountSid as unknown) ?? this.twin.accountSid;
    const workspaceOf = (req: ControlRequest): string => {
      const given = str(req.body.workspaceSid);
      if (given) return given;
      const backend = this.twin.account(accountOf(req))?.taskrouter;
      const all = backend?.allWorkspaces() ?? [];
      const chosen = all.find((w) => w.friendlyName === FLEX_WORKSPACE_NAME) ?? (all.length === 1 ? all[0] : undefined);
      if (!chosen) throw new ControlError(400, "workspaceSid is required (no single or Flex workspace)");
      return chosen.sid;
    };

    api.add(
      "POST",
      "/agents",
      handle((req) => {
        const friendlyName = str(req.body.friendlyName);
        if (!friendlyName) throw new ControlError(400, "agents: friendlyName is required");
        const attributes = req.body.attributes;
        const view = this.agents.createAgent(accountOf(req), workspaceOf(req), {
          friendlyName,
          attributes: attributes && typeof attributes === "object" ? (attributes as Record<string, unknown>) : {},
          available: bool(req.body.available) ?? true,
        });
        return { status: 201, body: view };
      }),
    );
    api.add(
      "GET",
      "/agents",
      handle((req) => ({ body: { agents: this.agents.agentsOf(accountOf(req)) } })),
    );
    api.add(
      "GET",
      "/agents/{WorkerSid}",
      handle((req) => ({ body: this.agents.view(accountOf(req), req.params.WorkerSid) })),
    );
    const agentAction = (path: string, act: (req: ControlRequest, accountSid: string, workerSid: string) => unknown) =>
      api.add(
        "POST",
        `/agents/{WorkerSid}${path}`,
        handle(async (req) => {
          const result = await act(req, accountOf(req), req.params.WorkerSid);
          return { body: result ?? this.agents.view(accountOf(req), req.params.WorkerSid) };
        }),
      );
    agentAction("/login", (_r, a, w) => this.agents.login(a, w));
    agentAction("/logout", (_r, a, w) => this.agents.logout(a, w));
    agentAction("/reservations/{ReservationSid}/accept", (r, a, w) =>
      this.agents.accept(a, w, r.params.ReservationSid, conferenceOptions(r.body)),
    );
    agentAction("/reservations/{ReservationSid}/reject", (r, a, w) =>
      this.agents.reject(a, w, r.params.ReservationSid),
    );
    agentAction("/reservations/{ReservationSid}/complete", (r, a, w) =>
      this.agents.complete(a, w, r.params.ReservationSid),
    );
    agentAction("/hangup", (_r, a, w) => this.agents.hangup(a, w));
    agentAction("/hold", (r, a, w) => this.agents.hold(a, w, bool(r.body.hold) ?? true));
    agentAction("/participants", (r, a, w) => {
      const to = str(r.body.to);
      if (!to) throw new ControlError(400, "participants: to is required");
      return this.agents.addThirdParty(a, w, to, str(r.body.label) ?? "external");
    });
    agentAction("/transfer", (r, a, w) => {
      const workflowSid = str(r.body.workflowSid);
      const mode = str(r.body.mode)?.toUpperCase();
      if (!workflowSid || (mode !== "COLD" && mode !== "WARM")) {
        throw new ControlError(400, "transfer: workflowSid and mode (COLD|WARM) are required");
      }
      return this.agents.transfer(a, w, { workflowSid, mode });
    });
    agentAction("/refresh", (r, a, w) => {
      const downSeconds = Number(r.body.downSeconds ?? 5);
      if (!Number.isFinite(downSeconds) || downSeconds < 0)
        throw new ControlError(400, "refresh: downSeconds must be ≥ 0");
      return this.agents.refreshPage(a, w, downSeconds);
    });
    agentAction("/disconnect", (_r, a, w) => this.agents.disconnectForever(a, w));

    api.add(
      "POST",
      "/calls",
      handle(async (req) => {
        const twiml = str(req.body.twiml);
        if (!twiml) throw new ControlError(400, "calls: twiml is required");
        const call = await this.agents.customerCalls(accountOf(req), {
          from: str(req.body.from) ?? "+15550000000",
          to: str(req.body.to) ?? "+15551111111",
          twiml,
        });
        return { status: 201, body: call };
      }),
    );
    api.add(
      "GET",
      "/calls/{CallSid}",
      handle((req) => {
        const accountSid = accountOf(req);
        const call = this.twin.account(accountSid)?.voice.fetchCall(req.params.CallSid);
        return {
          body: {
            callSid: req.params.CallSid,
            status: call?.status,
            place: this.voice.placeOf(accountSid, req.params.CallSid),
            heard: this.voice.heardBy(accountSid, req.params.CallSid),
          },
        };
      }),
    );
    api.add(
      "POST",
      "/calls/{CallSid}/hangup",
      handle((req) => {
        this.agents.customerHangsUp(accountOf(req), req.params.CallSid);
        return { status: 204 };
      }),
    );

    api.add("GET", "/faults", () => ({ body: { config: this.faults.current(), counters: this.faults.counters } }));
    api.add(
      "POST",
      "/faults",
      handle((req) => {
        const problem = validateFaultConfig(req.body as Partial<FaultConfig>);
        if (problem) throw new ControlError(400, `faults: ${problem}`);
        this.faults.configure(req.body as Partial<FaultConfig>);
        return { body: { config: this.faults.current() } };
      }),
    );
    api.add("DELETE", "/faults", () => {
      this.faults.reset();
      return { status: 204 };
    });
    api.add("GET", "/webhooks", () => ({ body: { attempts: this.webhooks.attempts() } }));
    api.add(
      "POST",
      "/event-sinks",
      handle((req) => {
        const destination = str(req.body.destination);
        const types = words(req.body.types);
        if (!destination || !types?.length)
          throw new ControlError(400, "event-sinks: destination and types are required");
        const sinkSid = str(req.body.sinkSid) ?? `DG${Date.now().toString(16).padStart(32, "0")}`;
        this.sinks.add(accountOf(req), {
          sinkSid,
          destination,
          method: "POST",
          batchEvents: bool(req.body.batchEvents) ?? true,
          types: new Set(types),
        });
        return { status: 201, body: { sinkSid } };
      }),
    );
    api.add(
      "POST",
      "/clock/advance",
      handle((req) => {
        if (!(this.twin.clock instanceof ManualClock)) throw new ControlError(409, "clock: the twin runs on real time");
        this.twin.clock.advance(Number(req.body.ms ?? 0));
        return { body: { now: this.twin.clock.now().toISOString() } };
      }),
    );
    api.add(
      "POST",
      "/engine/idle",
      handle(async () => {
        await this.idle();
        return { body: { asyncErrors: this.asyncErrors } };
      }),
    );
  }
}

/**
 * Webhook sinks of the twin's Event Streams backend, each with the types its subscriptions include
 * (only active sinks deliver, as `subscribersOf` says).
 */
function restSinks(twin: Twin, accountSid: string): EventSinkTarget[] {
  const backend = twin.account(accountSid)?.eventStreams;
  if (!backend) return [];
  return backend
    .listSink({ status: "active" })
    .filter((sink) => sink.sinkType === "webhook" && typeof sink.sinkConfiguration.destination === "string")
    .map((sink) => {
      const config = sink.sinkConfiguration;
      const subscribed = backend.listSubscription({ sinkSid: sink.sid }).flatMap((s) => [...s.types.values()]);
      const types = new Set(subscribed.map((t) => t.type));
      const schemaVersions = new Map(subscribed.map((t) => [t.type, t.schemaVersion]));
      return {
        sinkSid: sink.sid,
        destination: String(config.destination),
        method: String(config.method ?? "POST").toUpperCase() === "GET" ? ("GET" as const) : ("POST" as const),
        // Twilio's sink_configuration carries batch_events as a boolean (or its string).
        batchEvents: config.batch_events === true || config.batch_events === "true",
        types,
        schemaVersions,
      };
    });
}

function toVoiceParticipant(p: Participant): VoiceParticipant {
  return {
    callSid: p.callSid,
    conferenceSid: p.conferenceSid,
    label: p.label,
    endConferenceOnExit: p.endConferenceOnExit,
    startConferenceOnEnter: p.startConferenceOnEnter,
    muted: p.muted,
    hold: p.hold,
    coaching: p.coaching,
  };
}

// The engine attached to each twin (one at a time; attaching again replaces it).
const attached = new WeakMap<Twin, TwinEngine>();

/**
 * Attaches the behaviour engine to a twin (right after `startTwin`). Attaching again disposes the
 * previous engine and replaces it (tests do this after `twin.reset()`).
 */
export function attachEngine(twin: Twin, options: EngineOptions = {}): TwinEngine {
  const previous = attached.get(twin);
  previous?.dispose();
  const engine = new TwinEngine(twin, options);
  attached.set(twin, engine);
  if (!previous) TwinEngine.addControlRoutes(twin, () => attached.get(twin) as TwinEngine);
  return engine;
}
