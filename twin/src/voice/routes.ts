// Voice's URL table (paths as in twilio_api_v2010.json, with the 2010 API's `.json` suffix).
// Calls and conferences are not created over REST here: the engine's control API places them.
import { routeTable } from "../http/router";
import * as r from "./responses";

const ACCOUNT = "/2010-04-01/Accounts/{AccountSid}";

export const voiceRoutes = routeTable("api.twilio.com", [
  // Calls: read, redirect (Twiml/Url), end, delete.
  ["GET", `${ACCOUNT}/Calls.json`, r.listCall],
  ["GET", `${ACCOUNT}/Calls/{Sid}.json`, r.fetchCall],
  ["POST", `${ACCOUNT}/Calls/{Sid}.json`, r.updateCall],
  ["DELETE", `${ACCOUNT}/Calls/{Sid}.json`, r.deleteCall],
  // Conferences: read, end, announce.
  ["GET", `${ACCOUNT}/Conferences.json`, r.listConference],
  ["GET", `${ACCOUNT}/Conferences/{Sid}.json`, r.fetchConference],
  ["POST", `${ACCOUNT}/Conferences/{Sid}.json`, r.updateConference],
  // Participants ({CallSid} may be the label): read, update flags, kick.
  ["GET", `${ACCOUNT}/Conferences/{ConferenceSid}/Participants.json`, r.listParticipant],
  ["GET", `${ACCOUNT}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`, r.fetchParticipant],
  ["POST", `${ACCOUNT}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`, r.updateParticipant],
  ["DELETE", `${ACCOUNT}/Conferences/{ConferenceSid}/Participants/{CallSid}.json`, r.deleteParticipant],
]);
