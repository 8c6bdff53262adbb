/**
 * Plain-text columns for human output: every column but the last is padded to its widest cell,
 * so lists line up without a table library. Cells may be coloured (see colors.ts): widths count
 * visible characters only, so a pipe (no colours) and a terminal line up the same.
 */
import { stripColors } from './colors.js';

export function formatColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, stripColors(cell).length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - stripColors(cell).length)))
      .join(gap)
      .trimEnd(),
  );
}
