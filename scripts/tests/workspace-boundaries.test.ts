// The workspace-boundary lint rule on a planted monorepo: ESLint, run as a child process with the
// rule at "error", fails on a deep import (by package path or by relative path) and passes the
// imports a package offers. A last test checks the repository's own config turns the rule on.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

const REPO = join(__dirname, "..", "..");
const ESLINT = join(REPO, "node_modules", "eslint", "bin", "eslint.js");
const RULE = "workspace-boundaries/no-deep-import";

let root: string;

function plant(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

interface Message {
  ruleId: string | null;
  message: string;
}

/** One planted file per kind of deep import: [what, the import line, the message]. */
const BAD: [string, string, RegExp][] = [
  [
    "a deep import of a package without exports",
    'import { inner } from "@mono/lib/src/inner";',
    /@mono\/lib has no exports map/,
  ],
  [
    "a deep import past an exports map",
    'import { internal } from "@mono/typed/src/internal";',
    /exports map does not offer/,
  ],
  [
    "a relative path into another workspace",
    'import { inner } from "../../lib/src/inner";',
    /reaches into @mono\/lib by path/,
  ],
  ["a type-only deep import", 'import type { inner } from "@mono/lib/src/inner";', /has no exports map/],
  ["a deep require", 'const { inner } = require("@mono/lib/src/inner");', /has no exports map/],
  ["a deep dynamic import", 'export const load = () => import("@mono/lib/src/inner");', /has no exports map/],
  ["a deep re-export", 'export { inner } from "@mono/lib/src/inner";', /has no exports map/],
];
const badFile = (index: number) => `app/src/bad${index}.ts`;

/** A monorepo: app (no exports), lib (main only), typed (exports "." and "./testing"). */
function plantMonorepo(): void {
  const config = [
    'import { createRequire } from "node:module";',
    `import boundaries from ${JSON.stringify(pathToFileURL(join(REPO, "scripts", "eslint-workspace-boundaries.mjs")).href)};`,
    `const require = createRequire(${JSON.stringify(join(REPO, "package.json"))});`,
    "export default [",
    '  { files: ["**/*.ts"], languageOptions: { parser: require("@typescript-eslint/parser") } },',
    `  { plugins: { "workspace-boundaries": boundaries }, rules: { "${RULE}": "error" } },`,
    "];",
  ].join("\n");
  plant({
    "eslint.config.mjs": config,
    "package.json": JSON.stringify({ name: "mono", private: true, workspaces: ["app", "lib", "typed"] }),
    "app/package.json": JSON.stringify({ name: "@mono/app" }),
    "lib/package.json": JSON.stringify({ name: "@mono/lib", main: "src/index.ts" }),
    "lib/src/index.ts": "export const lib = 1;\n",
    "lib/src/inner.ts": "export const inner = 2;\n",
    "typed/package.json": JSON.stringify({
      name: "@mono/typed",
      exports: { ".": "./src/index.ts", "./testing": "./src/testing/index.ts" },
    }),
    "typed/src/index.ts": "export const typed = 1;\n",
    "typed/src/testing/index.ts": "export const fake = 1;\n",
    "typed/src/internal.ts": "export const internal = 1;\n",
  });
}

describe("the rule at error on a planted monorepo", () => {
  /** ESLint's exit status and messages per file, from one run over the whole tree. */
  let status: number | null;
  let byFile: Map<string, Message[]>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "workspace-boundaries-"));
    plantMonorepo();
    plant({
      "app/src/good.ts": [
        'import { lib } from "@mono/lib";',
        'import { typed } from "@mono/typed";',
        'import { fake } from "@mono/typed/testing";',
        'import { own } from "./own";',
        "export const all = [lib, typed, fake, own];",
      ].join("\n"),
      "app/src/own.ts": "export const own = 1;\n",
      "lib/tests/inner.test.ts": 'import { inner } from "../src/inner";\nexport const x = inner;\n',
      ...Object.fromEntries(BAD.map(([, line], index) => [badFile(index), `${line}\nexport {};\n`])),
    });
    const run = spawnSync(process.execPath, [ESLINT, "--format", "json", "."], { cwd: root, encoding: "utf8" });
    if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed: ${run.stderr}`);
    status = run.status;
    const results = JSON.parse(run.stdout) as { filePath: string; messages: Message[] }[];
    byFile = new Map(results.map((r) => [relative(root, r.filePath).split(sep).join("/"), r.messages]));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("lint fails", () => expect(status).toBe(1));

  test("imports through package names, exported entries and the workspace's own files pass", () => {
    expect(byFile.get("app/src/good.ts")).toEqual([]);
    expect(byFile.get("lib/tests/inner.test.ts")).toEqual([]);
  });

  test.each(BAD.map((bad, index) => [...bad, index] as const))("%s is an error", (_what, _line, message, index) => {
    expect(byFile.get(badFile(index))).toEqual([
      expect.objectContaining({ ruleId: RULE, message: expect.stringMatching(message) }),
    ]);
  });
});

test("the repository's ESLint config turns the rule on", () => {
  const run = spawnSync(process.execPath, [ESLINT, "--print-config", "e2e/src/harness/stack.ts"], {
    cwd: REPO,
    encoding: "utf8",
  });
  expect(run.status).toBe(0);
  const severity = (JSON.parse(run.stdout) as { rules: Record<string, unknown[]> }).rules[RULE]?.[0];
  // 1 = warn (while the last deep imports are removed), 2 = error; never off.
  expect([1, 2]).toContain(severity);
});
