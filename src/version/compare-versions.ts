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
 * plugin's version, a listing's entries): the one order of version strings. Two versions in
 * version order. A string that is not a version ranks below every version, as proto's
 * `VersionSpec` orders its kinds (canary, then aliases, then calendar, then semantic): so a
 * listing newest-first ends with `canary`, `nightly` or junk, and an ascending manifest starts
 * with them, as proto's BTreeSet keeps them. Among non-versions `canary` ranks lowest, the rest
 * in code-unit order, so that a sort is total and the same on every run.
 */
export function compareVersionStrings(a: string, b: string): number {
  return compareParsed({ text: a, version: parseVersion(a) }, { text: b, version: parseVersion(b) });
}

/**
 * Sorts version strings (a copy) by compareVersionStrings, `descending` putting the newest first.
 * Each string is parsed once (remote lists hold thousands); untrusted lists from plugins sort
 * without failing.
 */
export function sortVersionStrings(versions: readonly string[], order: 'ascending' | 'descending' = 'ascending'): string[] {
  const sign = order === 'ascending' ? 1 : -1;
  return versions
    .map((text) => ({ text, version: parseVersion(text) }))
    .sort((a, b) => sign * compareParsed(a, b))
    .map((entry) => entry.text);
}

interface ParsedString {
  text: string;
  version: Version | undefined;
}

function compareParsed(a: ParsedString, b: ParsedString): number {
  if (a.version && b.version) return compareVersions(a.version, b.version);
  if (a.version || b.version) return a.version ? 1 : -1;
  if ((a.text === 'canary') !== (b.text === 'canary')) return a.text === 'canary' ? -1 : 1;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
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
