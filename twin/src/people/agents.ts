// People played by tests and the demo: agents (a TaskRouter worker plus a Flex UI that can be
// loaded or not) and customers (inbound calls). Each action does what the person's software would
// do against Twilio: an agent's accept is Flex's conference instruction; a page refresh drops the
// agent's WebRTC leg without a hangup and, some seconds later, the UI is back and sees its
// reservations; a customer's hangup ends the call at any moment. This module is not Twilio's API:
// the control API exposes it under /_twin/ (./routes.ts).
import { ControlError } from "../control/api";
import { FlexParticipantLabel as ParticipantLabel, VOICE_CHANNEL } from "../flexFacts";
import type { Clock, TimerHandle } from "../clock";
import type { AccountStore } from "../store";
import { maybe } from "../util";
import type { TaskRouterBackend } from "../taskrouter/backend";
import { attributesOf } from "../taskrouter/routing/assignment";
import { reservationView, type RouterReservation } from "../taskrouter/routing/view";
import type { VoiceEngine } from "../voice/calls";
import type { FlexConferenceOptions, FlexOrchestrator } from "./flex";

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
    private readonly accounts: (accountSid: string) => AccountStore | undefined,
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
    const tr = this.taskrouter(accountSid);
    const workerSid = tr.createWorker(workspaceSid, {
      friendlyName: input.friendlyName,
      attributes: JSON.stringify(attributes),
    }).sid;
    const agent: Agent = {
      accountSid,
      workspaceSid,
      workerSid,
      identity,
      token: this.store(accountSid).iam.issueFlexToken({ workerSid, identity }).token,
      online: true,
      gone: false,
    };
    this.agents.set(`${accountSid}/${workerSid}`, agent);
    if (input.available ?? true) this.setAvailable(agent, true);
    return this.view(accountSid, workerSid);
  }

  login(accountSid: string, workerSid: string): void {
    const agent = this.require(accountSid, workerSid);
    agent.online = true;
    this.flex.pageLoaded(accountSid, workerSid);
    this.setAvailable(agent, true);
  }

  logout(accountSid: string, workerSid: string): void {
    this.setAvailable(this.require(accountSid, workerSid), false);
  }

  /** Moves the worker to the workspace's Available (or Offline) activity, as the Flex UI's activity menu does. */
  private setAvailable(agent: Agent, available: boolean): void {
    const tr = this.taskrouter(agent.accountSid);
    const candidates = tr.listActivity(agent.workspaceSid, { available });
    const preferred = candidates.find((a) => a.friendlyName === (available ? "Available" : "Offline")) ?? candidates[0];
    if (!preferred)
      throw new ControlError(409, `agents: the workspace has no ${available ? "available" : "unavailable"} activity`);
    tr.updateWorker(agent.workspaceSid, agent.workerSid, { activitySid: preferred.sid });
  }

  /** A reservation update as the agent's Flex UI sends it (the REST API's rules and routing apply). */
  private updateReservation(
    agent: Agent,
    reservationSid: string,
    status: "accepted" | "rejected" | "wrapping" | "completed",
  ): void {
    const tr = this.taskrouter(agent.accountSid);
    const reservation = tr.fetchWorkerReservation(agent.workspaceSid, agent.workerSid, reservationSid);
    tr.updateReservation(reservation, { reservationStatus: status });
  }

  /** Accepts a reservation as Flex does (voice: conference instruction with the given options). */
  accept(
    accountSid: string,
    workerSid: string,
    reservationSid: string,
    options: FlexConferenceOptions = {},
  ): AgentView {
    const agent = this.requireOnline(accountSid, workerSid, "accept");
    const reservation = this.requireOwn(agent, reservationSid);
    const tr = this.taskrouter(accountSid);
    const task = tr.fetchTask(agent.workspaceSid, reservation.taskSid);
    if (tr.taskChannelOf(task)?.uniqueName === VOICE_CHANNEL) {
      this.flex.acceptVoiceReservation(agent, reservationSid, options);
    } else {
      this.updateReservation(agent, reservationSid, "accepted");
    }
    return this.view(accountSid, workerSid);
  }

  reject(accountSid: string, workerSid: string, reservationSid: string): void {
    const agent = this.requireOnline(accountSid, workerSid, "reject");
    this.requireOwn(agent, reservationSid);
    this.updateReservation(agent, reservationSid, "rejected");
  }

  /** Completes a reservation (after wrap-up). */
  complete(accountSid: string, workerSid: string, reservationSid: string): void {
    const agent = this.requireOnline(accountSid, workerSid, "complete");
    const reservation = this.requireOwn(agent, reservationSid);
    if (reservation.status === "accepted") this.updateReservation(agent, reservationSid, "wrapping");
    this.updateReservation(agent, reservationSid, "completed");
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
    if (!customer) throw new ControlError(409, `hold: no customer in conference ${leg.conferenceSid}`);
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
    const tr = this.taskrouter(accountSid);
    const original = attributesOf(tr.fetchTask(agent.workspaceSid, reservation.taskSid));
    const task = tr.createTask(agent.workspaceSid, {
      workflowSid: input.workflowSid,
      attributes: JSON.stringify({ ...original, ...(input.attributes ?? {}) }),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      taskChannel: VOICE_CHANNEL,
    });
    if (input.mode === "COLD") this.voice.hangupCall(accountSid, leg.callSid);
    return { taskSid: task.sid };
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
    const worker = maybe(() =>
      this.accounts(agent.accountSid)?.taskrouter.fetchWorker(agent.workspaceSid, agent.workerSid),
    );
    if (worker) return true;
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
    return this.reservationsOf(agent).filter((r) => LIVE.has(r.status));
  }

  private reservationsOf(agent: Agent): RouterReservation[] {
    const tr = this.accounts(agent.accountSid)?.taskrouter;
    if (!tr?.allWorkspaces().some((w) => w.sid === agent.workspaceSid)) return [];
    // The worker's own (indexed): views are read for every agent, often; no scan of the workspace's.
    return tr.reservationsOfWorker(agent.workspaceSid, agent.workerSid).map(reservationView);
  }

  private store(accountSid: string): AccountStore {
    const store = this.accounts(accountSid);
    if (!store) throw new ControlError(404, `agents: unknown account ${accountSid}`);
    return store;
  }

  private taskrouter(accountSid: string): TaskRouterBackend {
    return this.store(accountSid).taskrouter;
  }

  private require(accountSid: string, workerSid: string): Agent {
    const agent = this.agents.get(`${accountSid}/${workerSid}`);
    if (!agent || !this.exists(agent)) throw new ControlError(404, `agent ${workerSid} is not an agent of the twin`);
    return agent;
  }

  private requireOnline(accountSid: string, workerSid: string, action: string): Agent {
    const agent = this.require(accountSid, workerSid);
    if (!agent.online) throw new ControlError(409, `${action}: agent ${workerSid}'s Flex UI is not loaded`);
    return agent;
  }

  private requireOwn(agent: Agent, reservationSid: string): RouterReservation {
    const reservation = this.reservationsOf(agent).find((r) => r.sid === reservationSid);
    if (!reservation) throw new ControlError(404, `reservation ${reservationSid} is not one of ${agent.workerSid}'s`);
    return reservation;
  }

  private requireLeg(accountSid: string, workerSid: string): NonNullable<AgentView["leg"]> {
    const leg = this.currentLeg(accountSid, workerSid);
    if (!leg) throw new ControlError(409, `agent ${workerSid} is not on a call`);
    return leg;
  }
}
