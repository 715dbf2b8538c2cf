// Names a Flex account gives things, as the twin plays Flex (Twilio's facts, not the product's
// vocabulary; the product spells the same strings in its own vocabulary).

/** The TaskRouter workspace a Flex account comes with. */
export const FLEX_WORKSPACE_NAME = "Flex Task Assignment";

/** Labels Flex puts on a voice task's conference legs. */
export const FlexParticipantLabel = { worker: "worker", customer: "customer" } as const;

/** Task attributes of a Flex voice task: the caller's call SID (`<Enqueue>`) and the conference Flex created. */
export const FlexTaskAttribute = { callSid: "call_sid", conference: "conference" } as const;

/** The task channel of calls. */
export const VOICE_CHANNEL = "voice";
