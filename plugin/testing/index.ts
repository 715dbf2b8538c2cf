// `@flex-call-recovery/plugin/testing`: the test adapter (drives the controller without Flex; the
// end-to-end scenarios use it against the twin) and the plugin tests' state fixture.
export {
  createTestAgent,
  testReservation,
  pollingWatchState,
  FakeClock,
  FakeFunctions,
  TestRecoveryPort,
  type TestAgent,
  type TestAgentOptions,
  type FunctionCall,
} from "./testPort";
export { conferenceState, type ConferenceStateFixture } from "./conferenceState";
