// The providers' client helper: the twin redirect equals the vocabulary's mapping, and errors
// name the operation, the HTTP status and Twilio's code.
import { toTwinUrl } from "@flex-call-recovery/vocabulary";
import { apiError, canonicalJson, containsUnknown, isNotFound, twinUrl, UNKNOWN } from "../src/client";

test.each([
  "https://taskrouter.twilio.com/v1/Workspaces/WS1/Workflows?PageSize=50&Page=1",
  "https://serverless-upload.twilio.com/v1/Services/ZS1/Assets/ZH1/Versions",
  "https://flex-api.twilio.com/v1/PluginService/Releases/Active",
  "https://api.twilio.com/2010-04-01/Accounts/AC1/Keys.json",
])("twinUrl(%s) equals the vocabulary's toTwinUrl", (uri) => {
  expect(twinUrl("http://127.0.0.1:4010", uri)).toBe(toTwinUrl("http://127.0.0.1:4010", uri));
});

test("an API error names the operation, the status and the Twilio code", () => {
  const err = apiError('create TaskQueue "Recovery Ping"', { status: 409, code: 20001, message: "already exists" });
  expect(err.message).toBe('create TaskQueue "Recovery Ping" failed: HTTP 409 (Twilio error 20001): already exists');
  expect(isNotFound({ status: 404 })).toBe(true);
  expect(isNotFound({ response: { statusCode: 404 } })).toBe(true);
  expect(isNotFound(apiError("fetch x", { status: 404, message: "nope" }))).toBe(true);
  expect(isNotFound({ status: 400 })).toBe(false);
});

test("canonical JSON ignores key order and undefined members; unknowns are found anywhere", () => {
  expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
    canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }),
  );
  expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  expect(containsUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
  expect(containsUnknown({ a: [{ b: "x" }] })).toBe(false);
});
