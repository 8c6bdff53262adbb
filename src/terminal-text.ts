/**
 * The one escaping function for text that reaches a terminal and did not come from us: archive
 * entry names, plugin messages and output, server-given strings. A terminal interprets control
 * characters: ESC[2J clears the screen, a carriage return or cursor movement lets a plugin
 * overwrite "checksum mismatch" with "verified", a right-to-left override reverses what follows.
 *
 * Escaped (shown as `\x1b`, `\x9b`, `\u202e`): C0 controls (newline and tab only when allowed),
 * DEL, C1 controls (0x80–0x9f: 0x9b is an 8-bit CSI), and the bidirectional overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069). Everything else, including non-ASCII text, is kept.
 *
 * Used where text is printed (the logger, the error renderer, the result and note writers, the
 * progress board, host_log): our own colours are added after escaping, so they still work.
 */
const ALWAYS = '\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069';
const KEEP_LINES = new RegExp(`[${ALWAYS}]`, 'gu');
const ONE_LINE = new RegExp(`[${ALWAYS}\\x09\\x0a]`, 'gu');

/**
 * `text` with every terminal control character made visible. `multiline` keeps newlines and
 * tabs (messages, output); without it (log lines, progress lines) they are escaped too, so one
 * entry cannot pass itself off as several.
 */
export function escapeControls(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? KEEP_LINES : ONE_LINE, visible);
}

/** JSON text with the characters JSON leaves raw (DEL, C1, bidi) written as `\u` escapes: still the same JSON. */
export function escapeJsonControls(json: string): string {
  return json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function visible(char: string): string {
  const code = char.codePointAt(0)!;
  if (char === '\n') return '\\n';
  if (char === '\t') return '\\t';
  if (char === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
