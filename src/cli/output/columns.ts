/**
 * Plain-text columns for human output: every column but the last is padded to its widest cell,
 * so lists line up without a table library. No colours: output stays the same in a pipe.
 */
export function formatColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join(gap)
      .trimEnd(),
  );
}
