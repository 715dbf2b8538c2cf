// Voice (2010): parse each request, call the backend, serialise Twilio's JSON. 2010 resources use
// RFC 2822 dates, relative `uri`s and their own paging envelope.
import { rfc2822 } from "../http/dates";
import { InvalidParameterError } from "../http/errors";
import { list2010 } from "../http/paging";
import { bools, optionalString, Params, strings } from "../http/params";
import { noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import { links, nulls, wire } from "../http/wire";
import type { Call, Conference, Participant, VoiceBackend } from "./backend";
import { InvalidUrlError } from "./errors";

const accountUri = (accountSid: string): string => `/2010-04-01/Accounts/${accountSid}`;

// Every record field in Twilio's case with RFC 2822 dates (`wire`); the rest is explicit below.

/** Twilio sends duration as a string of whole seconds, and price fields as null until billed. */
function serializeCall(accountSid: string, c: Call): Record<string, unknown> {
  const base = `${accountUri(accountSid)}/Calls/${c.sid}`;
  const durationSeconds =
    c.startTime && c.endTime ? Math.max(0, Math.round((c.endTime.getTime() - c.startTime.getTime()) / 1000)) : null;
  const extra = {
    account_sid: accountSid,
    to_formatted: c.to,
    from_formatted: c.from,
    duration: durationSeconds === null ? null : String(durationSeconds),
    price_unit: "USD",
    api_version: "2010-04-01",
    queue_time: "0",
    ...nulls("phone_number_sid price answered_by forwarded_from group_sid caller_name trunk_sid"),
    uri: `${base}.json`,
    subresource_uris: {
      ...uris(base, "Feedback Notifications Recordings Streams Payments Siprec Events"),
      feedback_summaries: `${accountUri(accountSid)}/Calls/FeedbackSummary.json`,
    },
  };
  // The TwiML and its URL are the twin's own state; Twilio's call resource does not show them.
  return wire(c, rfc2822, extra, ["twiml", "url"]);
}

/** 2010 sub-resource URIs: `{ recordings: "<base>/Recordings.json", … }`. */
function uris(base: string, names: string): Record<string, string> {
  return Object.fromEntries(Object.entries(links(base, names)).map(([key, uri]) => [key, `${uri}.json`]));
}

// reason_conference_ended stays null until the conference ends (see the spec errata).
function serializeConference(accountSid: string, c: Conference): Record<string, unknown> {
  const base = `${accountUri(accountSid)}/Conferences/${c.sid}`;
  return wire(c, rfc2822, {
    account_sid: accountSid,
    api_version: "2010-04-01",
    uri: `${base}.json`,
    subresource_uris: uris(base, "Participants Recordings"),
  });
}

// The participant URI uses the call SID even when the client addressed it by label.
function serializeParticipant(accountSid: string, p: Participant): Record<string, unknown> {
  const uri = `${accountUri(accountSid)}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`;
  return wire(p, rfc2822, { account_sid: accountSid, queue_time: null, uri });
}

const voice = (req: TwinRequest): VoiceBackend => req.account.voice;
const acct = (req: TwinRequest): string => req.account.accountSid;

/** Url/AnnounceUrl must be absolute URLs (21205 otherwise). */
function urlParam(params: Params, name: string): string | undefined {
  const value = optionalString(params, name);
  if (value === undefined) return undefined;
  try {
    new URL(value);
  } catch {
    throw new InvalidUrlError(name, value);
  }
  return value;
}

// Twilio accepts only GET or POST for callback methods.
function methodParam(params: Params, name: string): string | undefined {
  const value = optionalString(params, name);
  if (value !== undefined && !["GET", "POST"].includes(value.toUpperCase())) {
    throw new InvalidParameterError(`${name} must be GET or POST`);
  }
  return value?.toUpperCase();
}

export function fetchCall(req: TwinRequest): TwinResponse {
  return ok(serializeCall(acct(req), voice(req).fetchCall(req.params.Sid)));
}

export function listCall(req: TwinRequest): TwinResponse {
  const items = voice(req).listCall({
    ...strings(req.query, "Status To From ParentCallSid"),
  });
  return list2010(req, `${accountUri(acct(req))}/Calls.json`, "calls", items, (c) => serializeCall(acct(req), c));
}

/** UpdateCall: Twiml or Url redirects a live call; Status canceled|completed ends it (21218 for other values). */
export function updateCall(req: TwinRequest): TwinResponse {
  const status = optionalString(req.form, "Status");
  if (status !== undefined && status !== "canceled" && status !== "completed") {
    throw new InvalidParameterError(`Status must be canceled or completed, got '${status}'`, 21218);
  }
  const call = voice(req).updateCall(req.params.Sid, {
    twiml: optionalString(req.form, "Twiml"),
    url: urlParam(req.form, "Url"),
    method: methodParam(req.form, "Method"),
    status,
  });
  return ok(serializeCall(acct(req), call));
}

export function deleteCall(req: TwinRequest): TwinResponse {
  voice(req).deleteCall(req.params.Sid);
  return noContent();
}

export function fetchConference(req: TwinRequest): TwinResponse {
  return ok(serializeConference(acct(req), voice(req).fetchConference(req.params.Sid)));
}

export function listConference(req: TwinRequest): TwinResponse {
  const items = voice(req).listConference({
    ...strings(req.query, "Status FriendlyName"),
  });
  return list2010(req, `${accountUri(acct(req))}/Conferences.json`, "conferences", items, (c) =>
    serializeConference(acct(req), c),
  );
}

/** UpdateConference: only Status=completed ends it; AnnounceUrl plays to everyone (the engine fetches it). */
export function updateConference(req: TwinRequest): TwinResponse {
  const status = optionalString(req.form, "Status");
  if (status !== undefined && status !== "completed") {
    throw new InvalidParameterError(`Status must be completed, got '${status}'`);
  }
  const conference = voice(req).updateConference(req.params.Sid, {
    status,
    announceUrl: urlParam(req.form, "AnnounceUrl"),
    announceMethod: methodParam(req.form, "AnnounceMethod"),
  });
  return ok(serializeConference(acct(req), conference));
}

export function listParticipant(req: TwinRequest): TwinResponse {
  const items = voice(req).listParticipant(req.params.ConferenceSid, {
    ...bools(req.query, "Muted Hold Coaching"),
    label: optionalString(req.query, "Label"),
  });
  return list2010(
    req,
    `${accountUri(acct(req))}/Conferences/${req.params.ConferenceSid}/Participants.json`,
    "participants",
    items,
    (p) => serializeParticipant(acct(req), p),
  );
}

export function fetchParticipant(req: TwinRequest): TwinResponse {
  return ok(serializeParticipant(acct(req), voice(req).fetchParticipant(req.params.ConferenceSid, req.params.CallSid)));
}

/** UpdateParticipant: only the fields that changed fire their callbacks (`participant-modify`, hold, mute). */
export function updateParticipant(req: TwinRequest): TwinResponse {
  const participant = voice(req).updateParticipant(req.params.ConferenceSid, req.params.CallSid, {
    ...bools(req.form, "EndConferenceOnExit Hold Muted Coaching"),
    callSidToCoach: optionalString(req.form, "CallSidToCoach"),
    announceUrl: urlParam(req.form, "AnnounceUrl"),
    announceMethod: methodParam(req.form, "AnnounceMethod"),
  });
  return ok(serializeParticipant(acct(req), participant));
}

export function deleteParticipant(req: TwinRequest): TwinResponse {
  voice(req).deleteParticipant(req.params.ConferenceSid, req.params.CallSid);
  return noContent();
}
