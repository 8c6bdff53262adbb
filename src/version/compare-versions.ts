/**
 * Ordering of versions, as proto orders them: calendar before semantic, then the numbers, then
 * the pre-release (a release ranks above its pre-releases; identifiers per semver §11), then the
 * build metadata (none ranks lowest).
 */
import { parseVersion } from './parse-version.js';
import type { Version } from './version-types.js';

export function compareVersions(a: Version, b: Version): number {
  if (a.calendar !== b.calendar) return a.calendar ? -1 : 1;
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    comparePrerelease(a.prerelease, b.prerelease) ||
    compareBuild(a.build, b.build)
  );
}

/** True when both are the same version, build metadata included (as proto's `Version` equality). */
export function sameVersion(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0;
}

/** Sorts a copy; `descending` puts the newest first, as proto lists remote versions. */
export function sortVersions<T extends Version>(versions: readonly T[], order: 'ascending' | 'descending' = 'ascending'): T[] {
  const sign = order === 'ascending' ? 1 : -1;
  return [...versions].sort((a, b) => sign * compareVersions(a, b));
}

/**
 * Compares two strings that should be versions (a manifest's keys, a lock record's version, a
 * plugin's `minimum_proto_version`): two versions in version order; a string that is not a version
 * (an alias such as `canary`, or junk) ranks above every version; two such strings in code-unit
 * order, so that a sort is total and stable across runs. The one comparator of version strings.
 */
export function compareVersionStrings(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (left && right) return compareVersions(left, right);
  if (left || right) return left ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts version strings (a copy). Strings that are not versions keep their relative order and
 * go last, so untrusted lists from plugins can be sorted without failing.
 */
export function sortVersionStrings(versions: readonly string[], order: 'ascending' | 'descending' = 'ascending'): string[] {
  const parsed = versions.map((text) => ({ text, version: parseVersion(text) }));
  const valid = parsed.filter((entry): entry is { text: string; version: Version } => entry.version !== undefined);
  const invalid = parsed.filter((entry) => entry.version === undefined);
  const sign = order === 'ascending' ? 1 : -1;
  valid.sort((a, b) => sign * compareVersions(a.version, b.version));
  return [...valid, ...invalid].map((entry) => entry.text);
}

/** Negative when `a` ranks below `b`. A version without a pre-release ranks above one with. */
export function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return compareIdentifiers(a, b, compareNumericIdentifiers);
}

/** Negative when `a` ranks below `b`. No build metadata ranks below any build metadata. */
export function compareBuild(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  // Builds also order leading zeros: 0 < 00 < 1 < 01 < 2.
  return compareIdentifiers(a, b, (x, y) => compareNumericIdentifiers(trimZeros(x), trimZeros(y)) || x.length - y.length);
}

function compareIdentifiers(a: string, b: string, compareNumbers: (x: string, y: string) => number): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index]!;
    const y = right[index]!;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    let order: number;
    if (xNumeric && yNumeric) order = compareNumbers(x, y);
    else if (xNumeric !== yNumeric) order = xNumeric ? -1 : 1;
    else order = x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** Digit strings of any length, compared as numbers without converting them. */
function compareNumericIdentifiers(x: string, y: string): number {
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

function trimZeros(digits: string): string {
  return digits.replace(/^0+/, '');
}
