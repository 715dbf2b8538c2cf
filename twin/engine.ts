// `@flex-call-recovery/twin/engine`: the behaviour engine (routing, voice, Flex, people, faults).
export * from "./src/engine";
