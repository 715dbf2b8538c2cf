// Shared jest settings for every workspace. Tests are transpiled with swc (fast, no type
// check); `npm run typecheck` is the type check.
/** @param {string} rootDir @param {import('jest').Config} [extra] @returns {import('jest').Config} */
module.exports = function preset(rootDir, extra = {}) {
  return {
    rootDir,
    displayName: require("path").basename(rootDir),
    testEnvironment: "node",
    testMatch: ["<rootDir>/**/*.test.ts", "<rootDir>/**/*.test.tsx"],
    testPathIgnorePatterns: ["/node_modules/", "/dist/", "/build/"],
    // Many suites start a twin, twilio-run or the Pulumi engine; on a 2-core machine running the
    // engine and browser suites beside them, jest's 5 s default cuts healthy tests. Speed is measured
    // by `npm run bench`, never by a test's timeout.
    testTimeout: 60_000,
    transform: {
      "^.+\\.(t|j)sx?$": [
        "@swc/jest",
        {
          jsc: {
            parser: { syntax: "typescript", tsx: true },
            transform: { react: { runtime: "classic" } },
            target: "es2022",
          },
          module: { type: "commonjs" },
        },
      ],
    },
    ...extra,
  };
};
