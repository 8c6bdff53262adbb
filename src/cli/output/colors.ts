/**
 * Colours for people at a terminal: tool ids, versions, paths, errors. Decided once per stream:
 * `NO_COLOR` (any non-empty value) turns them off, `FORCE_COLOR` (non-empty, not `0`) turns them
 * on, otherwise a TTY whose TERM is not `dumb` gets them. Pipes, files and CI logs stay plain.
 * JSON output never goes through here.
 */
import { stdoutTerminal } from './stdout.js';

type Stream = { isTTY?: boolean };

export function colorEnabled(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** SGR codes: [open, close]. */
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

type StyleName = keyof typeof STYLES;

function paint(enabled: boolean, text: string, ...names: StyleName[]): string {
  if (!enabled || text === '') return text;
  let open = '';
  let close = '';
  for (const name of names) {
    const [start, end] = STYLES[name];
    open += `\x1b[${start}m`;
    close = `\x1b[${end}m${close}`;
  }
  return `${open}${text}${close}`;
}

/** The palette of one stream: what each kind of value looks like there. */
export interface Palette {
  readonly enabled: boolean;
  tool(text: string): string;
  version(text: string): string;
  path(text: string): string;
  error(text: string): string;
  warn(text: string): string;
  success(text: string): string;
  muted(text: string): string;
  bold(text: string): string;
}

export function paletteFor(stream: Stream, env: NodeJS.ProcessEnv = process.env): Palette {
  const enabled = colorEnabled(stream, env);
  return {
    enabled,
    tool: (text) => paint(enabled, text, 'magenta'),
    version: (text) => paint(enabled, text, 'cyan'),
    path: (text) => paint(enabled, text, 'cyan'),
    error: (text) => paint(enabled, text, 'red', 'bold'),
    warn: (text) => paint(enabled, text, 'yellow'),
    success: (text) => paint(enabled, text, 'green'),
    muted: (text) => paint(enabled, text, 'dim'),
    bold: (text) => paint(enabled, text, 'bold'),
  };
}

let stdoutPalette: Palette | undefined;
let stderrPalette: Palette | undefined;

/** Colours for results on stdout. */
export function out(): Palette {
  return (stdoutPalette ??= paletteFor(stdoutTerminal()));
}

/** Colours for errors, warnings and notes on stderr. */
export function err(): Palette {
  return (stderrPalette ??= paletteFor(process.stderr));
}

/** Removes SGR sequences, for measuring the visible width of a painted cell. */
export function stripColors(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
