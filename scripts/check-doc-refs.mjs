#!/usr/bin/env node
// check-doc-refs: ignore-file (this file spells the patterns it looks for)
//
// Fails on references a reader of this repository cannot follow: markdown links (and bare `*.md`
// paths) to files or sections that do not exist here, and citations of documents that live outside
// the repository — a design or style document by section, a private notes folder, numbered
// pitfalls, issue numbers. Every such reference must become a link into `docs/` (or a public URL)
// or the sentence it stood for. See docs/development.md#the-lint-checks.
//
//   node scripts/check-doc-refs.mjs [--root DIR] [--warn-only] [--json]
//
// --warn-only prints a one-line count and exits 0 (lint stays green while references are being
// replaced); without it every finding is listed as `file:line:col: message` and the exit code is 1.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  "dist",
  "build",
  "coverage",
  "reports",
  "test-artifacts",
  ".pulumi",
  "bin",
  ".twilio-functions",
]);
const SKIP_FILES = new Set(["package-lock.json"]);
const CODE_EXTENSIONS = new Set([".ts", ".tsx", ".js", ".mjs", ".cjs"]);
const TEXT_EXTENSIONS = new Set([".md", ".yml", ".yaml", ".json", ".sh", ...CODE_EXTENSIONS]);
/** A file that must spell the patterns (this script, its tests) opts out with this marker in its first 3 lines. */
const IGNORE_FILE_MARKER = "check-doc-refs: ignore-file";

/** Documents this project's authors kept outside the repository; named, they are never followable. */
const OUTSIDE_NAMES = /\b(?:twilio-facts|toolchain-notes|pulumi-and-iac-notes|console-setup-guide)(?:\.md)?\b/g;

/** Files to check: git's view when the root is a repository (honours .gitignore), else a walk. */
function listFiles(root) {
  let files;
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    // Only trust git when the root is the repository's top (a temp tree inside a checkout is not).
    const top = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" }).trim();
    files = resolve(top) === resolve(root) ? out.split("\0").filter(Boolean) : null;
  } catch {
    files = null;
  }
  if (files === null) files = walk(root, "");
  return files.filter((file) => {
    const parts = file.split("/");
    if (parts.some((part) => SKIP_DIRS.has(part))) return false;
    const name = parts[parts.length - 1];
    if (SKIP_FILES.has(name)) return false;
    if (!existsSync(join(root, file))) return false; // deleted in the work tree
    return TEXT_EXTENSIONS.has(extname(name)) || parts[0] === ".ci";
  });
}

function walk(root, dir) {
  const out = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(root, path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen. */
export function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Byte ranges of fenced code blocks (``` or ~~~) in a markdown text. */
function fencedRanges(text) {
  const ranges = [];
  const fence = /^ {0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let open = null;
  let match;
  while ((match = fence.exec(text))) {
    if (open === null) open = { start: match.index, marker: match[1] };
    else if (match[1][0] === open.marker[0] && match[1].length >= open.marker.length) {
      ranges.push([open.start, match.index + match[0].length]);
      open = null;
    }
  }
  if (open !== null) ranges.push([open.start, text.length]);
  return ranges;
}

const inRanges = (ranges, index) => ranges.some(([start, end]) => index >= start && index < end);

/** Anchors a markdown file defines: its headings' slugs (GitHub numbering of repeats) and `<a id|name>`. */
const anchorCache = new Map();
function anchorsOf(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const text = readFileSync(file, "utf8");
  const fences = fencedRanges(text);
  const anchors = new Set();
  const counts = new Map();
  const heading = /^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$/gm;
  let match;
  while ((match = heading.exec(text))) {
    if (inRanges(fences, match.index)) continue;
    const base = slug(match[1]);
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    anchors.add(seen === 0 ? base : `${base}-${seen}`);
  }
  for (const a of text.matchAll(/<a\s+(?:id|name)=["']([^"']+)["']/g)) anchors.add(a[1]);
  anchorCache.set(file, anchors);
  return anchors;
}

/** Comment ranges of a TypeScript/JavaScript text (every leading and trailing comment of every node). */
function commentRanges(text, fileName) {
  const kind = fileName.endsWith(".tsx")
    ? ts.ScriptKind.TSX
    : fileName.endsWith(".ts")
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const seen = new Map();
  const add = (ranges) => ranges?.forEach((range) => seen.set(range.pos, [range.pos, range.end]));
  const visit = (node) => {
    add(ts.getLeadingCommentRanges(text, node.getFullStart()));
    add(ts.getTrailingCommentRanges(text, node.getEnd()));
    node.forEachChild(visit);
  };
  visit(source);
  add(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()));
  if (text.startsWith("#!")) add(ts.getLeadingCommentRanges(text, text.indexOf("\n") + 1));
  return [...seen.values()];
}

/** Ranges where `#N` counts as prose: comments in code and scripts, text outside code in markdown. */
function proseRanges(text, file) {
  const ext = extname(file);
  if (CODE_EXTENSIONS.has(ext)) return commentRanges(text, file);
  if (ext === ".md") {
    const fences = fencedRanges(text);
    const ranges = [];
    let start = 0;
    for (const [fs, fe] of fences) {
      ranges.push([start, fs]);
      start = fe;
    }
    ranges.push([start, text.length]);
    // Inline code is not prose either: cut the `…` spans out.
    const inline = [...text.matchAll(/`[^`\n]*`/g)].map((m) => [m.index, m.index + m[0].length]);
    return ranges.flatMap(([s, e]) => {
      const parts = [];
      let from = s;
      for (const [is, ie] of inline) {
        if (ie <= from || is >= e) continue;
        if (is > from) parts.push([from, is]);
        from = Math.max(from, ie);
      }
      if (from < e) parts.push([from, e]);
      return parts;
    });
  }
  // yml, sh, .ci scripts: `#` comments.
  return [...text.matchAll(/(^|\s)#(?!\d)[^\n]*/g)].map((m) => [m.index, m.index + m[0].length]);
}

/** Markdown documents of the tree by lower-cased base name without `.md`, for `name §n` citations. */
function markdownNames(files) {
  const names = new Map();
  for (const file of files) {
    if (!file.endsWith(".md")) continue;
    const base = file.split("/").pop().slice(0, -3).toLowerCase();
    names.set(base, [...(names.get(base) ?? []), file]);
  }
  return names;
}

/** Checks one path reference (`x/y.md#anchor`, `../z`) from `file`; returns a message or null. */
function checkTarget(root, file, target, { relativeToRootToo }) {
  const [rawPath, anchor] = splitAnchor(target);
  let path;
  try {
    path = decodeURI(rawPath);
  } catch {
    path = rawPath;
  }
  let full;
  if (path === "") full = join(root, file);
  else {
    const candidates = path.startsWith("/")
      ? [join(root, path)]
      : [resolve(root, dirname(file), path), ...(relativeToRootToo ? [resolve(root, path)] : [])];
    full = candidates.find((candidate) => existsSync(candidate));
    if (!full) return `reference to a missing file: ${target}`;
  }
  if (anchor && full.endsWith(".md") && statSync(full).isFile() && !anchorsOf(full).has(anchor.toLowerCase())) {
    return `reference to a missing section: ${target} (no heading "#${anchor}" in ${relative(root, full).split(sep).join("/")})`;
  }
  return null;
}

function splitAnchor(target) {
  const hash = target.indexOf("#");
  return hash < 0 ? [target, ""] : [target.slice(0, hash), target.slice(hash + 1)];
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s)>\]"'`]*/gi;

/** Every finding of one file: `{ file, line, column, message }`. */
function checkFile(root, file, names) {
  const text = readFileSync(join(root, file), "utf8");
  if (text.split("\n", 3).some((line) => line.includes(IGNORE_FILE_MARKER))) return [];
  const findings = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const at = (index, length, message) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= index) line++;
    findings.push({
      file,
      line: line + 1,
      column: index - lineStarts[line] + 1,
      message,
      start: index,
      end: index + length,
    });
  };
  // URLs are public references; blank them out (same length, so positions hold).
  const scanned = text.replace(URL_PATTERN, (url) => " ".repeat(url.length));
  const isMarkdown = file.endsWith(".md");
  const fences = isMarkdown ? fencedRanges(text) : [];

  // 1. Markdown links: inline [text](target) and reference definitions [id]: target.
  if (isMarkdown) {
    const links = [
      ...[...text.matchAll(/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => [m.index, m[1]]),
      ...[...text.matchAll(/^ {0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => [m.index, m[1]]),
    ];
    for (const [index, target] of links) {
      if (inRanges(fences, index) || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const problem = checkTarget(root, file, target, { relativeToRootToo: false });
      if (problem) at(index, target.length, problem);
    }
  }

  // 2. Bare paths of markdown documents (`infra/README.md`, `docs/x.md#y`) in prose and comments.
  // In markdown, links were checked above: their text and target are not bare paths.
  const bare = isMarkdown ? scanned.replace(/!?\[[^\]\n]*\]\([^)\n]*\)/g, (link) => " ".repeat(link.length)) : scanned;
  for (const m of bare.matchAll(/(?<![\w/.@-])((?:\.{1,2}\/)*[\w.-]+(?:\/[\w.-]+)*\.md)(#[\w-]+)?(?![\w/])/g)) {
    if (isMarkdown && inRanges(fences, m.index)) continue;
    const target = m[1] + (m[2] ?? "");
    if (/^reference\//.test(m[1])) continue; // reported by rule 3
    const problem = checkTarget(root, file, target, { relativeToRootToo: true });
    if (problem) at(m.index, target.length, problem);
  }

  // 3. Citations of documents kept outside the repository.
  const outside = [
    [
      /\bDESIGN(?:\.md)?\b(?:\s*§\s*\d+(?:\.\d+)?)?(?:,?\s*steps?\s*\d+(?:\s*(?:,|and|–|-)\s*\d+)*)?/g,
      "a design document outside the repository",
    ],
    [/\bSTYLE(?:\.md)?\s*§\s*\d+|\bSTYLE\.md\b/g, "a style guide outside the repository"],
    [
      /(?<![\w/.-])reference\/(?:[\w./-]*[\w/-])?/g,
      "a reference folder outside the repository",
      { unlessExists: true },
    ],
    [OUTSIDE_NAMES, "a notes file outside the repository"],
    [/\bpitfalls?\s*(?:\d+|:)/gi, "a numbered pitfall of notes outside the repository"],
    [/\bissues?\s+#?\d+(?:['’]s)?/gi, "an issue number (issues are not part of the repository)"],
  ];
  for (const [pattern, what, { unlessExists = false } = {}] of outside) {
    for (const m of scanned.matchAll(pattern)) {
      if (unlessExists && existsSync(join(root, m[0]))) continue;
      at(m.index, m[0].length, `"${m[0].replace(/\s+/g, " ").trim()}" cites ${what}`);
    }
  }

  // 4. `name §n` where name is no markdown document of the tree (or has no such section).
  for (const m of scanned.matchAll(/(?<![\w§])([A-Za-z][\w.-]*)\s*§\s*(\d+)/g)) {
    const name = m[1].replace(/\.md$/i, "");
    if (/^(DESIGN|STYLE)$/.test(name)) continue; // rule 3
    const docs = names.get(name.toLowerCase());
    const numbered = (doc) =>
      [...anchorsOf(join(root, doc))].some((anchor) => anchor === m[2] || anchor.startsWith(`${m[2]}-`));
    if (!docs) at(m.index, m[0].length, `"${m[0]}" cites a section of a document that is not in the repository`);
    else if (!docs.some(numbered)) at(m.index, m[0].length, `"${m[0]}": no section ${m[2]} in ${docs.join(", ")}`);
  }

  // 5. `#N` issue references in prose (not `owner/repo#N`, not colours or fragments in code).
  let prose = null; // parsed only when a candidate is there
  for (const m of scanned.matchAll(/(?<![\w&#/.@-])#(\d+)\b/g)) {
    prose ??= proseRanges(text, file);
    if (!inRanges(prose, m.index)) continue;
    at(m.index, m[0].length, `"${m[0]}" looks like an issue number (issues are not part of the repository)`);
  }

  // One finding per place: of overlapping matches (a path that is also a citation) keep the first.
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  for (const finding of findings) {
    if (kept.length === 0 || finding.start >= kept[kept.length - 1].end) kept.push(finding);
  }
  return kept.map(({ start: _s, end: _e, ...finding }) => finding);
}

export function checkDocRefs(root) {
  anchorCache.clear();
  const files = listFiles(root);
  const names = markdownNames(files);
  return files.flatMap((file) => checkFile(root, file, names));
}

function main(argv) {
  const option = (name) => argv.includes(name);
  const rootIndex = argv.indexOf("--root");
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(rootIndex >= 0 ? argv[rootIndex + 1] : join(here, ".."));
  const findings = checkDocRefs(root);
  if (option("--json")) {
    process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  } else if (option("--warn-only")) {
    if (findings.length > 0) {
      console.log(
        `check-doc-refs: ${findings.length} reference(s) to documents or sections not in the repository ` +
          `(warn-only; list them with \`node scripts/check-doc-refs.mjs\`)`,
      );
    }
  } else {
    for (const f of findings) console.log(`${f.file}:${f.line}:${f.column}: ${f.message}`);
    console.log(`check-doc-refs: ${findings.length} finding(s) in ${root}`);
  }
  process.exitCode = findings.length > 0 && !option("--warn-only") ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
