// A scenario's world: the running stack, the agents, the customers, one clock, and the timeline of
// what happened. Time is the twin's virtual clock: `advance` moves it in small steps and lets every
// webhook, function call and plugin reaction finish between steps, so a 15 s ping timeout takes
// milliseconds of real time and the order of events is the order they would have in real life.
import { FunctionRoute } from "@flex-call-recovery/vocabulary";
import type { Clock as PluginClock } from "@flex-call-recovery/plugin";
import type { RouterReservation, WorkspaceRef } from "@flex-call-recovery/twin/engine";
import type { EdgeRequest } from "../harness/edge";
import type { Stack } from "../harness/stack";
import type { TimelineEntry, TimelineKind } from "../report/timeline";
import { Agent, pluginClockOn } from "./agent";

/** Bounds of every wait, so a broken recovery ends the scenario instead of hanging it. */
const MAX_SETTLE_ROUNDS = 200;
const STEP_MS = 250;

export class World {
  readonly agents: Agent[] = [];
  readonly entries: TimelineEntry[] = [];
  readonly checks: { label: string; ok: boolean; detail?: string }[] = [];
  readonly pluginClock: PluginClock;
  readonly ref: WorkspaceRef;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly startMs: number;
  private readonly realStart = performance.now();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly customers: string[] = [];
  /** Tasks that existed before this scenario (earlier scenarios on the same stack): not ours. */
  private readonly earlierTasks: Set<string>;
  /** Last request-log entry before the scenario: later ones are this scenario's. */
  readonly firstRequestSeq: number;
  /**
   * Reservation SIDs by worker, in creation order (the workspace's store order), kept from the
   * twin's reservationCreated events: an agent reads its own few instead of the whole workspace's,
   * which every agent does on every sync (quadratic in the agents otherwise).
   */
  private readonly reservationSids = new Map<string, string[]>();

  constructor(
    readonly stack: Stack,
    private readonly onEntry: (entry: TimelineEntry) => void = () => undefined,
  ) {
    const clock = stack.twin.clock;
    this.pluginClock = pluginClockOn(clock);
    this.startMs = clock.now().getTime();
    this.ref = { accountSid: stack.twin.accountSid, workspaceSid: stack.seeded.workspaceSid };
    this.earlierTasks = new Set(stack.engine.taskrouter.tasks(this.ref).map((t) => t.sid));
    this.firstRequestSeq = (stack.twin.requestLog.list().at(-1)?.seq ?? 0) + 1;
    for (const r of stack.engine.taskrouter.reservations(this.ref)) this.indexReservation(r.workerSid, r.sid);
    this.unsubscribe.push(
      stack.twin.events.on("reservationCreated", ({ accountSid, reservation }) => {
        if (accountSid === this.ref.accountSid && reservation.workspaceSid === this.ref.workspaceSid)
          this.indexReservation(reservation.workerSid, reservation.sid);
      }),
      stack.onEdgeRequest({
        arrived: (request) => this.webhookArrived(request.path, request.body, request.copy),
        answered: (request) => this.webhookAnswered(request),
      }),
      // Flex hears of reservation changes at once (its websocket): the agents' plugins are told as
      // soon as TaskRouter changes, not when the whole world has come to rest.
      stack.twin.events.on("reservationCreated", () => this.pushToAgents()),
      stack.twin.events.on("reservationUpdated", () => this.pushToAgents()),
      stack.twin.events.on("participantCreated", () => this.pushToAgents()),
      stack.twin.requestLog.onRecord((entry) => {
        // Only the functions' calls carry a correlation id (the driver acts in-process).
        if (entry.host === null || entry.correlationId === null || entry.host === "iam.twilio.com") return;
        const failed = entry.status >= 400 ? ` → ${entry.status}` : "";
        this.note("Functions", "Twilio", `${entry.operation ?? `${entry.method} ${entry.path}`}${failed}`, "api");
      }),
    );
  }

  private indexReservation(workerSid: string, reservationSid: string): void {
    const sids = this.reservationSids.get(workerSid);
    if (sids) sids.push(reservationSid);
    else this.reservationSids.set(workerSid, [reservationSid]);
  }

  /** A worker's reservations as the engine reads them (the same records as a scan of the workspace's). */
  reservationsOf(workerSid: string): RouterReservation[] {
    const port = this.stack.engine.taskrouter;
    const found: RouterReservation[] = [];
    for (const sid of this.reservationSids.get(workerSid) ?? []) {
      const reservation = port.reservation(this.ref, sid);
      if (reservation) found.push(reservation);
    }
    return found;
  }

  /** Whether a task was created during this scenario. */
  isOwnTask(taskSid: string): boolean {
    return !this.earlierTasks.has(taskSid);
  }

  /** Milliseconds since the scenario started, on the scenario's clock. */
  elapsedMs(): number {
    return this.stack.twin.clock.now().getTime() - this.startMs;
  }

  realElapsedMs(): number {
    return performance.now() - this.realStart;
  }

  note(from: string, to: string | undefined, text: string, kind: TimelineKind): void {
    const entry: TimelineEntry = { atMs: this.elapsedMs(), kind, from, text };
    if (to !== undefined && to !== from) entry.to = to;
    this.entries.push(entry);
    this.onEntry(entry);
  }

  check(label: string, ok: boolean, detail?: string): boolean {
    this.checks.push({ label, ok, detail });
    const entry: TimelineEntry = {
      atMs: this.elapsedMs(),
      kind: "check",
      from: "Scenario",
      text: ok || !detail ? label : `${label} (${detail})`,
      ok,
    };
    this.entries.push(entry);
    this.onEntry(entry);
    return ok;
  }

  private pushScheduled = false;

  /** Syncs every agent's plugin on the next turn (after the change that triggered it completed). */
  private pushToAgents(): void {
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    setImmediate(() => {
      this.pushScheduled = false;
      for (const agent of this.agents) agent.sync();
    });
  }

  /** Keeps track of work started outside the twin (the plugins' function calls) until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }

  clockTimer(ms: number, fn: () => void): void {
    this.stack.twin.clock.setTimer(ms, fn);
  }

  /** Logs an agent in: a worker available in the Flex workspace, its Flex token, its page loaded. */
  async login(name: string): Promise<Agent> {
    const view = this.stack.engine.agents.createAgent(this.ref.accountSid, this.ref.workspaceSid, {
      friendlyName: `${name}-${Math.random().toString(36).slice(2, 8)}`,
    });
    const agent = new Agent(this, view.workerSid, name, view.token);
    this.agents.push(agent);
    this.note(name, "Twilio", "logs in (available)", "person");
    agent.loadPage();
    await this.settle();
    return agent;
  }

  /** A customer dials in and is enqueued to the voice workflow, as the Flex number's TwiML does. */
  async customerCalls(name = "Customer"): Promise<string> {
    const twiml =
      `<Response><Enqueue workflowSid="${this.stack.seeded.voiceWorkflowSid}">` +
      `<Task>${JSON.stringify({ name, type: "inbound" })}</Task></Enqueue></Response>`;
    const { callSid } = await this.stack.engine.agents.customerCalls(this.ref.accountSid, {
      from: "+15550001111",
      to: "+15559990000",
      twiml,
    });
    this.customers.push(callSid);
    this.note(name, "Twilio", `calls in (${callSid.slice(0, 8)}…)`, "person");
    await this.settle();
    return callSid;
  }

  customerHangsUp(callSid: string, name = "Customer"): void {
    this.note(name, "Twilio", "hangs up", "person");
    this.stack.engine.agents.customerHangsUp(this.ref.accountSid, callSid);
  }

  /** Lets every webhook, function call and plugin reaction run to the end, without moving time. */
  async settle(): Promise<void> {
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      await this.stack.engine.idle();
      if (this.pending.size > 0) {
        await Promise.allSettled([...this.pending]);
        continue;
      }
      // Webhook copies the edge sent on by itself are not the twin's to wait for.
      if (this.stack.functionsInFlight() > 0) {
        for (let waited = 0; this.stack.functionsInFlight() > 0; waited += 5) {
          if (waited > 30_000) throw new Error("settle: the functions did not answer within 30 s");
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        continue;
      }
      let changed = false;
      for (const agent of this.agents) changed = agent.sync() || changed;
      await new Promise((resolve) => setImmediate(resolve));
      if (!changed && this.pending.size === 0) return;
    }
    throw new Error(`settle: the world did not come to rest after ${MAX_SETTLE_ROUNDS} rounds`);
  }

  /** Moves the virtual clock forward by `ms`, settling after each step. */
  async advance(ms: number): Promise<void> {
    const clock = this.stack.clock;
    if (!clock) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await this.settle();
      return;
    }
    for (let done = 0; done < ms; done += STEP_MS) {
      clock.advance(Math.min(STEP_MS, ms - done));
      await this.settle();
    }
  }

  /** Advances until `predicate` holds (checked after every step), at most `maxMs`; returns whether it held. */
  async until(predicate: () => boolean, maxMs: number): Promise<boolean> {
    await this.settle();
    for (let waited = 0; !predicate(); waited += STEP_MS) {
      if (waited >= maxMs) return false;
      await this.advance(STEP_MS);
    }
    return true;
  }

  /** Ends the scenario: calls hung up, agents logged out, listeners removed. */
  async close(): Promise<void> {
    // The clean-up is not part of the story: stop recording first.
    for (const off of this.unsubscribe.splice(0)) off();
    const voice = this.stack.twin.store.voice;
    for (const callSid of this.customers) {
      try {
        const call = voice.fetchCall(callSid);
        if (call.status !== "completed" && call.status !== "canceled")
          this.stack.engine.agents.customerHangsUp(this.ref.accountSid, callSid);
      } catch {
        // already gone
      }
    }
    await this.settle().catch(() => undefined);
    for (const agent of this.agents) agent.logout();
    await this.settle().catch(() => undefined);
  }

  private webhookArrived(path: string, body: unknown, copy: boolean): void {
    const again = copy ? " (again)" : "";
    const fields = body as Record<string, unknown> | unknown[] | null;
    if (path === FunctionRoute.conferenceStatusHandler && fields && !Array.isArray(fields)) {
      const label = fields.ParticipantLabel ? ` (${String(fields.ParticipantLabel)})` : "";
      this.note("Twilio", "Functions", `${String(fields.StatusCallbackEvent)}${label}${again}`, "webhook");
    } else if (path === FunctionRoute.taskEventHandler && Array.isArray(fields)) {
      const types = fields.map((e) =>
        String((e as { type?: string }).type ?? "?").replace("com.twilio.taskrouter.", ""),
      );
      this.note("Twilio", "Functions", `Event Streams [${types.join(", ")}]${again}`, "webhook");
    } else if (path === FunctionRoute.announce) {
      this.note("Twilio", "Functions", "AnnounceUrl fetch", "webhook");
    }
  }

  private webhookAnswered(request: EdgeRequest): void {
    const webhooks: string[] = [FunctionRoute.conferenceStatusHandler, FunctionRoute.taskEventHandler];
    if (!webhooks.includes(request.path)) return;
    const status = request.status === 200 ? "" : ` (HTTP ${request.status})`;
    for (const note of decisionNotes(request.answer)) this.note("Functions", undefined, `${note}${status}`, "decision");
  }
}

/** The decisions the functions report in their answers (`note`, or `results[].note` for batches). */
function decisionNotes(answer: string): string[] {
  try {
    const parsed = JSON.parse(answer) as { note?: string; results?: { note?: string }[] };
    if (typeof parsed.note === "string") return [parsed.note];
    return (parsed.results ?? []).flatMap((r) => (typeof r.note === "string" ? [r.note] : []));
  } catch {
    return [];
  }
}
