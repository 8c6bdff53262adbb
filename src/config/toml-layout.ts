/**
 * Where things are in a TOML text, for editing it in place: table headers, key/value statements
 * with the offsets of their lines and values, and inline tables with their braces. Read from the
 * concrete syntax tree of `toml-eslint-parser` (every node carries its source range); only ever
 * run on text that smol-toml has already accepted. A text the tree parser refuses throws
 * `TomlLayoutError`, and the editor then reports that it cannot edit the file safely.
 */
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';

export class TomlLayoutError extends Error {}

export interface KeyStatement {
  /** The key as written, decoded, relative to its section (`"asdf:zig"` → [asdf:zig]; `a.b` → [a, b]). */
  keyPath: string[];
  /** Offset of the statement's first line. */
  start: number;
  /** Offset just past the line terminator of its last line (or the end of the text). */
  end: number;
  valueStart: number;
  valueEnd: number;
}

export interface TomlSection {
  /** Undefined for the root (the statements before the first header). */
  header: string[] | undefined;
  /** `[[array.of.tables]]`. */
  arrayTable: boolean;
  /** Offset of the header line (0 for the root). */
  start: number;
  /** Offset just past the header line (== start for the root). */
  bodyStart: number;
  statements: KeyStatement[];
}

/** `{ a = 1, b.c = "x" }` outside any array: a table that can only grow between its braces. */
export interface InlineTable {
  /** Full key path of the table. */
  path: string[];
  /** Offsets of `{` and `}`. */
  open: number;
  close: number;
  entries: InlineEntry[];
}

export interface InlineEntry {
  /** Full key path of the entry. */
  path: string[];
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
}

export interface TomlLayout {
  sections: TomlSection[];
  inlineTables: InlineTable[];
  /** `\r\n` when the text uses it, else `\n`. */
  eol: string;
  /** Where a file's first line starts: 1 after a byte-order mark. */
  textStart: number;
}

export function scanTomlLayout(text: string): TomlLayout {
  const textStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let program: AST.TOMLProgram;
  try {
    // The parser does not accept a byte-order mark; a space keeps every offset where it was.
    program = parseTOML(textStart ? ` ${text.slice(1)}` : text);
  } catch (error) {
    throw new TomlLayoutError((error as Error).message);
  }
  const root: TomlSection = { header: undefined, arrayTable: false, start: textStart, bodyStart: textStart, statements: [] };
  const sections = [root];
  const inlineTables: InlineTable[] = [];
  const lineOf = (pos: number) => Math.max(textStart, lineStart(text, pos));
  /** Keys under [[array.of.tables]] belong to one element and are never edited: no inline tables. */
  const statement = (node: AST.TOMLKeyValue, header: string[] | undefined): KeyStatement => {
    const keyPath = keyNames(node.key);
    if (header) collectInlineTables(node.value, [...header, ...keyPath], inlineTables);
    return { keyPath, start: lineOf(node.range[0]), end: afterLine(text, node.range[1]), valueStart: node.value.range[0], valueEnd: node.value.range[1] };
  };
  for (const node of program.body[0]?.body ?? []) {
    if (node.type === 'TOMLKeyValue') {
      root.statements.push(statement(node, []));
      continue;
    }
    const header = keyNames(node.key);
    const arrayTable = node.kind === 'array';
    sections.push({
      header,
      arrayTable,
      start: lineOf(node.range[0]),
      bodyStart: afterLine(text, node.key.range[1]),
      statements: node.body.map((child) => statement(child, arrayTable ? undefined : header)),
    });
  }
  return { sections, inlineTables, eol: text.includes('\r\n') ? '\r\n' : '\n', textStart };
}

function collectInlineTables(value: AST.TOMLContentNode, path: string[], out: InlineTable[]): void {
  if (value.type !== 'TOMLInlineTable') return;
  const entries = value.body.map((entry) => {
    const entryPath = [...path, ...keyNames(entry.key)];
    collectInlineTables(entry.value, entryPath, out);
    return { path: entryPath, start: entry.range[0], end: entry.range[1], valueStart: entry.value.range[0], valueEnd: entry.value.range[1] };
  });
  out.push({ path, open: value.range[0], close: value.range[1] - 1, entries });
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((part) => (part.type === 'TOMLBare' ? part.name : part.value));
}

/** Start of the line holding `pos`. */
function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Past the end of the line holding `pos`, terminator included. */
function afterLine(text: string, pos: number): number {
  const newline = text.indexOf('\n', pos);
  return newline === -1 ? text.length : newline + 1;
}

/** A key as TOML text: bare when it can be, else a basic string. */
export function formatTomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : formatTomlString(key);
}

/** A basic string with the escapes TOML requires. */
export function formatTomlString(value: string): string {
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
    }
  });
  return `"${escaped}"`;
}
