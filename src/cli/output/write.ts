/**
 * The two channels of the CLI (ARCHITECTURE "Habits"): stdout carries the command's result —
 * the data a script pipes on — and stderr carries progress, notes and warnings for the person
 * watching. Commands write through these helpers so nothing lands on the wrong one.
 */

/** One result line (or several) on stdout. */
export function writeResult(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A `--json` result: pretty-printed, one document per run, on stdout. */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A note for the person at the terminal (nothing found, skipped, summary), on stderr. */
export function writeNote(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
