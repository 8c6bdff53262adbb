/**
 * How an error reads for people, wherever it is printed (the CLI's renderer in main.ts, and the
 * per-tool failures of `proto install`): `error[<code>]: <message>`, then `hint: …`.
 */
import { escapeControls } from '../../terminal-text.js';
import { err } from './colors.js';

export function formatErrorReport(report: { code: string; message: string; hint?: string }, indent = ''): string {
  const palette = err();
  // Messages quote plugins, archives and servers: their control characters are escaped, ours added after.
  const lines = [`${indent}${palette.error(`error[${escapeControls(report.code)}]`)}: ${escapeControls(report.message, { multiline: true })}`];
  if (report.hint) lines.push(`${indent}${palette.bold('hint')}: ${escapeControls(report.hint, { multiline: true })}`);
  return `${lines.join('\n')}\n`;
}
