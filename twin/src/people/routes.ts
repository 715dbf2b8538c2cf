// The people's control routes under `/_twin/` (not Twilio's API): agents (a worker with a Flex UI)
// and customers (calls). Errors are ControlError or TwilioError; the control API answers with their status.
import { ControlError, type ControlApi, type ControlRequest, type ControlResponse } from "../control/api";
import { engineOf } from "../engine";
import { FLEX_WORKSPACE_NAME } from "../flexFacts";
import type { FlexConferenceOptions } from "./flex";
import { bool, str, words } from "../util";

/** The account a control request names (`accountSid` in the body or query), else the twin's own. */
export function accountOf(req: ControlRequest): string {
  return str(req.body.accountSid) ?? str(req.query.accountSid as unknown) ?? req.twin.accountSid;
}

/** The workspace a request names, else the Flex workspace, else the account's only one. */
function workspaceOf(req: ControlRequest): string {
  const given = str(req.body.workspaceSid);
  if (given) return given;
  const all = req.twin.account(accountOf(req))?.taskrouter.allWorkspaces() ?? [];
  const chosen = all.find((w) => w.friendlyName === FLEX_WORKSPACE_NAME) ?? (all.length === 1 ? all[0] : undefined);
  if (!chosen) throw new ControlError(400, "workspaceSid is required (no single or Flex workspace)");
  return chosen.sid;
}

/** An agent's accept options from the control body (camelCase, loose values), as Flex's `conferenceOptions`. */
function conferenceOptions(body: Record<string, unknown>): FlexConferenceOptions {
  return {
    conferenceStatusCallback: str(body.conferenceStatusCallback) ?? null,
    conferenceStatusCallbackMethod: str(body.conferenceStatusCallbackMethod),
    conferenceStatusCallbackEvent: words(body.conferenceStatusCallbackEvent),
    endConferenceOnExit: bool(body.endConferenceOnExit),
    endConferenceOnCustomerExit: bool(body.endConferenceOnCustomerExit),
    from: str(body.from),
  };
}

export function addPeopleRoutes(api: ControlApi): void {
  api.add("POST", "/agents", (req) => {
    const friendlyName = str(req.body.friendlyName);
    if (!friendlyName) throw new ControlError(400, "agents: friendlyName is required");
    const attributes = req.body.attributes;
    const view = engineOf(req).agents.createAgent(accountOf(req), workspaceOf(req), {
      friendlyName,
      attributes: attributes && typeof attributes === "object" ? (attributes as Record<string, unknown>) : {},
      available: bool(req.body.available) ?? true,
    });
    return { status: 201, body: view };
  });
  api.add("GET", "/agents", (req) => ({ body: { agents: engineOf(req).agents.agentsOf(accountOf(req)) } }));
  api.add("GET", "/agents/{WorkerSid}", (req) => ({
    body: engineOf(req).agents.view(accountOf(req), req.params.WorkerSid),
  }));

  type Agents = ReturnType<typeof engineOf>["agents"];
  const agentAction = (path: string, act: (agents: Agents, req: ControlRequest, a: string, w: string) => unknown) =>
    api.add("POST", `/agents/{WorkerSid}${path}`, async (req): Promise<ControlResponse> => {
      const { agents } = engineOf(req);
      const result = await act(agents, req, accountOf(req), req.params.WorkerSid);
      return { body: result ?? agents.view(accountOf(req), req.params.WorkerSid) };
    });
  agentAction("/login", (agents, _r, a, w) => agents.login(a, w));
  agentAction("/logout", (agents, _r, a, w) => agents.logout(a, w));
  agentAction("/reservations/{ReservationSid}/accept", (agents, r, a, w) =>
    agents.accept(a, w, r.params.ReservationSid, conferenceOptions(r.body)),
  );
  agentAction("/reservations/{ReservationSid}/reject", (agents, r, a, w) =>
    agents.reject(a, w, r.params.ReservationSid),
  );
  agentAction("/reservations/{ReservationSid}/complete", (agents, r, a, w) =>
    agents.complete(a, w, r.params.ReservationSid),
  );
  agentAction("/hangup", (agents, _r, a, w) => agents.hangup(a, w));
  agentAction("/hold", (agents, r, a, w) => agents.hold(a, w, bool(r.body.hold) ?? true));
  agentAction("/participants", (agents, r, a, w) => {
    const to = str(r.body.to);
    if (!to) throw new ControlError(400, "participants: to is required");
    return agents.addThirdParty(a, w, to, str(r.body.label) ?? "external");
  });
  agentAction("/transfer", (agents, r, a, w) => {
    const workflowSid = str(r.body.workflowSid);
    const mode = str(r.body.mode)?.toUpperCase();
    if (!workflowSid || (mode !== "COLD" && mode !== "WARM")) {
      throw new ControlError(400, "transfer: workflowSid and mode (COLD|WARM) are required");
    }
    return agents.transfer(a, w, { workflowSid, mode });
  });
  agentAction("/refresh", (agents, r, a, w) => {
    const downSeconds = Number(r.body.downSeconds ?? 5);
    if (!Number.isFinite(downSeconds) || downSeconds < 0)
      throw new ControlError(400, "refresh: downSeconds must be ≥ 0");
    return agents.refreshPage(a, w, downSeconds);
  });
  agentAction("/disconnect", (agents, _r, a, w) => agents.disconnectForever(a, w));

  api.add("POST", "/calls", async (req) => {
    const twiml = str(req.body.twiml);
    if (!twiml) throw new ControlError(400, "calls: twiml is required");
    const call = await engineOf(req).agents.customerCalls(accountOf(req), {
      from: str(req.body.from) ?? "+15550000000",
      to: str(req.body.to) ?? "+15551111111",
      twiml,
    });
    return { status: 201, body: call };
  });
  api.add("GET", "/calls/{CallSid}", (req) => {
    const accountSid = accountOf(req);
    const { voice } = engineOf(req);
    const callSid = req.params.CallSid;
    const call = req.twin.account(accountSid)?.voice.fetchCall(callSid);
    const place = voice.placeOf(accountSid, callSid);
    return { body: { callSid, status: call?.status, place, heard: voice.heardBy(accountSid, callSid) } };
  });
  api.add("POST", "/calls/{CallSid}/hangup", (req) => {
    engineOf(req).agents.customerHangsUp(accountOf(req), req.params.CallSid);
    return { status: 204 };
  });
}
