// Names shared with the functions, the infra and the twin come from the vocabulary, never retyped
// (common rules): a literal here would silently drift when the vocabulary changes.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { FunctionRoute, TaskAttribute, TaskChannel } from "@flex-call-recovery/vocabulary";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** Every string literal of a file (plain and template without substitutions), with its line. */
function stringLiterals(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { text: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    // Import specifiers are module names, not vocabulary values.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      found.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

it("plugin sources retype no voice channel name, task attribute name or function route", () => {
  // Not `TaskChannel.default` ("default") nor recovery statuses: the same words are Paste variants
  // and the dialog's own phases ("reconnecting", "reconnected").
  const vocabulary = new Set<string>([
    TaskChannel.voice,
    ...Object.values(TaskAttribute),
    ...Object.values(FunctionRoute),
  ]);
  const files = sourceFiles(__dirname);
  expect(files.some((f) => f.endsWith(path.join("flex", "FlexRecoveryPort.ts")))).toBe(true);
  const retyped = files.flatMap((file) =>
    stringLiterals(file)
      .filter((literal) => vocabulary.has(literal.text))
      .map((literal) => `${path.relative(__dirname, file)}:${literal.line} "${literal.text}"`),
  );
  expect(retyped).toEqual([]);
});
