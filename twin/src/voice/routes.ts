// Voice's URL table (paths as in twilio_api_v2010.json, with the 2010 API's `.json` suffix).
// Calls and conferences are not created over REST here: the engine's control API places them.
// Every route is a standard operation of the backend (http/operations.ts).
import { routeTable } from "../http/router";
import { serializeCall, serializeConference, serializeParticipant } from "./responses";

const ACCOUNT = "/2010-04-01/Accounts/{AccountSid}";
const PARTICIPANTS = `${ACCOUNT}/Conferences/{ConferenceSid}/Participants`;

export const voiceRoutes = routeTable(
  "api.twilio.com",
  [
    // Calls: read, redirect (Twiml/Url), end, delete.
    ["GET", `${ACCOUNT}/Calls.json`, "listCall", serializeCall],
    ["GET", `${ACCOUNT}/Calls/{Sid}.json`, "fetchCall", serializeCall],
    ["POST", `${ACCOUNT}/Calls/{Sid}.json`, "updateCall", serializeCall],
    ["DELETE", `${ACCOUNT}/Calls/{Sid}.json`, "deleteCall", serializeCall],
    // Conferences: read, end, announce.
    ["GET", `${ACCOUNT}/Conferences.json`, "listConference", serializeConference],
    ["GET", `${ACCOUNT}/Conferences/{Sid}.json`, "fetchConference", serializeConference],
    ["POST", `${ACCOUNT}/Conferences/{Sid}.json`, "updateConference", serializeConference],
    // Participants ({CallSid} may be the label): read, update flags, kick.
    ["GET", `${PARTICIPANTS}.json`, "listParticipant", serializeParticipant],
    ["GET", `${PARTICIPANTS}/{CallSid}.json`, "fetchParticipant", serializeParticipant],
    ["POST", `${PARTICIPANTS}/{CallSid}.json`, "updateParticipant", serializeParticipant],
    ["DELETE", `${PARTICIPANTS}/{CallSid}.json`, "deleteParticipant", serializeParticipant],
  ],
  (account) => account.voice,
);
