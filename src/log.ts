/**
 * The process-wide logger: leveled lines on stderr (stdout is for data).
 *
 * The level comes from `--log <level>` (the CLI calls `setLogLevel`) or `PROTO_LOG`; default `info`.
 * Plugin logs arrive here too, tagged with their target (`plugin:<id>`), so `--log trace` shows them.
 */
import { escapeControls } from './terminal-text.js';

export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `verbose` (proto 0.60) is trace plus the noisiest detail (request headers, every cache look-up). */
const rank: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5, verbose: 6 };

function levelFromEnv(): LogLevel {
  const value = process.env.PROTO_LOG?.toLowerCase();
  return value && (LOG_LEVELS as readonly string[]).includes(value) ? (value as LogLevel) : 'info';
}

let current: LogLevel = levelFromEnv();
type Sink = (line: string) => void;
let sink: Sink = (line) => process.stderr.write(`${line}\n`);

export function setLogLevel(level: LogLevel): void {
  current = level;
}

export function getLogLevel(): LogLevel {
  return current;
}

/** Redirects log lines (tests capture them; the default writes to stderr). Returns the previous sink. */
export function setLogSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

export function isLogEnabled(level: Exclude<LogLevel, 'off'>): boolean {
  return rank[level] <= rank[current];
}

export function log(level: Exclude<LogLevel, 'off'>, target: string, message: string): void {
  if (!isLogEnabled(level)) return;
  // Messages carry archive names, plugin text and URLs: one line each, nothing a terminal runs.
  sink(`[${level.toUpperCase().padEnd(5)} ${escapeControls(target)}] ${escapeControls(message)}`);
}
