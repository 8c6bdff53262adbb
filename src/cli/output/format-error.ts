/**
 * How an error reads for people, wherever it is printed (the CLI's renderer in main.ts, and the
 * per-tool failures of `proto install`): `error[<code>]: <message>`, then `hint: …`.
 */
import { err } from './colors.js';

export function formatErrorReport(report: { code: string; message: string; hint?: string }, indent = ''): string {
  const palette = err();
  const lines = [`${indent}${palette.error(`error[${report.code}]`)}: ${report.message}`];
  if (report.hint) lines.push(`${indent}${palette.bold('hint')}: ${report.hint}`);
  return `${lines.join('\n')}\n`;
}
