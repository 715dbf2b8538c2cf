// check-doc-refs: ignore-file (plants the references the check must find)
// The reference check on planted trees: each bad reference alone makes it fail and is named; the
// good tree passes. The script runs as `npm run lint` runs it, in a child process.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

// Planted outside citations, assembled so this file itself cites nothing outside the repository.
const DESIGN_SECTION = ["DESIGN", "§2"].join(" ");
const STYLE_SECTION = ["STYLE", "§17"].join(" ");
const NOTES_FILE = ["reference", "twilio-facts.md"].join("/");

const SCRIPT = join(__dirname, "..", "check-doc-refs.mjs");

interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
}

let root: string;

function plant(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** Runs the check as lint does (exit status, printed lines) and with --json (the findings). */
function check(...args: string[]): { status: number | null; findings: Finding[]; stdout: string } {
  const json = spawnSync(process.execPath, [SCRIPT, "--root", root, "--json"], { encoding: "utf8" });
  if (json.status !== 0 && json.status !== 1) throw new Error(`check-doc-refs --json failed: ${json.stderr}`);
  const run = spawnSync(process.execPath, [SCRIPT, "--root", root, ...args], { encoding: "utf8" });
  return { status: run.status, findings: JSON.parse(json.stdout) as Finding[], stdout: run.stdout };
}

/** A small repository whose every reference resolves. */
const GOOD: Record<string, string> = {
  "README.md": [
    "# Project",
    "",
    "See [the architecture](docs/architecture.md), [its flow](docs/architecture.md#the-flow-step-by-step)",
    "and [below](#layout). Public: [Twilio](https://www.twilio.com/docs/taskrouter#anchor), pulumi/pulumi#1234.",
    "",
    "## Layout",
    "",
    "```md",
    "[inside a code block](nowhere.md) is not a link; #42 in code is not an issue",
    "```",
    "Colour `#333` in inline code.",
  ].join("\n"),
  "docs/architecture.md": "# Architecture\n\n## The flow, step by step\n\nBack to the [README](../README.md).\n",
  "docs/decisions/0001-x.md": "# 1. X\n\nSee [architecture.md](../architecture.md#architecture).\n",
  "src/index.ts": [
    "// Why: see docs/architecture.md#the-flow-step-by-step and README.md.",
    'const colour = "#333";',
    "export const x = colour; // https://github.com/pulumi/pulumi/issues/1234",
  ].join("\n"),
};

/** One planted file per kind of bad reference: [what, file, text, the finding's message]. */
const BAD: [string, string, string, RegExp][] = [
  ["a link to a missing file", "docs/a.md", "See [gone](missing.md).\n", /missing file: missing\.md/],
  [
    "a link to a missing section",
    "docs/b.md",
    "See [flow](architecture.md#no-such-step).\n",
    /missing section: architecture\.md#no-such-step/,
  ],
  ["a link to a missing anchor in the same file", "docs/c.md", "# C\n\n[up](#nowhere)\n", /missing section: #nowhere/],
  [
    "a bare path to a missing document",
    "src/d.ts",
    "// details in docs/gone.md\nexport {};\n",
    /missing file: docs\/gone\.md/,
  ],
  [
    "a bare path to a missing section",
    "src/e.ts",
    "// see docs/architecture.md#step-99\nexport {};\n",
    /missing section: docs\/architecture\.md#step-99/,
  ],
  [
    "a design section",
    "src/f.ts",
    `// the flow of ${DESIGN_SECTION} step 9\nexport {};\n`,
    new RegExp(`"${DESIGN_SECTION} step 9" cites a design`),
  ],
  [
    "a style section",
    "src/g.ts",
    `/** One body (${STYLE_SECTION}). */\nexport {};\n`,
    new RegExp(`"${STYLE_SECTION}" cites a style guide`),
  ],
  [
    "a notes folder",
    "docs/h.md",
    `As in ${NOTES_FILE}.\n`,
    new RegExp(`"${NOTES_FILE.replace(/\./g, "\\.")}" cites a reference folder`),
  ],
  [
    "a numbered pitfall",
    "src/i.ts",
    "// hash the sources (pitfall 9)\nexport {};\n",
    /"pitfall 9" cites a numbered pitfall/,
  ],
  ["an issue number", "docs/j.md", "Scenarios of issue 8.\n", /"issue 8" cites an issue number/],
  [
    "a #N issue reference in a comment",
    "src/k.ts",
    "// fixed in #12\nexport {};\n",
    /"#12" looks like an issue number/,
  ],
  [
    "a reference in a file whose ignore marker is not at the top",
    "docs/m.md",
    "# M\n\nText.\n\nThe marker `check-doc-refs: ignore-file` only counts in the first lines; issue 5.\n",
    /"issue 5" cites an issue number/,
  ],
  [
    "a section of an unknown document",
    "src/l.ts",
    "// (facts §1)\nexport {};\n",
    /"facts §1" cites a section of a document that is not in/,
  ],
];

describe("a tree whose references all resolve", () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "check-doc-refs-"));
    plant(GOOD);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("passes", () => {
    const result = check();
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
  });

  test("a file that must spell the patterns opts out with the marker", () => {
    plant({
      "src/a.ts": `// check-doc-refs: ignore-file\n// ${["DESIGN", "§3"].join(" ")}, pitfall 2, issue 4\nexport {};\n`,
    });
    expect(check().findings).toEqual([]);
  });
});

describe("the same tree with bad references planted", () => {
  let result: ReturnType<typeof check>;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "check-doc-refs-"));
    plant(GOOD);
    plant(Object.fromEntries(BAD.map(([, file, text]) => [file, text])));
    result = check();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("fails, listing each as file:line:col", () => {
    expect(result.status).toBe(1);
    expect(result.findings).toHaveLength(BAD.length);
    for (const f of result.findings) expect(result.stdout).toContain(`${f.file}:${f.line}:${f.column}: ${f.message}`);
  });

  test.each(BAD)("%s is found", (_what, file, _text, message) => {
    expect(result.findings.filter((f) => f.file === file)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(message) }),
    ]);
  });

  test("--warn-only reports the count and exits 0 (the switch lint uses until the references are replaced)", () => {
    const warned = check("--warn-only");
    expect(warned.status).toBe(0);
    expect(warned.stdout).toMatch(new RegExp(`check-doc-refs: ${BAD.length} reference`));
  });
});
