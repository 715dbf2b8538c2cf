// The twin is held to Twilio's OpenAPI description: every route it serves is a path + method of
// the official spec (two documented exceptions), and the validating layer really rejects answers
// that break the spec.
import { ALL_ROUTES, startTwin } from "../src";
import type { Route } from "../src";
import { SpecValidator } from "../src/spec/validator";
import { loadSpec, SPEC_FILES } from "../src/spec/specs";

/**
 * The documented exceptions: endpoints real clients call that Twilio's OpenAPI does not describe.
 * - serverless-upload: the multipart Function/Asset version uploads (@twilio-labs/serverless-api).
 * - iam Tokens/validate: Flex token validation (twilio-flex-token-validator).
 */
const DOCUMENTED_EXCEPTIONS = [
  "POST serverless-upload.twilio.com/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions",
  "POST serverless-upload.twilio.com/v1/Services/{ServiceSid}/Assets/{AssetSid}/Versions",
  "POST iam.twilio.com/v1/Accounts/{AccountSid}/Tokens/validate",
];

const key = (r: Pick<Route, "method" | "host" | "path">): string => `${r.method} ${r.host}${r.path}`;

describe("route coverage against Twilio's OpenAPI description", () => {
  it("serves only paths and methods the spec has, apart from the documented exceptions", () => {
    const notInSpec: string[] = [];
    for (const route of ALL_ROUTES) {
      const item = loadSpec(route.host)?.paths[route.path];
      if (!item || !item[route.method.toLowerCase()]) notInSpec.push(key(route));
    }
    expect(notInSpec.sort()).toEqual([...DOCUMENTED_EXCEPTIONS].sort());
    // And those, exactly, are flagged as exceptions in the route table.
    expect(
      ALL_ROUTES.filter((r) => r.notInSpec)
        .map(key)
        .sort(),
    ).toEqual([...DOCUMENTED_EXCEPTIONS].sort());
    const inSpec = ALL_ROUTES.length - DOCUMENTED_EXCEPTIONS.length;
    // A figure for the report, not an assertion on timing.
    console.log(
      `twin routes: ${ALL_ROUTES.length}; in the spec: ${inSpec}; documented exceptions: ${DOCUMENTED_EXCEPTIONS.length}`,
    );
    expect(inSpec).toBeGreaterThan(0);
  });

  it("has no duplicate routes and every host has a spec file or is serverless-upload", () => {
    const keys = ALL_ROUTES.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of ALL_ROUTES) {
      expect(route.host in SPEC_FILES || route.host === "serverless-upload.twilio.com").toBe(true);
    }
  });
});

describe("the validating layer", () => {
  const route = (path: string, method: Route["method"] = "GET"): Route => {
    const found = ALL_ROUTES.find((r) => r.path === path && r.method === method && r.host === "sync.twilio.com");
    if (!found) throw new Error(`no route ${method} ${path}`);
    return found;
  };

  const validService = {
    sid: "IS" + "a".repeat(32),
    unique_name: null,
    account_sid: "AC" + "a".repeat(32),
    friendly_name: null,
    date_created: "2026-01-01T12:00:00Z",
    date_updated: "2026-01-01T12:00:00Z",
    url: "https://sync.twilio.com/v1/Services/IS" + "a".repeat(32),
    webhook_url: null,
    webhooks_from_rest_enabled: false,
    reachability_webhooks_enabled: false,
    acl_enabled: true,
    reachability_debouncing_enabled: false,
    reachability_debouncing_window: 5000,
    links: {},
  };

  it("accepts a body with every property of the schema", () => {
    const v = new SpecValidator();
    expect(
      v.checkResponse(route("/v1/Services/{Sid}"), "GET", "sync.twilio.com", "/v1/Services/IS1", 200, validService),
    ).toBeNull();
    expect(v.stats.failures).toEqual([]);
  });

  it("flags a missing property, a wrong type, a bad SID and an undeclared status", () => {
    const v = new SpecValidator();
    const r = route("/v1/Services/{Sid}");
    const { acl_enabled: _omitted, ...missing } = validService;
    expect(v.checkResponse(r, "GET", "sync.twilio.com", "/x", 200, missing)).toMatch(/acl_enabled/);
    expect(v.checkResponse(r, "GET", "sync.twilio.com", "/x", 200, { ...validService, acl_enabled: "yes" })).toMatch(
      /acl_enabled must be boolean/,
    );
    expect(v.checkResponse(r, "GET", "sync.twilio.com", "/x", 200, { ...validService, sid: "XX1" })).toMatch(/sid/);
    expect(v.checkResponse(r, "GET", "sync.twilio.com", "/x", 201, validService)).toMatch(/status 201/);
    expect(v.stats.failures).toHaveLength(4);
  });

  it("checks error answers against Twilio's error body", () => {
    const v = new SpecValidator();
    const r = route("/v1/Services/{Sid}");
    const good = { code: 20404, message: "nope", more_info: "https://www.twilio.com/docs/errors/20404", status: 404 };
    expect(v.checkResponse(r, "GET", "sync.twilio.com", "/x", 404, good)).toBeNull();
    expect(v.checkResponse(r, "GET", "sync.twilio.com", "/x", 404, { message: "nope" })).toMatch(/code/);
  });

  it("answers request bodies that break the request schema like Twilio (400), counted as rejected", () => {
    const v = new SpecValidator();
    const create = ALL_ROUTES.find(
      (x) => x.host === "taskrouter.twilio.com" && x.path === "/v1/Workspaces" && x.method === "POST",
    )!;
    const form = "application/x-www-form-urlencoded";
    expect(v.checkRequest(create, form, { FriendlyName: "ok", MultiTaskEnabled: "true" })).toBeNull();
    expect(v.checkRequest(create, form, {})).toBe("Missing required parameter FriendlyName in the post body");
    expect(v.checkRequest(create, form, { FriendlyName: "x", MultiTaskEnabled: "maybe" })).toMatch(/MultiTaskEnabled/);
    expect(v.stats.requestsRejected).toBe(2);
    expect(v.stats.failures).toEqual([]);
  });

  it("checks query strings against the operation's query parameters", () => {
    const v = new SpecValidator();
    const listTasks = ALL_ROUTES.find(
      (x) =>
        x.host === "taskrouter.twilio.com" && x.path === "/v1/Workspaces/{WorkspaceSid}/Tasks" && x.method === "GET",
    )!;
    expect(
      v.checkRequest(listTasks, "", undefined, { Priority: "5", AssignmentStatus: ["pending", "reserved"] }),
    ).toBeNull();
    expect(v.checkRequest(listTasks, "", undefined, { Priority: "high" })).toMatch(/Invalid query parameter Priority/);
    expect(v.checkRequest(listTasks, "", undefined, { WorkflowSid: "nope" })).toMatch(/WorkflowSid/);
    expect(v.stats.queriesChecked).toBe(3);
  });
});

describe("the validating layer is on by default under jest", () => {
  it("starts every twin with a validator unless told otherwise", async () => {
    const on = await startTwin();
    const off = await startTwin({ validateAgainstSpec: false });
    try {
      expect(on.validator).not.toBeNull();
      expect(off.validator).toBeNull();
    } finally {
      await on.stop();
      await off.stop();
    }
  });
});
