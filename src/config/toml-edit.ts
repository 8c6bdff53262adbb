/**
 * Edits one string value in a TOML text and leaves every other byte alone: comments, blank
 * lines, key order, quoting, line endings. Pure (text in, text out).
 *
 * How: the concrete syntax tree (`toml-layout.ts`) says where each table, key and value is; the
 * edit replaces a value in place, removes a key's line (or its entry in an inline table), or adds
 * a line after the table's last key, a dotted key, an entry in an inline table, or a new
 * `[table]` after its parent. Then the result must parse to exactly the original document plus
 * the change; nothing unverified is returned.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'smol-toml';
import { ProtoError } from '../errors.js';
import { isTable } from './read-toml.js';
import { formatTomlKey, formatTomlString, scanTomlLayout, TomlLayoutError, type InlineTable, type TomlLayout, type TomlSection } from './toml-layout.js';

type TableObject = Record<string, unknown>;

/**
 * Sets `[table...] key = "value"`, creating the table when needed. `text` must be valid TOML
 * (callers check it first, to report the file's name); throws `config.edit_failed` when no
 * verified edit exists, e.g. when a part of `table` is not a table.
 */
export function setTomlString(text: string, table: readonly string[], key: string, value: string): string {
  const expected = parse(text) as TableObject;
  setIn(expected, table, key, value);
  return verified(() => setInText(text, table, key, value), expected, table, key);
}

/** Removes `[table...] key`; undefined when the document has no such key. `text` must be valid TOML. */
export function removeTomlKey(text: string, table: readonly string[], key: string): string | undefined {
  const expected = parse(text) as TableObject;
  if (!deleteIn(expected, table, key)) return undefined;
  return verified(() => removeFromText(text, table, key), expected, table, key);
}

function verified(edit: () => string | undefined, expected: TableObject, table: readonly string[], key: string): string {
  let result: string | undefined;
  try {
    result = edit();
  } catch (error) {
    if (!(error instanceof TomlLayoutError)) throw error;
  }
  if (result !== undefined && parsesTo(result, expected)) return result;
  throw new ProtoError('config.edit_failed', `Could not edit ${[...table, key].join('.')} without changing other settings`, {
    hint: 'Edit the .prototools file by hand.',
  });
}

/**
 * Empty tables do not count: removing the last `aliases.x = …` of a section also removes the
 * `aliases` table those dotted keys implied, and no setting reads an empty table differently from
 * a missing one.
 */
function parsesTo(text: string, expected: TableObject): boolean {
  try {
    return isDeepStrictEqual(withoutEmptyTables(parse(text)), withoutEmptyTables(expected));
  } catch {
    return false;
  }
}

function withoutEmptyTables(value: unknown): unknown {
  if (!isTable(value)) return value;
  const result = Object.create(Object.getPrototypeOf(value) as object | null) as TableObject;
  for (const [key, child] of Object.entries(value as TableObject)) {
    const pruned = withoutEmptyTables(child);
    if (isTable(pruned) && Object.keys(pruned as TableObject).length === 0) continue;
    define(result, key, pruned);
  }
  return result;
}

// ---------------------------------------------------------------- edits

function setInText(text: string, table: readonly string[], key: string, value: string): string | undefined {
  const layout = scanTomlLayout(text);
  const existing = findKey(layout, [...table, key]);
  if (existing) {
    return text.slice(0, existing.valueStart) + formatLike(text[existing.valueStart], value) + text.slice(existing.valueEnd);
  }
  // An inline table is closed: a key under it can only go between its braces.
  const inline = longestInlinePrefix(layout, table);
  if (inline) return insertIntoInlineTable(text, inline, [...table.slice(inline.path.length), key], value);
  const line = `${formatTomlKey(key)} = ${formatTomlString(value)}`;
  if (table.length === 0) return insertIntoRoot(text, layout, line);
  const own = layout.sections.find((section) => !section.arrayTable && section.header && samePath(section.header, table));
  if (own) return insertLine(text, layout, endOfLastStatement(own), line);
  // The table may be made of dotted keys in an enclosing section (`[tools.node]` aliases.a = ...).
  for (const section of layout.sections) {
    const header = section.header ?? [];
    if (section.arrayTable || header.length >= table.length || !isPrefix(header, table)) continue;
    const rest = table.slice(header.length);
    const defining = section.statements.filter((statement) => statement.keyPath.length > rest.length && isPrefix(rest, statement.keyPath));
    const last = defining[defining.length - 1];
    if (last) return insertLine(text, layout, last.end, `${[...rest, key].map(formatTomlKey).join('.')} = ${formatTomlString(value)}`);
  }
  const parent = layout.sections.find(
    (section) => !section.arrayTable && section.header && samePath(section.header, table.slice(0, -1)),
  );
  const header = `[${table.map(formatTomlKey).join('.')}]`;
  return insertSection(text, layout, parent ? endOfLastStatement(parent) : text.length, header, line);
}

/** Keeps the user's quoting: a 'literal' string stays literal when the new value allows it. */
function formatLike(opener: string | undefined, value: string): string {
  return opener === "'" && !/['\u0000-\u001f\u007f]/.test(value) ? `'${value}'` : formatTomlString(value);
}

function removeFromText(text: string, table: readonly string[], key: string): string | undefined {
  const found = findKey(scanTomlLayout(text), [...table, key]);
  return found && text.slice(0, found.removeStart) + text.slice(found.removeEnd);
}

/** Where a key's value is, and what to cut to remove the key (its lines, or its inline entry and one comma). */
interface FoundKey {
  valueStart: number;
  valueEnd: number;
  removeStart: number;
  removeEnd: number;
}

function findKey(layout: TomlLayout, path: readonly string[]): FoundKey | undefined {
  for (const section of layout.sections) {
    if (section.arrayTable) continue;
    const header = section.header ?? [];
    const statement = section.statements.find((candidate) => samePath([...header, ...candidate.keyPath], path));
    if (statement) return { ...statement, removeStart: statement.start, removeEnd: statement.end };
  }
  for (const inline of layout.inlineTables) {
    const index = inline.entries.findIndex((entry) => samePath(entry.path, path));
    if (index === -1) continue;
    const entry = inline.entries[index]!;
    const next = inline.entries[index + 1];
    const previous = inline.entries[index - 1];
    // `{ a = 1, b = 2 }`: cut `a = 1, ` or `, b = 2`; the only entry leaves `{}`.
    const [removeStart, removeEnd] = next ? [entry.start, next.start] : previous ? [previous.end, entry.end] : [inline.open + 1, inline.close];
    return { valueStart: entry.valueStart, valueEnd: entry.valueEnd, removeStart, removeEnd };
  }
  return undefined;
}

function longestInlinePrefix(layout: TomlLayout, table: readonly string[]): InlineTable | undefined {
  let best: InlineTable | undefined;
  for (const inline of layout.inlineTables) {
    if (isPrefix(inline.path, table) && (!best || inline.path.length > best.path.length)) best = inline;
  }
  return best;
}

/** Adds `a.b = "v"` as the last entry of an inline table, or its only one: `{ a.b = "v" }`. */
function insertIntoInlineTable(text: string, inline: InlineTable, keyPath: readonly string[], value: string): string {
  const entry = `${keyPath.map(formatTomlKey).join('.')} = ${formatTomlString(value)}`;
  const last = inline.entries[inline.entries.length - 1];
  if (last) return text.slice(0, last.end) + `, ${entry}` + text.slice(last.end);
  const inside = text.slice(inline.open + 1, inline.close);
  return text.slice(0, inline.open + 1) + (inside.length > 0 ? ` ${entry}` : ` ${entry} `) + text.slice(inline.open + 1);
}

function endOfLastStatement(section: TomlSection): number {
  return section.statements[section.statements.length - 1]?.end ?? section.bodyStart;
}

/** A top-level key goes after the last top-level key, else above the first table (and its comments). */
function insertIntoRoot(text: string, layout: TomlLayout, line: string): string {
  const [root, firstTable] = layout.sections;
  if (root!.statements.length > 0) return insertLine(text, layout, endOfLastStatement(root!), line);
  if (!firstTable) return insertLine(text, layout, text.length, line);
  const at = startOfAttachedComments(text, layout, firstTable.start);
  // A blank line after, so the pin does not read as part of the table's leading comment.
  return text.slice(0, at) + line + layout.eol + layout.eol + text.slice(at);
}

function insertLine(text: string, layout: TomlLayout, at: number, line: string): string {
  const finishPreviousLine = at > layout.textStart && text[at - 1] !== '\n' ? layout.eol : '';
  return text.slice(0, at) + finishPreviousLine + line + layout.eol + text.slice(at);
}

function insertSection(text: string, layout: TomlLayout, at: number, header: string, line: string): string {
  const { eol } = layout;
  let block = at > layout.textStart && text[at - 1] !== '\n' ? eol : '';
  if (at > layout.textStart && !lineBeforeIsBlank(text, layout, at)) block += eol;
  block += header + eol + line + eol;
  if (at < text.length && !/^[ \t]*\r?\n/.test(text.slice(at))) block += eol;
  return text.slice(0, at) + block + text.slice(at);
}

/** Moves `at` (a line start) up over the comment lines directly above it. */
function startOfAttachedComments(text: string, layout: TomlLayout, at: number): number {
  while (at > layout.textStart) {
    const previousStart = lineStartBefore(text, layout, at);
    if (!text.slice(previousStart, at).trim().startsWith('#')) break;
    at = previousStart;
  }
  return at;
}

function lineBeforeIsBlank(text: string, layout: TomlLayout, at: number): boolean {
  return text.slice(lineStartBefore(text, layout, at), at).trim() === '';
}

/** Start of the line that ends just before `at` (a line start). */
function lineStartBefore(text: string, layout: TomlLayout, at: number): number {
  const newline = text.lastIndexOf('\n', at - 2);
  return Math.max(layout.textStart, newline + 1);
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index]);
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => part === path[index]);
}

// ---------------------------------------------------------------- the expected document

/** Sets a key, creating tables on the way; `defineProperty` keeps `__proto__` a plain key. */
function setIn(document: TableObject, table: readonly string[], key: string, value: string): void {
  let current = document;
  for (const [index, part] of table.entries()) {
    const next = Object.hasOwn(current, part) ? current[part] : undefined;
    if (next === undefined) {
      // Same prototype as the parent, so a created table compares equal to a parsed one.
      const created = Object.create(Object.getPrototypeOf(current) as object | null) as TableObject;
      define(current, part, created);
      current = created;
    } else if (isTable(next)) {
      current = next as TableObject;
    } else {
      throw new ProtoError('config.edit_failed', `Cannot set ${[...table, key].join('.')}: ${table.slice(0, index + 1).join('.')} is not a table`, {
        hint: 'Edit the .prototools file by hand.',
      });
    }
  }
  define(current, key, value);
}

function deleteIn(document: TableObject, table: readonly string[], key: string): boolean {
  let current: unknown = document;
  for (const part of table) {
    if (!isTable(current) || !Object.hasOwn(current, part)) return false;
    current = (current as TableObject)[part];
  }
  if (!isTable(current) || !Object.hasOwn(current, key)) return false;
  delete (current as TableObject)[key];
  return true;
}

function define(target: TableObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
