// The plugin's suites run under node by default; files that need a DOM (the Flex adapter against
// the real @twilio/flex-ui) opt in with a `@jest-environment jsdom` docblock.
const path = require("path");
const preset = require("../jest.preset")(__dirname);

module.exports = {
  ...preset,
  // @twilio/flex-ui pulls in ESM-only date-fns builds: let swc transform those, nothing else.
  transformIgnorePatterns: ["/node_modules/(?!(date-fns|@date-fns)/)"],
  setupFiles: [path.join(__dirname, "tests/setupFlexGlobals.ts")],
  testPathIgnorePatterns: [...preset.testPathIgnorePatterns, "/test-artifacts/"],
};
