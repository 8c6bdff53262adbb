/**
 * The two channels of the CLI (ARCHITECTURE "Habits"): stdout carries the command's result —
 * the data a script pipes on — and stderr carries progress, notes and warnings for the person
 * watching. Commands write through these helpers so nothing lands on the wrong one.
 */

import { escapeControls, escapeJsonControls } from '../../terminal-text.js';
import { writeStderr, writeStdout } from './stdout.js';

/** One result line (or several) on stdout; control characters escaped (versions and names come from plugins). */
export function writeResult(text: string): void {
  const safe = escapeControls(text, { multiline: true });
  writeStdout(safe.endsWith('\n') ? safe : `${safe}\n`);
}

let jsonWritten = false;

/** A `--json` result: pretty-printed, one document per run, on stdout. */
export function writeJson(value: unknown): void {
  jsonWritten = true;
  writeStdout(`${escapeJsonControls(JSON.stringify(value, null, 2))}\n`);
}

/**
 * Whether this run already printed its JSON document: a command that reports per-item failures
 * in its result (install of every tool) and then fails keeps stdout to that one document.
 */
export function wasJsonWritten(): boolean {
  return jsonWritten;
}

/** A note for the person at the terminal (nothing found, skipped, summary), on stderr. */
export function writeNote(text: string): void {
  const safe = escapeControls(text, { multiline: true });
  writeStderr(safe.endsWith('\n') ? safe : `${safe}\n`);
}
