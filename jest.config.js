// `npm test` runs every workspace's suite; each workspace keeps its own jest.config.js.
module.exports = {
  // A global option: jest ignores it inside projects, so the preset's value is repeated here for
  // runs from the root (`npm test`, `npx jest <path>`).
  testTimeout: require("./jest.preset")(__dirname).testTimeout,
  projects: [
    "<rootDir>/vocabulary",
    "<rootDir>/functions",
    "<rootDir>/twin",
    "<rootDir>/pulumi-twilio",
    "<rootDir>/infra",
    "<rootDir>/infra/tests/engine",
    "<rootDir>/plugin",
    "<rootDir>/e2e",
    "<rootDir>/scripts",
  ],
};
