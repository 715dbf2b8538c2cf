// Pulumi's runtime keeps its state on the global object; jest's soft cleanup of globals between
// files only warns about that, so it is switched off here.
module.exports = require("../jest.preset")(__dirname, { testEnvironmentOptions: { globalsCleanup: "off" } });
