/**
 * A record with its keys in code-point order, for output that must not change from run to run.
 * Not `localeCompare`: its first call loads ICU's collator (about 8 ms of a command's start-up),
 * and keys here are ids and alias names.
 */
export function sortedByKey<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodePoint(a, b)));
}

/** Orders ids and names by code point, for the same reason (`proto install` of several tools lost ~7 ms to the collator). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
