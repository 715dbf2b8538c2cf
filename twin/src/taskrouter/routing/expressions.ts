// The TaskRouter expression language (https://www.twilio.com/docs/taskrouter/expression-syntax):
// queue `target_workers`, workflow filter `expression`s and target `expression`s are written in it.
// A tokenizer, a recursive-descent parser into a small AST, and an evaluator against JSON.
//
// Semantics chosen where Twilio's docs are silent (each is tested in tests/engine/expressions.test.ts):
// - a missing key resolves to NULL, and NULL is a value: `missing == null` is true, `missing != 'x'` is true;
// - `<`/`>` compare two numbers or two strings; any other pair compares false (Twilio: "avoid mixed types");
// - `x IN [..]` with an array on the left is true when the two arrays share an element;
// - `a HAS b` is `b IN a`; `CONTAINS` is a substring test (on an array: any string element contains it);
// - keywords (AND, OR, NOT, IN, HAS, CONTAINS, true, false, null) are case-insensitive;
// - a bare operand (`isReconnect`) is a syntax error: Twilio's expressions are always comparisons.

import { isDeepStrictEqual } from "node:util";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Thrown for an expression that cannot be parsed; `position` is the 0-based offset of the offending text. */
export class ExpressionSyntaxError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
    detail: string,
  ) {
    super(`Invalid TaskRouter expression at position ${position}: ${detail} (in: ${expression})`);
    this.name = "ExpressionSyntaxError";
  }
}

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "IN" | "NOT IN" | "HAS" | "CONTAINS";

/** A path segment: an object key or an array index (`object.array[2]`). */
export type PathSegment = string | number;

export type Operand =
  | { kind: "constant"; value: JsonValue }
  | { kind: "array"; items: Operand[] }
  | { kind: "path"; segments: PathSegment[]; text: string };

export type ExpressionNode =
  | { kind: "and" | "or"; left: ExpressionNode; right: ExpressionNode }
  | { kind: "not"; operand: ExpressionNode }
  | { kind: "comparison"; operator: ComparisonOperator; left: Operand; right: Operand };

type Token =
  | { type: "string" | "word" | "op"; value: string; pos: number }
  | { type: "number"; value: number; pos: number }
  | { type: "end"; pos: number };

const OPERATOR_SYMBOLS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "=", "(", ")", "[", "]", ","];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new ExpressionSyntaxError(text, i, "unterminated string");
      tokens.push({ type: "string", value: text.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const number = /^-?(\d+\.?\d*|\.\d+)/.exec(text.slice(i));
    if (number && (ch !== "-" || /\d|\./.test(text[i + 1] ?? ""))) {
      tokens.push({ type: "number", value: Number(number[0]), pos: i });
      i += number[0].length;
      continue;
    }
    // A word is a key path (letters, digits, `_`, `.`, `[n]` indices) or a keyword.
    const word = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*/.exec(text.slice(i));
    if (word) {
      tokens.push({ type: "word", value: word[0], pos: i });
      i += word[0].length;
      if (text[i] === "-" && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
        throw new ExpressionSyntaxError(text, i, "hyphens are not supported in attribute names");
      }
      continue;
    }
    const symbol = OPERATOR_SYMBOLS.find((s) => text.startsWith(s, i));
    if (!symbol) throw new ExpressionSyntaxError(text, i, `unexpected character '${ch}'`);
    tokens.push({ type: "op", value: symbol, pos: i });
    i += symbol.length;
  }
  tokens.push({ type: "end", pos: text.length });
  return tokens;
}

// A Map, not an object literal: `constructor` or `toString` must stay attribute names.
const KEYWORD_CONSTANTS = new Map<string, JsonValue>([
  ["true", true],
  ["false", false],
  ["null", null],
]);
const RESERVED = new Set(["and", "or", "not", "in", "has", "contains"]);
// How each comparison operator is spelled: symbols as written, words in lower case (`NOT IN` is two words).
const OPERATOR_SPELLINGS = new Map<string, ComparisonOperator>([
  ["==", "=="],
  ["=", "=="],
  ["!=", "!="],
  ["<", "<"],
  ["<=", "<="],
  [">", ">"],
  [">=", ">="],
  ["in", "IN"],
  ["has", "HAS"],
  ["contains", "CONTAINS"],
]);

class Parser {
  private index = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): ExpressionNode {
    if (this.peek().type === "end") throw this.error(this.peek(), "empty expression");
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.type !== "end") throw this.error(rest, `unexpected '${describe(rest)}'`);
    return node;
  }

  private parseOr(): ExpressionNode {
    let left = this.parseAnd();
    while (this.acceptKeyword("or") || this.acceptOp("||")) left = { kind: "or", left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): ExpressionNode {
    let left = this.parseNot();
    while (this.acceptKeyword("and") || this.acceptOp("&&")) left = { kind: "and", left, right: this.parseNot() };
    return left;
  }

  private parseNot(): ExpressionNode {
    if (this.acceptKeyword("not")) return { kind: "not", operand: this.parseNot() };
    if (this.acceptOp("(")) {
      // `(` opens a group here; a parenthesised operand is not part of the language.
      const inner = this.parseOr();
      if (!this.acceptOp(")")) throw this.error(this.peek(), "expected ')'");
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseOperand();
    const opToken = this.peek();
    const operator = this.parseOperator();
    if (!operator) throw this.error(opToken, `expected a comparison operator after '${operandText(left)}'`);
    const right = this.parseOperand();
    return { kind: "comparison", operator, left, right };
  }

  private parseOperator(): ComparisonOperator | null {
    if (this.atNotIn()) {
      this.index += 2;
      return "NOT IN";
    }
    const token = this.peek();
    const spelling = token.type === "op" ? token.value : token.type === "word" ? token.value.toLowerCase() : "";
    const operator = OPERATOR_SPELLINGS.get(spelling);
    if (operator) this.index++;
    return operator ?? null;
  }

  private parseOperand(): Operand {
    const token = this.peek();
    if (token.type === "string" || token.type === "number") {
      this.index++;
      return { kind: "constant", value: token.value };
    }
    if (this.acceptOp("[")) {
      const items: Operand[] = [];
      if (!this.acceptOp("]")) {
        do {
          const item = this.parseOperand();
          if (item.kind === "array") throw this.error(token, "nested arrays are not supported");
          items.push(item);
        } while (this.acceptOp(","));
        if (!this.acceptOp("]")) throw this.error(this.peek(), "expected ']' or ','");
      }
      return { kind: "array", items };
    }
    if (token.type === "word") {
      const lower = token.value.toLowerCase();
      if (KEYWORD_CONSTANTS.has(lower)) {
        this.index++;
        return { kind: "constant", value: KEYWORD_CONSTANTS.get(lower) as JsonValue };
      }
      if (RESERVED.has(lower)) throw this.error(token, `expected a value, found keyword '${token.value}'`);
      this.index++;
      return { kind: "path", segments: parsePath(token.value), text: token.value };
    }
    throw this.error(
      token,
      token.type === "end"
        ? "expression ends where a value is expected"
        : `expected a value, found '${describe(token)}'`,
    );
  }

  private peek(): Token {
    return this.tokens[this.index];
  }
  private acceptOp(value: string): boolean {
    const token = this.peek();
    if (token.type !== "op" || token.value !== value) return false;
    this.index++;
    return true;
  }
  private acceptKeyword(keyword: string): boolean {
    // `NOT IN` is an operator, never a prefix NOT.
    if (!isWord(this.peek(), keyword) || (keyword === "not" && this.atNotIn())) return false;
    this.index++;
    return true;
  }
  private atNotIn(): boolean {
    return isWord(this.peek(), "not") && isWord(this.tokens[this.index + 1], "in");
  }
  private error(token: Token, detail: string): ExpressionSyntaxError {
    return new ExpressionSyntaxError(this.text, token.pos, detail);
  }
}

function isWord(token: Token, word: string): boolean {
  return token.type === "word" && token.value.toLowerCase() === word;
}

function describe(token: Token): string {
  return token.type === "end" ? "end of expression" : String(token.value);
}

function operandText(operand: Operand): string {
  if (operand.kind === "path") return operand.text;
  if (operand.kind === "constant") return JSON.stringify(operand.value);
  return "[...]";
}

function parsePath(text: string): PathSegment[] {
  return [...text.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((match) => match[1] ?? Number(match[2]));
}

/** Parses an expression; throws {@link ExpressionSyntaxError} with the position of the problem. */
export function parseExpression(text: string): ExpressionNode {
  return new Parser(text, tokenize(text)).parse();
}

/** Null when the expression is valid, else the syntax error's message (for 400 answers). */
export function validateExpression(text: string): string | null {
  try {
    parseExpression(text);
    return null;
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error.message;
    throw error;
  }
}

/**
 * What a key path is resolved against. `document` holds plain keys; `scopes` holds prefixed roots
 * (`task.`, `worker.` in a workflow target's expression). A path whose first segment names a scope
 * resolves inside that scope.
 */
export interface EvaluationContext {
  document?: unknown;
  scopes?: Record<string, unknown>;
}

function resolvePath(segments: PathSegment[], context: EvaluationContext): JsonValue {
  let current: unknown = context.document;
  let rest = segments;
  const first = segments[0];
  if (typeof first === "string" && context.scopes && Object.prototype.hasOwnProperty.call(context.scopes, first)) {
    current = context.scopes[first];
    rest = segments.slice(1);
  }
  for (const segment of rest) {
    if (current === null || typeof current !== "object") return null;
    if (typeof segment === "number") {
      if (!Array.isArray(current)) return null;
      current = current[segment];
    } else {
      if (Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return null;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current === undefined ? null : (current as JsonValue);
}

function operandValue(operand: Operand, context: EvaluationContext): JsonValue {
  if (operand.kind === "constant") return operand.value;
  if (operand.kind === "array") return operand.items.map((item) => operandValue(item, context));
  return resolvePath(operand.segments, context);
}

// JSON values are equal when deeply equal (key order aside), as node's own comparison decides.
const jsonEqual = (a: JsonValue, b: JsonValue): boolean => isDeepStrictEqual(a, b);

function ordered(a: JsonValue, b: JsonValue, test: (c: number) => boolean): boolean {
  if (typeof a === "number" && typeof b === "number") return test(a - b);
  if (typeof a === "string" && typeof b === "string") return test(a < b ? -1 : a > b ? 1 : 0);
  return false;
}

function isIn(needle: JsonValue, haystack: JsonValue): boolean {
  if (!Array.isArray(haystack)) return jsonEqual(needle, haystack);
  if (Array.isArray(needle)) return needle.some((n) => haystack.some((h) => jsonEqual(n, h)));
  return haystack.some((h) => jsonEqual(needle, h));
}

function contains(container: JsonValue, part: JsonValue): boolean {
  if (typeof part !== "string") return false;
  if (typeof container === "string") return container.includes(part);
  if (Array.isArray(container)) return container.some((item) => typeof item === "string" && item.includes(part));
  return false;
}

const COMPARISONS: Record<ComparisonOperator, (left: JsonValue, right: JsonValue) => boolean> = {
  "==": jsonEqual,
  "!=": (left, right) => !jsonEqual(left, right),
  "<": (left, right) => ordered(left, right, (c) => c < 0),
  "<=": (left, right) => ordered(left, right, (c) => c <= 0),
  ">": (left, right) => ordered(left, right, (c) => c > 0),
  ">=": (left, right) => ordered(left, right, (c) => c >= 0),
  IN: isIn,
  "NOT IN": (left, right) => !isIn(left, right),
  HAS: (left, right) => isIn(right, left),
  CONTAINS: contains,
};

/** Evaluates a parsed expression. */
export function evaluateNode(node: ExpressionNode, context: EvaluationContext): boolean {
  switch (node.kind) {
    case "and":
      return evaluateNode(node.left, context) && evaluateNode(node.right, context);
    case "or":
      return evaluateNode(node.left, context) || evaluateNode(node.right, context);
    case "not":
      return !evaluateNode(node.operand, context);
    case "comparison":
      return COMPARISONS[node.operator](operandValue(node.left, context), operandValue(node.right, context));
  }
}

// Parsed expressions are cached by text: routing evaluates the same few expressions for every
// task and worker. Bounded so a long-running twin with many distinct expressions stays small.
const parsedCache = new Map<string, ExpressionNode>();
const PARSED_CACHE_LIMIT = 500;

/** Parses (cached) and evaluates `text` against a plain document (task or worker attributes). */
export function evaluateExpression(text: string, document: unknown, scopes?: Record<string, unknown>): boolean {
  let node = parsedCache.get(text);
  if (!node) {
    node = parseExpression(text);
    if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
    parsedCache.set(text, node);
  }
  return evaluateNode(node, { document, scopes });
}
