/**
 * Property test of the in-place TOML editor: on generated `.prototools`-shaped documents (comments
 * everywhere, both quote styles, dotted keys, inline tables, arrays, multi-line strings, CRLF, a
 * byte-order mark, no final newline), every pin/unpin/alias edit must change only the bytes it
 * owns and keep every comment it did not remove with its key:
 * - replacing a value: the text before and after the value is unchanged, the new value is one line;
 * - adding a key: a pure insertion, with no comment in it;
 * - removing a key: exactly its lines (or its entry and one comma in an inline table) go.
 * The expected places are found here from the syntax tree, independently of the editor's code.
 * A failure prints the seed and the document.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { parseTOML, type AST } from 'toml-eslint-parser';
import { removeTomlKey, setTomlString } from '../../../src/config/index.js';

/** mulberry32: a small seeded generator, so every failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof random>;

const IDS = ['node', 'npm', 'bun', 'deno', 'asdf:zig', 'go', 'my.tool'];
const ALIASES = ['work', 'home', 'lts-ish', 'ci', 'a.b'];
const SPECS = ['20', '~22', '^1.2.3', 'lts', '1.2.3-rc.1', "it's", 'a "quoted" \\ value', 'ünïcode'];

let commentCounter = 0;
const comment = (r: Random) => `# c${commentCounter++}${r.pick(['', ' node = "x"', ' [tools.fake]', ' — ünïcode', ' #'])}`;
const key = (id: string) => (/^[A-Za-z0-9_-]+$/.test(id) ? id : JSON.stringify(id));
function stringValue(r: Random, value: string): string {
  return !/['\n]/.test(value) && r.chance(0.3) ? `'${value}'` : JSON.stringify(value);
}
const space = (r: Random) => r.pick(['', ' ', '   ', '\t']);
const trailing = (r: Random) => (r.chance(0.4) ? `${space(r)} ${comment(r)}` : '');
function blankOrComments(r: Random): string[] {
  const lines: string[] = [];
  for (let i = r.int(3); i > 0; i--) lines.push(r.chance(0.5) ? '' : comment(r));
  return lines;
}

/** A valid TOML document in the shapes `.prototools` files take. */
function generateDocument(r: Random): string {
  const lines: string[] = [...blankOrComments(r)];
  const pinned = IDS.filter(() => r.chance(0.4));
  for (const id of pinned) {
    lines.push(...blankOrComments(r));
    lines.push(`${space(r)}${key(id)}${space(r)}=${space(r)}${stringValue(r, r.pick(SPECS))}${trailing(r)}`);
  }
  if (r.chance(0.3)) lines.push('notes = """', 'node = "not a pin"', '[tools.node.aliases]', '"""');
  for (const id of IDS.filter(() => r.chance(0.5))) {
    lines.push(...blankOrComments(r), `[tools.${key(id)}]${trailing(r)}`);
    if (r.chance(0.5)) lines.push(`dist-url = "https://mirror/{file}"${trailing(r)}`);
    const style = r.pick(['section', 'dotted', 'inline', 'inline', 'none'] as const);
    const aliases = ALIASES.filter(() => r.chance(0.4));
    if (style === 'dotted') for (const alias of aliases) lines.push(`aliases.${key(alias)} = ${stringValue(r, r.pick(SPECS))}${trailing(r)}`);
    if (style === 'inline') {
      const entries = aliases.map((alias) => `${key(alias)} = ${stringValue(r, r.pick(SPECS))}`);
      lines.push(`aliases = {${entries.length ? ` ${entries.join(', ')} ` : r.pick(['', ' '])}}${trailing(r)}`);
    }
    if (r.chance(0.3)) lines.push(`bundled = true${trailing(r)}`);
    if (style === 'section') {
      lines.push(...blankOrComments(r), `[tools.${key(id)}.aliases]${trailing(r)}`);
      for (const alias of aliases) lines.push(...blankOrComments(r), `${key(alias)} = ${stringValue(r, r.pick(SPECS))}${trailing(r)}`);
    }
  }
  if (r.chance(0.5)) {
    lines.push(...blankOrComments(r), '[settings]', `auto-install = true${trailing(r)}`, 'when = 2024-01-01');
    if (r.chance(0.5)) lines.push('list = [', `  "a", ${comment(r)}`, '  "b",', ']');
  }
  if (r.chance(0.3)) lines.push('[[hooks]]', 'node = "in an array table"', ...blankOrComments(r));
  const eol = r.chance(0.3) ? '\r\n' : '\n';
  const text = lines.join(eol) + (r.chance(0.8) ? eol : '');
  return (r.chance(0.1) ? '\uFEFF' : '') + text;
}

// ---------------------------------------------------------------- independent lookups

const treeOf = (text: string) => parseTOML(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
const names = (node: AST.TOMLKey) => node.keys.map((part) => (part.type === 'TOMLBare' ? part.name : part.value));
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((part, i) => part === b[i]);

interface Located {
  node: AST.TOMLKeyValue;
  /** Set when the key is an entry of an inline table. */
  inline?: { table: AST.TOMLInlineTable; index: number };
}

function locate(text: string, path: readonly string[]): Located | undefined {
  const search = (entries: AST.TOMLKeyValue[], prefix: string[], inline?: AST.TOMLInlineTable): Located | undefined => {
    for (const [index, node] of entries.entries()) {
      const full = [...prefix, ...names(node.key)];
      if (same(full, path)) return { node, inline: inline && { table: inline, index } };
      if (node.value.type === 'TOMLInlineTable') {
        const found = search(node.value.body, full, node.value);
        if (found) return found;
      }
    }
    return undefined;
  };
  for (const node of treeOf(text).body[0]!.body) {
    const found =
      node.type === 'TOMLKeyValue' ? search([node], []) : node.kind === 'standard' ? search(node.body, names(node.key)) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** The spans whose removal is an acceptable way to remove `located`. */
function removalSpans(text: string, { node, inline }: Located): Array<[number, number]> {
  if (!inline) {
    const start = Math.max(text.charCodeAt(0) === 0xfeff ? 1 : 0, text.lastIndexOf('\n', node.range[0] - 1) + 1);
    const newline = text.indexOf('\n', node.range[1]);
    return [[start, newline === -1 ? text.length : newline + 1]];
  }
  const { table, index } = inline;
  const next = table.body[index + 1];
  const previous = table.body[index - 1];
  const spans: Array<[number, number]> = [];
  if (next) spans.push([node.range[0], next.range[0]]);
  if (previous) spans.push([previous.range[1], node.range[1]]);
  if (!next && !previous) spans.push([table.range[0] + 1, table.range[1] - 1]);
  return spans;
}

const commentsOf = (text: string) => treeOf(text).comments.map((c) => ({ value: c.value, start: c.range[0], end: c.range[1] }));

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
function commonSuffix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i < limit && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

// ---------------------------------------------------------------- the property

type Edit = { kind: 'set'; table: string[]; key: string; value: string } | { kind: 'remove'; table: string[]; key: string };

function randomEdit(r: Random): Edit {
  const id = r.pick(IDS);
  const alias = r.chance(0.7);
  const table = alias ? ['tools', id, 'aliases'] : [];
  const key = alias ? r.pick(ALIASES) : id;
  return r.chance(0.6) ? { kind: 'set', table, key, value: r.pick(SPECS) } : { kind: 'remove', table, key };
}

type Outcome = 'replaced' | 'inserted' | 'removed lines' | 'removed inline entry' | 'nothing to remove';

function checkEdit(text: string, edit: Edit): Outcome {
  const path = [...edit.table, edit.key];
  const located = locate(text, path);
  if (edit.kind === 'remove') {
    const result = removeTomlKey(text, edit.table, edit.key);
    if (!located) {
      assert.equal(result, undefined, 'removing a missing key changes nothing');
      return 'nothing to remove';
    }
    assert.ok(result !== undefined, 'the key exists, so it is removed');
    const spans = removalSpans(text, located);
    const span = spans.find(([start, end]) => result === text.slice(0, start) + text.slice(end));
    assert.ok(span, `exactly the key's ${located.inline ? 'inline entry' : 'lines'} went`);
    const kept = commentsOf(text).filter((c) => c.end <= span[0] || c.start >= span[1]);
    assert.deepEqual(commentsOf(result).map((c) => c.value), kept.map((c) => c.value), 'every other comment is kept');
    return located.inline ? 'removed inline entry' : 'removed lines';
  }
  const result = setTomlString(text, edit.table, edit.key, edit.value);
  assert.equal((path.reduce<unknown>((table, part) => (table as Record<string, unknown>)[part], parse(result))), edit.value);
  if (located) {
    const [valueStart, valueEnd] = located.node.value.range;
    assert.ok(result.startsWith(text.slice(0, valueStart)), 'everything before the value is unchanged');
    assert.ok(result.endsWith(text.slice(valueEnd)), 'everything after the value is unchanged');
    const written = result.slice(valueStart, result.length - (text.length - valueEnd));
    assert.doesNotMatch(written, /[\r\n#]/, 'the new value is one line without a comment');
  } else {
    const prefix = commonPrefix(text, result);
    const suffix = commonSuffix(text, result, Math.min(text.length, result.length) - prefix);
    assert.equal(prefix + suffix, text.length, 'a new key is a pure insertion');
    assert.doesNotMatch(result.slice(prefix, result.length - suffix), /#/, 'the insertion holds no comment');
  }
  assert.deepEqual(commentsOf(result).map((c) => c.value), commentsOf(text).map((c) => c.value), 'every comment is kept');
  return located ? 'replaced' : 'inserted';
}

describe('TOML edits keep every byte and comment they do not touch (property)', () => {
  it('holds for 300 generated documents × 6 edits each', () => {
    const baseSeed = Number(process.env.TOML_PROPERTY_SEED ?? 20240102);
    const outcomes: Record<string, number> = {};
    for (let n = 0; n < 300; n++) {
      const seed = baseSeed + n;
      const r = random(seed);
      let text = generateDocument(r);
      parse(text); // the generator makes valid TOML
      for (let step = 0; step < 6; step++) {
        const edit = randomEdit(r);
        try {
          const outcome = checkEdit(text, edit);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        } catch (error) {
          (error as Error).message += `\n  seed ${seed}, step ${step}, edit ${JSON.stringify(edit)}\n  document:\n${JSON.stringify(text)}`;
          throw error;
        }
        // Chain edits: each works on the previous result.
        text = edit.kind === 'set' ? setTomlString(text, edit.table, edit.key, edit.value) : (removeTomlKey(text, edit.table, edit.key) ?? text);
      }
    }
    // Every kind of edit was exercised, many times.
    for (const outcome of ['replaced', 'inserted', 'removed lines', 'removed inline entry', 'nothing to remove']) {
      assert.ok((outcomes[outcome] ?? 0) >= 15, `${outcome}: ${outcomes[outcome] ?? 0} times`);
    }
  });
});
