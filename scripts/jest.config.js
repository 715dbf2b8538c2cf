// The repository's own tooling (lint checks) is tested as its own jest project: `--selectProjects scripts`.
module.exports = require("../jest.preset")(__dirname);
