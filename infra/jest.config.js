// Pulumi's runtime keeps its state on the global object; jest's soft cleanup of globals between
// files only warns about that, so it is switched off here. The real-engine tests (tests/engine)
// are a project of their own (`npx jest --selectProjects engine`).
module.exports = require("../jest.preset")(__dirname, {
  testEnvironmentOptions: { globalsCleanup: "off" },
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/build/", "<rootDir>/tests/engine/"],
});
