/**
 * proto plugins put style tags in their messages (`<url>…</url>`, `<id>`, `<file>`, ...) and
 * sometimes escaped newlines. We render the tags as ANSI colors on a color terminal and strip them
 * otherwise, so users never see raw markup.
 */
const STYLES: Record<string, string> = {
  caution: '31',
  failure: '31',
  invalid: '33',
  success: '32',
  file: '36',
  path: '36',
  url: '34;4',
  shell: '35',
  id: '35',
  label: '1',
  property: '34',
  symbol: '33',
  version: '32',
  hash: '32',
  muted: '90',
  mutedlight: '37',
};

const TAG = /<(\/?)([a-z_]+)>/g;

/** Replaces `<tag>text</tag>` with colored text (`color: true`) or plain text, and unescapes newlines. */
export function applyStyleTags(message: string, color: boolean): string {
  const unescaped = message.replace(/\\\\n|\\n/g, '\n');
  return unescaped.replace(TAG, (whole, closing: string, name: string) => {
    const code = STYLES[name];
    if (code === undefined) return whole; // not a style tag (e.g. `<none>` in a shell snippet)
    if (!color) return '';
    return closing ? '\x1b[0m' : `\x1b[${code}m`;
  });
}

export function shouldColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}
