// Setup for suites that import the real @twilio/flex-ui under jsdom (a no-op under node).
// jsdom has no media playback; Flex's ringtone code calls these at import time.
if (typeof window !== "undefined" && typeof HTMLMediaElement !== "undefined") {
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  HTMLMediaElement.prototype.pause = () => undefined;
  HTMLMediaElement.prototype.load = () => undefined;
  // The constants Flex's plugin builder defines at build time (our esbuild build defines them too).
  Object.assign(globalThis, {
    __FPB_PLUGIN_UNIQUE_NAME: "plugin-flex-call-recovery",
    __FPB_PLUGIN_VERSION: "0.0.0-test",
    __FPB_FLEX_PLUGIN_SCRIPTS_VERSION: "esbuild",
    __FPB_FLEX_PLUGIN_VERSION: "esbuild",
    __FPB_FLEX_UI_VERSION: "2.17.1",
    __FPB_REACT_VERSION: "17.0.2",
    __FPB_REACT_DOM_VERSION: "17.0.2",
  });
}
