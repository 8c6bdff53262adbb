/**
 * Edits one string value in a TOML text and leaves every other byte alone: comments, blank
 * lines, key order, quoting, line endings. Pure (text in, text out).
 *
 * How: a line-based edit for the usual shapes (a `key = "value"` line in the right table, a new
 * line after the table's last key, a new `[table]` after its parent), then a check that the result
 * parses to exactly the original document plus the change. When the line-based edit cannot place
 * the key (an inline table, say) or the check fails, `@decimalturn/toml-patch` patches the
 * document structurally instead, and the same check applies. Nothing unverified is returned.
 */
import { parse as parseForPatch, patch } from '@decimalturn/toml-patch';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'smol-toml';
import { ProtoError } from '../errors.js';
import { isTable } from './read-toml.js';
import { formatTomlKey, formatTomlString, scanTomlLayout, TomlLayoutError, type TomlLayout, type TomlSection } from './toml-layout.js';

type TableObject = Record<string, unknown>;

/**
 * Sets `[table...] key = "value"`, creating the table when needed. `text` must be valid TOML
 * (callers check it first, to report the file's name); throws `config.edit_failed` when no
 * verified edit exists, e.g. when a part of `table` is not a table.
 */
export function setTomlString(text: string, table: readonly string[], key: string, value: string): string {
  const expected = parse(text) as TableObject;
  setIn(expected, table, key, value);
  const candidates = [() => setByLines(text, table, key, value), () => patchDocument(text, (doc) => setIn(doc, table, key, value))];
  return firstVerified(candidates, expected, table, key);
}

/** Removes `[table...] key`; undefined when the document has no such key. `text` must be valid TOML. */
export function removeTomlKey(text: string, table: readonly string[], key: string): string | undefined {
  const expected = parse(text) as TableObject;
  if (!deleteIn(expected, table, key)) return undefined;
  const candidates = [() => removeByLines(text, table, key), () => patchDocument(text, (doc) => deleteIn(doc, table, key))];
  return firstVerified(candidates, expected, table, key);
}

function firstVerified(
  candidates: readonly (() => string | undefined)[],
  expected: TableObject,
  table: readonly string[],
  key: string,
): string {
  for (const candidate of candidates) {
    let result: string | undefined;
    try {
      result = candidate();
    } catch (error) {
      if (error instanceof TomlLayoutError || !(error instanceof ProtoError)) continue;
      throw error;
    }
    if (result !== undefined && parsesTo(result, expected)) return result;
  }
  throw new ProtoError('config.edit_failed', `Could not edit ${[...table, key].join('.')} without changing other settings`, {
    hint: 'Edit the .prototools file by hand.',
  });
}

function parsesTo(text: string, expected: TableObject): boolean {
  try {
    return isDeepStrictEqual(parse(text), expected);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- line-based edits

function setByLines(text: string, table: readonly string[], key: string, value: string): string | undefined {
  const layout = scanTomlLayout(text);
  const existing = findStatement(layout, [...table, key]);
  if (existing) {
    if (!existing.replaceable) return undefined;
    return text.slice(0, existing.valueStart) + formatLike(text[existing.valueStart], value) + text.slice(existing.valueEnd);
  }
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

function removeByLines(text: string, table: readonly string[], key: string): string | undefined {
  const statement = findStatement(scanTomlLayout(text), [...table, key]);
  return statement && text.slice(0, statement.start) + text.slice(statement.end);
}

function findStatement(layout: TomlLayout, path: readonly string[]) {
  for (const section of layout.sections) {
    if (section.arrayTable) continue;
    const header = section.header ?? [];
    const statement = section.statements.find((candidate) => samePath([...header, ...candidate.keyPath], path));
    if (statement) return statement;
  }
  return undefined;
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

// ---------------------------------------------------------------- structural fallback

function patchDocument(text: string, change: (document: TableObject) => unknown): string {
  const document = parseForPatch(text) as TableObject;
  change(document);
  return patch(text, document);
}

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
