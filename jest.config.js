// `npm test` runs every workspace's suite; each workspace keeps its own jest.config.js.
module.exports = {
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
