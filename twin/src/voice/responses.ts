// Voice (2010) answers: the serialisers of the standard operations (routes.ts). 2010 resources
// use RFC 2822 dates, relative `uri`s and their own paging envelope (http/operations.ts).
import { rfc2822 } from "../http/dates";
import type { TwinRequest } from "../http/router";
import { links, nulls, wire } from "../http/wire";
import type { Call, Conference, Participant } from "./backend";

const accountUri = (req: TwinRequest): string => `/2010-04-01/Accounts/${req.account.accountSid}`;

// Every record field in Twilio's case with RFC 2822 dates (`wire`); the rest is explicit below.

/** Twilio sends duration as a string of whole seconds, and price fields as null until billed. */
export function serializeCall(c: Call, req: TwinRequest): Record<string, unknown> {
  const base = `${accountUri(req)}/Calls/${c.sid}`;
  const durationSeconds =
    c.startTime && c.endTime ? Math.max(0, Math.round((c.endTime.getTime() - c.startTime.getTime()) / 1000)) : null;
  const extra = {
    account_sid: req.account.accountSid,
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
      feedback_summaries: `${accountUri(req)}/Calls/FeedbackSummary.json`,
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
export function serializeConference(c: Conference, req: TwinRequest): Record<string, unknown> {
  const base = `${accountUri(req)}/Conferences/${c.sid}`;
  return wire(c, rfc2822, {
    account_sid: req.account.accountSid,
    api_version: "2010-04-01",
    uri: `${base}.json`,
    subresource_uris: uris(base, "Participants Recordings"),
  });
}

// The participant URI uses the call SID even when the client addressed it by label.
export function serializeParticipant(p: Participant, req: TwinRequest): Record<string, unknown> {
  const uri = `${accountUri(req)}/Conferences/${p.conferenceSid}/Participants/${p.callSid}.json`;
  return wire(p, rfc2822, { account_sid: req.account.accountSid, queue_time: null, uri });
}
