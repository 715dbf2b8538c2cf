// TwiML the conference plays while the agent is away (the conference's AnnounceUrl). Protected:
// only Twilio fetches it, signed. `<Play>` of a configured recording, else `<Say>` with the
// configured text, voice and language; then hold music, looped until the listener leaves the
// conference (the customer: when re-enqueued; a third party: when moved to the new conference).
import "@twilio-labs/serverless-runtime-types";
import type { ServerlessFunctionSignature } from "@twilio-labs/serverless-runtime-types/types";
import {
  DEFAULT_ANNOUNCE_LANGUAGE,
  DEFAULT_ANNOUNCE_TEXT,
  DEFAULT_ANNOUNCE_VOICE,
  DEFAULT_HOLD_MUSIC_URL,
  FunctionEnv,
} from "@flex-call-recovery/vocabulary";
import { twiml } from "twilio";
import type { SayAttributes } from "twilio/lib/twiml/VoiceResponse";
import { optionalSetting, type FunctionContext } from "../config";

type Env = Record<string, string | undefined>;

export function announceTwiml(context: FunctionContext): string {
  const response = new twiml.VoiceResponse();
  const recording = optionalSetting(context, FunctionEnv.announceRecordingUrl);
  if (recording) {
    response.play(recording);
  } else {
    // Unset values fall back to the vocabulary's defaults, the same the infra deploys.
    const attributes: SayAttributes = {
      voice: (optionalSetting(context, FunctionEnv.announceVoice) ?? DEFAULT_ANNOUNCE_VOICE) as SayAttributes["voice"],
      language: (optionalSetting(context, FunctionEnv.announceLanguage) ??
        DEFAULT_ANNOUNCE_LANGUAGE) as SayAttributes["language"],
    };
    response.say(attributes, optionalSetting(context, FunctionEnv.announceText) ?? DEFAULT_ANNOUNCE_TEXT);
  }
  // Not silence until the re-enqueue: `loop="0"` repeats until the listener leaves the conference
  // (https://www.twilio.com/docs/voice/twiml/play#attributes-loop). An announcement may hold
  // <Say>, <Play>, <Pause> and <Redirect> only (https://www.twilio.com/docs/api/errors/13238).
  response.play({ loop: 0 }, optionalSetting(context, FunctionEnv.holdMusicUrl) ?? DEFAULT_HOLD_MUSIC_URL);
  return response.toString();
}

export const handler: ServerlessFunctionSignature<Env> = (context, _event, callback) => {
  const response = new Twilio.Response();
  response.setStatusCode(200);
  response.appendHeader("Content-Type", "text/xml");
  response.setBody(announceTwiml(context as FunctionContext));
  callback(null, response);
};
