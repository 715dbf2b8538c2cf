// The announce function's TwiML: <Say> with the configured text, voice and language, or <Play>;
// then hold music looped until the listener leaves the conference.
import { DEFAULT_ANNOUNCE_TEXT, DEFAULT_HOLD_MUSIC_URL, FunctionEnv } from "@flex-call-recovery/vocabulary";
import { handler } from "../src/functions/announce.protected";
import { callHandler, installRuntime, removeRuntime } from "./support/runtime";

beforeAll(installRuntime);
afterAll(removeRuntime);

describe("announce", () => {
  it.each<[string, Record<string, string>, string]>([
    [
      "the vocabulary's default text, voice and language (the infra's defaults too)",
      {},
      `<Response><Say voice="Polly.Joanna" language="en-US">${DEFAULT_ANNOUNCE_TEXT}</Say>` +
        `<Play loop="0">${DEFAULT_HOLD_MUSIC_URL}</Play></Response>`,
    ],
    [
      "configured text, voice and language",
      {
        [FunctionEnv.announceText]: "Un instant & merci",
        [FunctionEnv.announceVoice]: "Polly.Celine",
        [FunctionEnv.announceLanguage]: "fr-FR",
      },
      '<Response><Say voice="Polly.Celine" language="fr-FR">Un instant &amp; merci</Say>' +
        `<Play loop="0">${DEFAULT_HOLD_MUSIC_URL}</Play></Response>`,
    ],
    [
      "a recording, which wins over text",
      { [FunctionEnv.announceRecordingUrl]: "https://example.com/hold.mp3", [FunctionEnv.announceText]: "ignored" },
      `<Response><Play>https://example.com/hold.mp3</Play><Play loop="0">${DEFAULT_HOLD_MUSIC_URL}</Play></Response>`,
    ],
    [
      "the configured hold music after the announcement",
      { [FunctionEnv.holdMusicUrl]: "https://example.com/music.mp3" },
      `<Response><Say voice="Polly.Joanna" language="en-US">${DEFAULT_ANNOUNCE_TEXT}</Say>` +
        '<Play loop="0">https://example.com/music.mp3</Play></Response>',
    ],
  ])("answers %s", async (_name, env, twiml) => {
    const answer = await callHandler(handler, env, {});
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["Content-Type"]).toBe("text/xml");
    expect(answer.body).toBe(`<?xml version="1.0" encoding="UTF-8"?>${twiml}`);
  });
});
