// The stack these suites start deploys through the real Pulumi engine: built first when missing.
module.exports = require("../jest.preset")(__dirname, {
  globalSetup: "<rootDir>/../tools/pulumi/jestGlobalSetup.cjs",
});
