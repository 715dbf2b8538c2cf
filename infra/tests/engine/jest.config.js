// The real-engine tests: the Pulumi CLI built by tools/pulumi runs the repository's Pulumi.yaml
// program against the twin. Built first when missing (global set-up); one `pulumi up` takes seconds.
module.exports = require("../../../jest.preset")(__dirname, {
  globalSetup: "<rootDir>/../../../tools/pulumi/jestGlobalSetup.cjs",
});
