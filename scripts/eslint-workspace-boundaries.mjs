// ESLint rule `workspace-boundaries/no-deep-import`: a workspace uses another workspace only through
// its package name and the entries its `exports` map lists, never through its files (`…/src/…`, or
// a relative path that climbs into another workspace's folder). Without an `exports` map only the
// bare package name is allowed. Why: docs/decisions/0006-package-boundaries.md.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

/** The monorepo a file belongs to: root folder and its workspaces (name, folder, exports). */
const repoCache = new Map();
function repoOf(startDir) {
  let dir = startDir;
  for (;;) {
    if (repoCache.has(dir)) return repoCache.get(dir);
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8"));
      if (Array.isArray(pkg.workspaces)) {
        const repo = { root: dir, workspaces: workspacesOf(dir, pkg.workspaces) };
        repoCache.set(dir, repo);
        return repo;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function workspacesOf(root, patterns) {
  const folders = patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [join(root, pattern)];
    const base = join(root, pattern.slice(0, -2));
    return existsSync(base)
      ? readdirSync(base, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(base, e.name))
      : [];
  });
  return folders
    .filter((folder) => existsSync(join(folder, "package.json")))
    .map((folder) => {
      const pkg = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
      return { name: pkg.name, folder, exports: pkg.exports ?? null };
    });
}

const inside = (folder, path) => path === folder || path.startsWith(folder + sep);

/** Subpaths an `exports` map offers (`"."`, `"./testing"`, patterns such as `"./x/*"`). */
function exportedSubpath(exportsField, subpath) {
  if (typeof exportsField === "string" || Array.isArray(exportsField)) return subpath === ".";
  const keys = Object.keys(exportsField);
  if (!keys.some((key) => key.startsWith("."))) return subpath === "."; // conditions only: the root entry
  return keys.some((key) => {
    if (!key.includes("*")) return key === subpath;
    const [before, after] = key.split("*");
    return subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= before.length + after.length;
  });
}

/** Why `source`, imported from `file`, crosses a workspace boundary; null when it does not. */
export function boundaryProblem(file, source) {
  const repo = repoOf(dirname(resolve(file)));
  if (!repo) return null;
  const own = repo.workspaces.find((ws) => inside(ws.folder, resolve(file)));
  if (source.startsWith("./") || source.startsWith("../")) {
    const target = resolve(dirname(resolve(file)), source);
    const other = repo.workspaces.find((ws) => inside(ws.folder, target));
    if (other && other !== own) return `reaches into ${other.name} by path; import "${other.name}" instead`;
    return null;
  }
  const target = repo.workspaces.find((ws) => source === ws.name || source.startsWith(`${ws.name}/`));
  if (!target || target === own || source === target.name) return null;
  const subpath = `.${source.slice(target.name.length)}`;
  if (target.exports === null) {
    return `imports ${target.name}'s files (${source}); ${target.name} has no exports map, so only "${target.name}" itself`;
  }
  if (exportedSubpath(target.exports, subpath)) return null;
  return `imports ${source}, which ${target.name}'s exports map does not offer`;
}

const stringOf = (node) => (node && node.type === "Literal" && typeof node.value === "string" ? node.value : null);

/** Calls whose first argument names a module: require, require.resolve, jest's module helpers. */
const MODULE_CALLS = new Set(["require", "require.resolve", "jest.mock", "jest.doMock", "jest.requireActual"]);
function calleeName(callee) {
  if (callee.type === "Identifier") return callee.name;
  if (
    callee.type === "MemberExpression" &&
    callee.object.type === "Identifier" &&
    callee.property.type === "Identifier"
  ) {
    return `${callee.object.name}.${callee.property.name}`;
  }
  return null;
}

const noDeepImport = {
  meta: {
    type: "problem",
    docs: { description: "Import other workspaces only through their package name and exports map." },
    schema: [],
    messages: { boundary: "{{problem}}" },
  },
  create(context) {
    const file = context.filename;
    const check = (node, source) => {
      if (source === null) return;
      const problem = boundaryProblem(file, source);
      if (problem) context.report({ node, messageId: "boundary", data: { problem } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, stringOf(node.source)),
      ExportNamedDeclaration: (node) => node.source && check(node.source, stringOf(node.source)),
      ExportAllDeclaration: (node) => check(node.source, stringOf(node.source)),
      ImportExpression: (node) => check(node.source, stringOf(node.source)),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === "TSExternalModuleReference" &&
        check(node.moduleReference, stringOf(node.moduleReference.expression)),
      TSImportType: (node) => {
        const literal = node.argument?.type === "TSLiteralType" ? node.argument.literal : node.argument;
        check(node, stringOf(literal));
      },
      CallExpression: (node) => {
        if (MODULE_CALLS.has(calleeName(node.callee))) check(node.arguments[0], stringOf(node.arguments[0]));
      },
    };
  },
};

export default { meta: { name: "workspace-boundaries" }, rules: { "no-deep-import": noDeepImport } };
