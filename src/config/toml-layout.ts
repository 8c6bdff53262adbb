/**
 * Where things are in a TOML text, for editing it in place: table headers, and key/value
 * statements with the offsets of their lines and value. Only ever run on text that smol-toml has
 * already accepted, so it can stay small; anything it does not expect throws `TomlLayoutError`
 * and the editor falls back to a structural patch.
 */

export class TomlLayoutError extends Error {}

export interface KeyStatement {
  /** The key as written, decoded (`"asdf:zig"` → `asdf:zig`; `a.b` → [a, b]). */
  keyPath: string[];
  /** Offset of the statement's first line. */
  start: number;
  /** Offset just past the line terminator of its last line (or the end of the text). */
  end: number;
  valueStart: number;
  valueEnd: number;
  /** The value sits on one line and is a string or a plain scalar (safe to replace in place). */
  replaceable: boolean;
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

export interface TomlLayout {
  sections: TomlSection[];
  /** `\r\n` when the text uses it, else `\n`. */
  eol: string;
  /** Where a file's first line starts: 1 after a byte-order mark. */
  textStart: number;
}

export function scanTomlLayout(text: string): TomlLayout {
  const textStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const root: TomlSection = { header: undefined, arrayTable: false, start: textStart, bodyStart: textStart, statements: [] };
  const sections = [root];
  let pos = textStart;
  while (pos < text.length) {
    const lineStart = pos;
    pos = skipBlanks(text, pos);
    const char = text[pos];
    if (char === undefined) break;
    if (char === '\n' || char === '\r' || char === '#') {
      pos = afterLine(text, pos);
      continue;
    }
    if (char === '[') {
      const arrayTable = text[pos + 1] === '[';
      const key = parseKeyPath(text, pos + (arrayTable ? 2 : 1));
      pos = skipBlanks(text, key.end);
      const close = arrayTable ? ']]' : ']';
      if (!text.startsWith(close, pos)) throw new TomlLayoutError(`expected ${close} at ${pos}`);
      pos = endOfStatement(text, pos + close.length);
      sections.push({ header: key.path, arrayTable, start: lineStart, bodyStart: pos, statements: [] });
      continue;
    }
    const key = parseKeyPath(text, pos);
    pos = skipBlanks(text, key.end);
    if (text[pos] !== '=') throw new TomlLayoutError(`expected = at ${pos}`);
    const valueStart = skipBlanks(text, pos + 1);
    const valueEnd = scanValue(text, valueStart);
    const multiline = /[\r\n]/.test(text.slice(valueStart, valueEnd));
    const opener = text[valueStart];
    pos = endOfStatement(text, valueEnd);
    sections[sections.length - 1]!.statements.push({
      keyPath: key.path,
      start: lineStart,
      end: pos,
      valueStart,
      valueEnd,
      replaceable: !multiline && opener !== '[' && opener !== '{',
    });
  }
  return { sections, eol: text.includes('\r\n') ? '\r\n' : '\n', textStart };
}

function skipBlanks(text: string, pos: number): number {
  while (text[pos] === ' ' || text[pos] === '\t') pos++;
  return pos;
}

/** Past the end of the current line, terminator included. */
function afterLine(text: string, pos: number): number {
  const newline = text.indexOf('\n', pos);
  return newline === -1 ? text.length : newline + 1;
}

/** After a value or header: only blanks and a comment may remain on the line. */
function endOfStatement(text: string, pos: number): number {
  pos = skipBlanks(text, pos);
  const char = text[pos];
  if (char !== undefined && char !== '#' && char !== '\n' && char !== '\r') throw new TomlLayoutError(`unexpected text at ${pos}`);
  return afterLine(text, pos);
}

/** `a.b`, `"quoted key".'literal'`, with blanks around dots. */
export function parseKeyPath(text: string, pos: number): { path: string[]; end: number } {
  const path: string[] = [];
  for (;;) {
    pos = skipBlanks(text, pos);
    const char = text[pos];
    if (char === '"') {
      const end = scanBasicString(text, pos);
      path.push(decodeBasicString(text.slice(pos + 1, end - 1)));
      pos = end;
    } else if (char === "'") {
      const end = text.indexOf("'", pos + 1);
      if (end === -1) throw new TomlLayoutError('unterminated literal key');
      path.push(text.slice(pos + 1, end));
      pos = end + 1;
    } else {
      const bare = /^[A-Za-z0-9_-]+/.exec(text.slice(pos, pos + 256));
      if (!bare) throw new TomlLayoutError(`expected a key at ${pos}`);
      path.push(bare[0]);
      pos += bare[0].length;
    }
    const after = skipBlanks(text, pos);
    if (text[after] !== '.') return { path, end: pos };
    pos = after + 1;
  }
}

/** Offset just past the value that starts at `pos`. */
export function scanValue(text: string, pos: number): number {
  if (text.startsWith('"""', pos)) return scanMultilineString(text, pos, '"""', true);
  if (text.startsWith("'''", pos)) return scanMultilineString(text, pos, "'''", false);
  const char = text[pos];
  if (char === '"') return scanBasicString(text, pos);
  if (char === "'") {
    const end = text.indexOf("'", pos + 1);
    if (end === -1) throw new TomlLayoutError('unterminated literal string');
    return end + 1;
  }
  if (char === '[' || char === '{') return scanContainer(text, pos);
  // Numbers, booleans, dates (a date-time may hold one space): up to a comment or the line end.
  let end = pos;
  while (end < text.length && !'#\r\n'.includes(text[end]!)) end++;
  while (end > pos && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return end;
}

function scanBasicString(text: string, pos: number): number {
  for (let index = pos + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index + 1;
  }
  throw new TomlLayoutError('unterminated string');
}

function scanMultilineString(text: string, pos: number, quotes: string, escapes: boolean): number {
  for (let index = pos + 3; index < text.length; index++) {
    if (escapes && text[index] === '\\') {
      index++;
      continue;
    }
    if (text.startsWith(quotes, index)) {
      // Up to two quotes may precede the closing delimiter (`""""` ends with a quote in the value).
      let end = index + 3;
      while (end < index + 5 && text[end] === quotes[0]) end++;
      return end;
    }
  }
  throw new TomlLayoutError('unterminated multi-line string');
}

function scanContainer(text: string, pos: number): number {
  let depth = 0;
  for (let index = pos; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'") {
      index = scanValue(text, index) - 1;
    } else if (char === '#') {
      index = afterLine(text, index) - 1;
    } else if (char === '[' || char === '{') {
      depth++;
    } else if (char === ']' || char === '}') {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  throw new TomlLayoutError('unterminated array or inline table');
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** The content of a `"..."` string without its quotes, escapes decoded. */
export function decodeBasicString(body: string): string {
  return body.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)/g, (match, escape: string) => {
    if (escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    return SIMPLE_ESCAPES[escape] ?? match;
  });
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
