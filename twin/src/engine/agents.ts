// People played by tests and the demo: agents (a TaskRouter worker plus a Flex UI that can be
// loaded or not) and customers (inbound calls). Each action does what the person's software would
// do against Twilio: an agent's accept is Flex's conference instruction; a page refresh drops the
// agent's WebRTC leg without a hangup and, some seconds later, the UI is back and sees its
// reservations; a customer's hangup ends the call at any moment. This module is not Twilio's API:
// the control API exposes it under /_twin/ (see integration.ts).
import { FlexParticipantLabel as ParticipantLabel } from "../flexFacts";
import type { Clock, TimerHandle } from "../clock";
import type { FlexConferenceOptions, FlexOrchestrator } from "./flex";
import type { RouterReservation } from "./taskRouterPort";
import type { VoiceEngine } from "./voice";

/** What agents need from TaskRouter and iam (the REST store in the twin, memory stores in tests). */
export interface AgentsBridge {
  createWorker(
    accountSid: string,
    workspaceSid: string,
    input: { friendlyName: string; attributes: Record<string, unknown> },
  ): { workerSid: string };
  /** Moves the worker to an available (true) or offline (false) activity of the workspace. */
  setAvailable(accountSid: string, workspaceSid: string, workerSid: string, available: boolean): void;
  reservations(accountSid: string, workspaceSid: string, workerSid: string): RouterReservation[];
  updateReservation(
    accountSid: string,
    workspaceSid: string,
    reservationSid: string,
    status: "accepted" | "rejected" | "wrapping" | "completed",
  ): void;
  /** Whether the reservation's task is a voice task (accepting it sets up the call). */
  isVoiceReservation(accountSid: string, workspaceSid: string, reservationSid: string): boolean;
  /** A Flex token the twin's iam validates for this worker. */
  issueFlexToken(accountSid: string, workerSid: string, identity: string): string;
  /** Creates a task (transfers). */
  createTask(
    accountSid: string,
    workspaceSid: string,
    input: { workflowSid: string; attributes: Record<string, unknown>; priority?: number; taskChannel: string },
  ): { taskSid: string };
  taskAttributes(accountSid: string, workspaceSid: string, taskSid: string): Record<string, unknown> | undefined;
  /** Whether the worker still exists (a twin reset or a delete removes it). */
  workerExists(accountSid: string, workspaceSid: string, workerSid: string): boolean;
}

export interface Agent {
  accountSid: string;
  workspaceSid: string;
  workerSid: string;
  identity: string;
  token: string;
  /** Whether the agent's Flex UI is loaded. */
  online: boolean;
  /** Never coming back (closed the browser for good). */
  gone: boolean;
}

export interface AgentView {
  workerSid: string;
  identity: string;
  token: string;
  online: boolean;
  gone: boolean;
  /** Live reservations (pending, accepted, wrapping), as the UI would list them when online. */
  reservations: RouterReservation[];
  /** The agent's live call leg, if on a call. */
  leg: { callSid: string; conferenceSid: string; reservationSid: string } | null;
  heard: string[];
}

const LIVE: ReadonlySet<string> = new Set(["pending", "accepted", "wrapping"]);

export class AgentDirector {
  // Agents by `${accountSid}/${workerSid}`.
  private readonly agents = new Map<string, Agent>();
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly bridge: AgentsBridge,
    private readonly voice: VoiceEngine,
    private readonly flex: FlexOrchestrator,
    private readonly clock: Clock,
  ) {}

  /** Whether an agent's Flex UI is loaded (unknown workers count as online: not played by us). */
  isOnline(accountSid: string, workerSid: string): boolean {
    return this.agents.get(`${accountSid}/${workerSid}`)?.online ?? true;
  }

  /** Creates a worker, logs it in (available) and gives it a Flex token. */
  createAgent(
    accountSid: string,
    workspaceSid: string,
    input: { friendlyName: string; attributes?: Record<string, unknown>; available?: boolean },
  ): AgentView {
    const identity = input.friendlyName;
    const attributes = { contact_uri: `client:${identity}`, ...(input.attributes ?? {}) };
    const { workerSid } = this.bridge.createWorker(accountSid, workspaceSid, {
      friendlyName: input.friendlyName,
      attributes,
    });
    const agent: Agent = {
      accountSid,
      workspaceSid,
      workerSid,
      identity,
      token: this.bridge.issueFlexToken(accountSid, workerSid, identity),
      online: true,
      gone: false,
    };
    this.agents.set(`${accountSid}/${workerSid}`, agent);
    if (input.available ?? true) this.bridge.setAvailable(accountSid, workspaceSid, workerSid, true);
    return this.view(accountSid, workerSid);
  }

  login(accountSid: string, workerSid: string): void {
    const agent = this.require(accountSid, workerSid);
    agent.online = true;
    this.flex.pageLoaded(accountSid, workerSid);
    this.bridge.setAvailable(accountSid, agent.workspaceSid, workerSid, true);
  }

  logout(accountSid: string, workerSid: string): void {
    const agent = this.require(accountSid, workerSid);
    this.bridge.setAvailable(accountSid, agent.workspaceSid, workerSid, false);
  }

  /** Accepts a reservation as Flex does (voice: conference instruction with the given options). */
  accept(
    accountSid: string,
    workerSid: string,
    reservationSid: string,
    options: FlexConferenceOptions = {},
  ): AgentView {
    const agent = this.requireOnline(accountSid, workerSid, "accept");
    this.requireOwn(agent, reservationSid);
    if (this.bridge.isVoiceReservation(accountSid, agent.workspaceSid, reservationSid)) {
      this.flex.acceptVoiceReservation(accountSid, agent.workspaceSid, reservationSid, options);
    } else {
      this.bridge.updateReservation(accountSid, agent.workspaceSid, reservationSid, "accepted");
    }
    return this.view(accountSid, workerSid);
  }

  reject(accountSid: string, workerSid: string, reservationSid: string): void {
    const agent = this.requireOnline(accountSid, workerSid, "reject");
    this.requireOwn(agent, reservationSid);
    this.bridge.updateReservation(accountSid, agent.workspaceSid, reservationSid, "rejected");
  }

  /** Completes a reservation (after wrap-up). */
  complete(accountSid: string, workerSid: string, reservationSid: string): void {
    const agent = this.requireOnline(accountSid, workerSid, "complete");
    const reservation = this.requireOwn(agent, reservationSid);
    if (reservation.status === "accepted") {
      this.bridge.updateReservation(accountSid, agent.workspaceSid, reservationSid, "wrapping");
    }
    this.bridge.updateReservation(accountSid, agent.workspaceSid, reservationSid, "completed");
  }

  /** Clicks Hangup: the agent's leg leaves the conference (Flex then wraps the task up). */
  hangup(accountSid: string, workerSid: string): void {
    this.requireOnline(accountSid, workerSid, "hangup");
    const leg = this.requireLeg(accountSid, workerSid);
    this.voice.hangupCall(accountSid, leg.callSid);
  }

  /** Puts the customer on hold (or takes them off). */
  hold(accountSid: string, workerSid: string, hold: boolean): void {
    this.requireOnline(accountSid, workerSid, "hold");
    const leg = this.requireLeg(accountSid, workerSid);
    const customer = this.voice
      .participants(accountSid, leg.conferenceSid)
      .find((p) => p.label === ParticipantLabel.customer);
    if (!customer) throw new Error(`hold: 409 no customer in conference ${leg.conferenceSid}`);
    this.voice.updateParticipant(accountSid, leg.conferenceSid, customer.callSid, { hold });
  }

  /** Adds a third party (an external number) to the agent's conference. */
  addThirdParty(accountSid: string, workerSid: string, to: string, label: string): { callSid: string } {
    this.requireOnline(accountSid, workerSid, "add participant");
    const leg = this.requireLeg(accountSid, workerSid);
    const { call } = this.voice.dialIntoConference(
      accountSid,
      this.voice.conferenceName(accountSid, leg.conferenceSid),
      { from: "+10000000000", to },
      { label, endConferenceOnExit: false },
    );
    return { callSid: call.sid };
  }

  /**
   * Transfers the call: a new voice task (same attributes, the conference kept) in `workflowSid`.
   * Flex first lets the conference survive the agent (endConferenceOnExit=false) and holds the
   * customer. COLD: the agent's leg leaves at once; WARM: it stays until the agent hangs up.
   */
  transfer(
    accountSid: string,
    workerSid: string,
    input: { workflowSid: string; mode: "COLD" | "WARM"; attributes?: Record<string, unknown>; priority?: number },
  ): { taskSid: string } {
    const agent = this.requireOnline(accountSid, workerSid, "transfer");
    const leg = this.requireLeg(accountSid, workerSid);
    this.voice.updateParticipant(accountSid, leg.conferenceSid, leg.callSid, { endConferenceOnExit: false });
    this.hold(accountSid, workerSid, true);
    const reservation = this.requireOwn(agent, leg.reservationSid);
    const original = this.bridge.taskAttributes(accountSid, agent.workspaceSid, reservation.taskSid) ?? {};
    const task = this.bridge.createTask(accountSid, agent.workspaceSid, {
      workflowSid: input.workflowSid,
      attributes: { ...original, ...(input.attributes ?? {}) },
      priority: input.priority,
      taskChannel: "voice",
    });
    if (input.mode === "COLD") this.voice.hangupCall(accountSid, leg.callSid);
    return task;
  }

  /**
   * The agent reloads the page: the WebRTC leg drops (no Hangup click, so no plugin hook runs) and
   * the UI is gone; after `downSeconds` on the twin's clock it is back and lists its reservations.
   */
  refreshPage(accountSid: string, workerSid: string, downSeconds: number): void {
    const agent = this.require(accountSid, workerSid);
    this.dropLeg(agent);
    const timer = this.clock.setTimer(downSeconds * 1000, () => {
      this.timers.delete(timer);
      if (agent.gone) return;
      // Back: the view lists the live reservations, as a reloaded Flex does.
      agent.online = true;
      this.flex.pageLoaded(accountSid, workerSid);
    });
    this.timers.add(timer);
  }

  /** The agent's browser drops and never comes back. */
  disconnectForever(accountSid: string, workerSid: string): void {
    const agent = this.require(accountSid, workerSid);
    agent.gone = true;
    this.dropLeg(agent);
  }

  /** A customer dials in and gets `twiml` (e.g. `<Enqueue workflowSid>`). */
  async customerCalls(
    accountSid: string,
    input: { from: string; to: string; twiml: string },
  ): Promise<{ callSid: string }> {
    const call = this.voice.createInboundCall(accountSid, input.from, input.to);
    await this.voice.executeTwiml(accountSid, call.sid, input.twiml);
    return { callSid: call.sid };
  }

  /** The customer hangs up, wherever the call is. */
  customerHangsUp(accountSid: string, callSid: string): void {
    this.voice.hangupCall(accountSid, callSid);
  }

  view(accountSid: string, workerSid: string): AgentView {
    const agent = this.require(accountSid, workerSid);
    // One read of the leg (each reads the worker's reservations): views are asked for often.
    const leg = this.currentLeg(accountSid, workerSid);
    return {
      workerSid,
      identity: agent.identity,
      token: agent.token,
      online: agent.online,
      gone: agent.gone,
      reservations: agent.online ? this.liveReservations(agent) : [],
      leg,
      heard: leg ? this.voice.heardBy(accountSid, leg.callSid) : [],
    };
  }

  agentsOf(accountSid: string): AgentView[] {
    return [...this.agents.values()]
      .filter((a) => a.accountSid === accountSid && this.exists(a))
      .map((a) => this.view(accountSid, a.workerSid));
  }

  /** Forgets agents whose worker is gone (after a twin reset); true if the agent is still there. */
  private exists(agent: Agent): boolean {
    if (this.bridge.workerExists(agent.accountSid, agent.workspaceSid, agent.workerSid)) return true;
    this.agents.delete(`${agent.accountSid}/${agent.workerSid}`);
    return false;
  }
  dispose(): void {
    for (const timer of this.timers) this.clock.clearTimer(timer);
    this.timers.clear();
  }

  private dropLeg(agent: Agent): void {
    agent.online = false;
    const leg = this.currentLeg(agent.accountSid, agent.workerSid);
    if (leg) this.voice.hangupCall(agent.accountSid, leg.callSid);
  }

  private currentLeg(accountSid: string, workerSid: string): AgentView["leg"] {
    const agent = this.require(accountSid, workerSid);
    for (const reservation of this.liveReservations(agent)) {
      const leg = this.flex.workerLegOf(accountSid, reservation.sid);
      if (leg) return { ...leg, reservationSid: reservation.sid };
    }
    return null;
  }

  private liveReservations(agent: Agent): RouterReservation[] {
    return this.bridge
      .reservations(agent.accountSid, agent.workspaceSid, agent.workerSid)
      .filter((r) => LIVE.has(r.status));
  }

  private require(accountSid: string, workerSid: string): Agent {
    const agent = this.agents.get(`${accountSid}/${workerSid}`);
    if (!agent || !this.exists(agent)) throw new Error(`agent ${workerSid}: 404 not an agent of the twin`);
    return agent;
  }

  private requireOnline(accountSid: string, workerSid: string, action: string): Agent {
    const agent = this.require(accountSid, workerSid);
    if (!agent.online) throw new Error(`${action}: 409 agent ${workerSid}'s Flex UI is not loaded`);
    return agent;
  }

  private requireOwn(agent: Agent, reservationSid: string): RouterReservation {
    const reservation = this.bridge
      .reservations(agent.accountSid, agent.workspaceSid, agent.workerSid)
      .find((r) => r.sid === reservationSid);
    if (!reservation) throw new Error(`reservation ${reservationSid}: 404 not one of ${agent.workerSid}'s`);
    return reservation;
  }

  private requireLeg(accountSid: string, workerSid: string): NonNullable<AgentView["leg"]> {
    const leg = this.currentLeg(accountSid, workerSid);
    if (!leg) throw new Error(`agent ${workerSid}: 409 not on a call`);
    return leg;
  }
}
