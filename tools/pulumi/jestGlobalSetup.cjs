// Jest global set-up of the suites that run the real Pulumi engine (infra/tests/engine, e2e): builds
// the pinned engine into bin/ when it is missing (tools/pulumi/engine.cjs, the same as `npm run
// engine`), so `npm ci && npm test` needs nothing installed by hand but Go. Never skips: without Go
// the suites fail here with the reason.
const { ensureEngine } = require("./engine.cjs");

module.exports = async function globalSetup() {
  ensureEngine((line) => process.stderr.write(`${line}\n`));
};
