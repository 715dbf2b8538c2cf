// Voice's URL table (paths as in twilio_api_v2010.json, with the 2010 API's `.json` suffix).
// Calls and conferences are not created over REST here: the engine's control API places them.
// Every route is a standard operation of the backend (http/operations.ts).
import { resource, routeTable } from "../http/router";
import { serializeCall, serializeConference, serializeParticipant } from "./responses";

const ACCOUNT = "/2010-04-01/Accounts/{AccountSid}";
const PARTICIPANTS = `${ACCOUNT}/Conferences/{ConferenceSid}/Participants`;

export const voiceRoutes = routeTable(
  "api.twilio.com",
  [
    // Calls: read, redirect (Twiml/Url), end, delete.
    ...resource("Call", `${ACCOUNT}/Calls.json`, serializeCall, "list fetch update delete"),
    // Conferences: read, end, announce.
    ...resource("Conference", `${ACCOUNT}/Conferences.json`, serializeConference, "list fetch update"),
    // Participants ({CallSid} may be the label): read, update flags, kick.
    ...resource(
      "Participant",
      `${PARTICIPANTS}.json`,
      serializeParticipant,
      "list fetch update delete",
      `${PARTICIPANTS}/{CallSid}.json`,
    ),
  ],
  (account) => account.voice,
);
