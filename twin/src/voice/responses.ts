// Voice (2010): parse each request, call the backend, serialise Twilio's JSON. 2010 resources use
// RFC 2822 dates, relative `uri`s and their own paging envelope.
import { rfc2822 } from "../http/dates";
import { InvalidParameterError } from "../http/errors";
import { page2010 } from "../http/paging";
import { optionalBool, optionalString, Params } from "../http/params";
import { noContent, ok } from "../http/reply";
import type { TwinRequest, TwinResponse } from "../http/router";
import type { Call, Conference, Participant, VoiceBackend } from "./backend";
import { InvalidUrlError } from "./errors";

const accountUri = (accountSid: string): string => `/2010-04-01/Accounts/${accountSid}`;

/** Twilio sends duration as a string of whole seconds, and price fields as null until billed. */
function serializeCall(accountSid: string, c: Call): Record<string, unknown> {
  const base = `${accountUri(accountSid)}/Calls/${c.sid}`;
  const durationSeconds =
    c.startTime && c.endTime ? Math.max(0, Math.round((c.endTime.getTime() - c.startTime.getTime()) / 1000)) : null;
  return {
    sid: c.sid,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    parent_call_sid: c.parentCallSid,
    account_sid: accountSid,
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    phone_number_sid: null,
    status: c.status,
    start_time: rfc2822(c.startTime),
    end_time: rfc2822(c.endTime),
    duration: durationSeconds === null ? null : String(durationSeconds),
    price: null,
    price_unit: "USD",
    direction: c.direction,
    answered_by: null,
    api_version: "2010-04-01",
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: "0",
    trunk_sid: null,
    uri: `${base}.json`,
    subresource_uris: {
      feedback: `${base}/Feedback.json`,
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      streams: `${base}/Streams.json`,
      payments: `${base}/Payments.json`,
      siprec: `${base}/Siprec.json`,
      events: `${base}/Events.json`,
      feedback_summaries: `${accountUri(accountSid)}/Calls/FeedbackSummary.json`,
    },
  };
}

// reason_conference_ended stays null until the conference ends (see the spec errata).
function serializeConference(accountSid: string, c: Conference): Record<string, unknown> {
  const base = `${accountUri(accountSid)}/Conferences/${c.sid}`;
  return {
    account_sid: accountSid,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    api_version: "2010-04-01",
    friendly_name: c.friendlyName,
    region: c.region,
    sid: c.sid,
    status: c.status,
    uri: `${base}.json`,
    subresource_uris: {
      participants: `${base}/Participants.json`,
      recordings: `${base}/Recordings.json`,
    },
    reason_conference_ended: c.reasonConferenceEnded,
    call_sid_ending_conference: c.callSidEndingConference,
  };
}

// The participant URI uses the call SID even when the client addressed it by label.
function serializeParticipant(accountSid: string, p: Participant): Record<string, unknown> {
  return {
    account_sid: accountSid,
    call_sid: p.callSid,
    label: p.label,
    call_sid_to_coach: p.callSidToCoach,
    coaching: p.coaching,
    conference_sid: p.conferenceSid,
    date_created: rfc2822(p.dateCreated),
    date_updated: rfc2822(p.dateUpdated),
    end_conference_on_exit: p.endConferenceOnExit,
    muted: p.muted,
    hold: p.hold,
    start_conference_on_enter: p.startConferenceOnEnter,
    status: p.status,
    queue_time: null,
    uri: `${accountUri(accountSid)}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`,
  };
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
    status: optionalString(req.query, "Status"),
    to: optionalString(req.query, "To"),
    from: optionalString(req.query, "From"),
    parentCallSid: optionalString(req.query, "ParentCallSid"),
  });
  return ok(
    page2010(items, {
      listUri: `${accountUri(acct(req))}/Calls.json`,
      key: "calls",
      query: req.query,
      serialize: (c) => serializeCall(acct(req), c),
    }),
  );
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
    status: optionalString(req.query, "Status"),
    friendlyName: optionalString(req.query, "FriendlyName"),
  });
  return ok(
    page2010(items, {
      listUri: `${accountUri(acct(req))}/Conferences.json`,
      key: "conferences",
      query: req.query,
      serialize: (c) => serializeConference(acct(req), c),
    }),
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
    muted: optionalBool(req.query, "Muted"),
    hold: optionalBool(req.query, "Hold"),
    coaching: optionalBool(req.query, "Coaching"),
    label: optionalString(req.query, "Label"),
  });
  return ok(
    page2010(items, {
      listUri: `${accountUri(acct(req))}/Conferences/${req.params.ConferenceSid}/Participants.json`,
      key: "participants",
      query: req.query,
      serialize: (p) => serializeParticipant(acct(req), p),
    }),
  );
}

export function fetchParticipant(req: TwinRequest): TwinResponse {
  return ok(serializeParticipant(acct(req), voice(req).fetchParticipant(req.params.ConferenceSid, req.params.CallSid)));
}

/** UpdateParticipant: only the fields that changed fire their callbacks (`participant-modify`, hold, mute). */
export function updateParticipant(req: TwinRequest): TwinResponse {
  const participant = voice(req).updateParticipant(req.params.ConferenceSid, req.params.CallSid, {
    endConferenceOnExit: optionalBool(req.form, "EndConferenceOnExit"),
    hold: optionalBool(req.form, "Hold"),
    muted: optionalBool(req.form, "Muted"),
    coaching: optionalBool(req.form, "Coaching"),
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
