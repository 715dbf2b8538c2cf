// The generic REST layer: parameters read by the types Twilio's OpenAPI description declares
// (specInput), the standard rows of a resource (resource), and the record helpers the backends
// share (patch, where).
import { startTwin, type RunningTwin } from "../src";
import { specInput } from "../src/http/operations";
import type { Params } from "../src/http/params";
import { resource, Router, type TwinRequest } from "../src/http/router";
import { ALL_ROUTES } from "../src/routes";
import { patch, where } from "../src/util";
import { raw } from "./helpers";

const router = new Router(ALL_ROUTES);
const WS = `/v1/Workspaces/WS${"0".repeat(32)}`;

/** What a handler would get for `method host path`, with `params` as the form (POST) or the query. */
function request(method: "GET" | "POST", path: string, params: Params, host = "taskrouter.twilio.com"): TwinRequest {
  const found = router.match(method, host, path).match;
  if (!found) throw new Error(`no route for ${method} ${path}`);
  const [form, query] = method === "POST" ? [params, {}] : [{}, params];
  return {
    method,
    host,
    path,
    params: found.params,
    query,
    form,
    json: undefined,
    files: [],
    headers: {},
    route: found.route,
  } as unknown as TwinRequest;
}

describe("specInput", () => {
  it("reads the declared parameters into camelCase keys with the spec's types, and only those", () => {
    const input = specInput(
      request("POST", `${WS}/TaskQueues`, {
        FriendlyName: "q",
        MaxReservedWorkers: "3",
        TaskOrder: "LIFO",
        Bogus: "x",
      }),
    );
    expect(input).toEqual({ friendlyName: "q", maxReservedWorkers: 3, taskOrder: "LIFO" });
  });

  it("reads booleans in any case, repeated keys as lists, and date-times as dates", () => {
    expect(specInput(request("POST", `${WS}/Activities`, { FriendlyName: "a", Available: "TRUE" }))).toEqual({
      friendlyName: "a",
      available: true,
    });
    expect(specInput(request("GET", `${WS}/Tasks`, { AssignmentStatus: ["pending", "reserved"] }))).toEqual({
      assignmentStatus: ["pending", "reserved"],
    });
    const when = specInput<{ virtualStartTime: Date }>(
      request("POST", `${WS}/Tasks/WT${"1".repeat(32)}`, { VirtualStartTime: "2026-01-02T03:04:05Z" }),
    ).virtualStartTime;
    expect(when).toEqual(new Date("2026-01-02T03:04:05Z"));
  });

  // The spec types these as strings; their descriptions say "true", "1" or "yes" are true, all else false.
  it("reads the string-typed flags as their descriptions say", () => {
    expect(specInput(request("GET", `${WS}/Workers`, { Available: "yes" }))).toEqual({ available: true });
    expect(specInput(request("GET", `${WS}/Activities`, { Available: "TRUE" }))).toEqual({ available: true });
    expect(specInput(request("GET", `${WS}/Activities`, { Available: "nope" }))).toEqual({ available: false });
    expect(specInput(request("POST", `${WS}/Tasks`, { IgnoreCapacity: "1" }))).toEqual({ ignoreCapacity: true });
  });

  it("leaves paging to the list envelope", () => {
    expect(specInput(request("GET", "/v1/Workspaces", { FriendlyName: "w", PageSize: "5", Page: "1" }))).toEqual({
      friendlyName: "w",
    });
  });

  it.each([
    ["a value outside the enum", { FriendlyName: "q", TaskOrder: "SIDEWAYS" }, "TaskOrder must be one of FIFO, LIFO"],
    ["a non-integer", { FriendlyName: "q", MaxReservedWorkers: "two" }, "MaxReservedWorkers must be an integer"],
    ["a missing required parameter", { TaskOrder: "FIFO" }, "Missing required parameter FriendlyName in the post body"],
    ["an empty required parameter", { FriendlyName: "" }, "Missing required parameter FriendlyName in the post body"],
  ])("refuses %s with 400", (_, params, message) => {
    const read = () => specInput(request("POST", `${WS}/TaskQueues`, params));
    expect(read).toThrow(message);
    expect(read).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("refuses a malformed SID where the spec gives the SID's pattern", () => {
    const read = () => specInput(request("GET", `${WS}/Tasks`, { WorkflowSid: "nope" }));
    expect(read).toThrow("WorkflowSid is not a valid SID");
    expect(specInput(request("GET", `${WS}/Tasks`, { WorkflowSid: `WW${"a".repeat(32)}` }))).toEqual({
      workflowSid: `WW${"a".repeat(32)}`,
    });
  });

  it("refuses a date-time that does not parse", () => {
    const read = () => specInput(request("POST", `${WS}/Tasks/WT${"1".repeat(32)}`, { VirtualStartTime: "soon" }));
    expect(read).toThrow("VirtualStartTime is not a valid date");
  });
});

describe("the spec's parameter rules hold without the validating layer (npm run twin, the demo, the bench)", () => {
  let twin: RunningTwin;
  beforeAll(async () => {
    twin = await startTwin({ validateAgainstSpec: false });
  });
  afterAll(() => twin.stop());

  it("refuses a variable without its required Value (it was stored as an empty string)", async () => {
    const svc = twin.store.serverless.createService({ uniqueName: "s", friendlyName: "s" });
    const env = twin.store.serverless.createEnvironment(svc.sid, { uniqueName: "dev" });
    const path = `serverless.twilio.com/v1/Services/${svc.sid}/Environments/${env.sid}/Variables`;
    const { status, body } = await raw(twin, "POST", path, { form: { Key: "A" } });
    expect([status, body.code, body.message]).toEqual([
      400,
      20001,
      "Missing required parameter Value in the post body",
    ]);
  });

  it("refuses a call status outside the spec's enum with 20001 (it was 21218, Twilio's code for a bad ApplicationSid)", async () => {
    const call = twin.store.voice.createCall({ from: "+1555", to: "client:a" });
    const path = `api.twilio.com/2010-04-01/Accounts/${twin.accountSid}/Calls/${call.sid}.json`;
    const { status, body } = await raw(twin, "POST", path, { form: { Status: "ringing" } });
    expect([status, body.code]).toEqual([400, 20001]);
    expect(body.message).toContain("Status must be one of");
  });
});

describe("resource", () => {
  const serialize = (record: never) => record;

  it("gives list and create on the collection, fetch, update and delete on the item", () => {
    expect(
      resource("Worker", "/v1/W", serialize).map(([method, path, operation]) => [method, path, operation]),
    ).toEqual([
      ["GET", "/v1/W", "listWorker"],
      ["POST", "/v1/W", "createWorker"],
      ["GET", "/v1/W/{Sid}", "fetchWorker"],
      ["POST", "/v1/W/{Sid}", "updateWorker"],
      ["DELETE", "/v1/W/{Sid}", "deleteWorker"],
    ]);
  });

  it("keeps only the verbs named, and derives the 2010 API's .json item path", () => {
    expect(
      resource("Call", "/2010-04-01/Accounts/{AccountSid}/Calls.json", serialize, "list fetch").map((r) => r[1]),
    ).toEqual(["/2010-04-01/Accounts/{AccountSid}/Calls.json", "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json"]);
  });
});

describe("record helpers", () => {
  it("patch sets only the fields a record has, skips undefined ones and moves dateUpdated", () => {
    const before = new Date(0);
    const record = { sid: "X", friendlyName: "old", note: "kept", dateCreated: before, dateUpdated: before };
    const now = new Date(1000);
    patch(record, { friendlyName: "new", note: undefined, rejectPendingReservations: true }, now);
    expect(record).toEqual({ sid: "X", friendlyName: "new", note: "kept", dateCreated: before, dateUpdated: now });
  });

  it("where matches every defined filter field the records have", () => {
    const records = [
      { sid: "1", friendlyName: "a", available: true },
      { sid: "2", friendlyName: "b", available: false },
    ];
    expect(where(records, { friendlyName: "a", available: undefined }).map((r) => r.sid)).toEqual(["1"]);
    expect(where(records, { available: false, ordering: "x" }).map((r) => r.sid)).toEqual(["2"]);
    expect(where(records, {}).map((r) => r.sid)).toEqual(["1", "2"]);
    // With `keys`, only those filter fields count (voice leaves its date filters out so).
    expect(where(records, { friendlyName: "b", available: true }, ["friendlyName"]).map((r) => r.sid)).toEqual(["2"]);
  });
});
