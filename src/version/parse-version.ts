/**
 * Fully qualified versions: `1.2.3`, `v1.2.3`, `1.2.3-rc.1+build`, and calendar versions
 * `2024-02-26`, `2024-02`, `24-2-26` (short years count from 2000). Input is untrusted text
 * from config files, env vars, version files and plugin output; anything that does not match
 * is `undefined`, never a guess.
 */
import type { Version } from './version-types.js';

/** Pre-release and build identifiers: what proto's grammar accepts (`alnum`, then `alnum - _ .`). */
export const IDENTIFIER = '[0-9A-Za-z][0-9A-Za-z._-]*';
/** A pre-release after a partial or calendar version must start with a letter, so `2024-02` stays a month. */
export const LETTER_IDENTIFIER = '[A-Za-z][0-9A-Za-z._-]*';

const SEMVER = new RegExp(`^(\\d+)\\.(\\d+)\\.(\\d+)(?:-(${IDENTIFIER}))?(?:\\+(${IDENTIFIER}))?$`);
const CALVER = new RegExp(
  `^(\\d{2,4})-(0?[1-9]|1[0-2])(?:-(0?[1-9]|[12]\\d|3[01]))?(?:-(${LETTER_IDENTIFIER}))?(?:\\+(${IDENTIFIER}))?$`,
);

/** Drops the `v`/`V` of `v1.2.3`; a `v` not followed by a digit is part of a word (an alias). */
export function stripVersionPrefix(text: string): string {
  return /^[vV]\d/.test(text) ? text.slice(1) : text;
}

/** Two- and three-digit calendar years are relative to 2000, as in proto (`24-02` is `2024-02`). */
export function calendarYear(digits: string): number {
  const year = Number(digits);
  return digits.length < 4 ? year + 2000 : year;
}

/** A version number part, or undefined when it is too large to compare exactly. */
export function toPart(digits: string): number | undefined {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function parseVersion(input: string): Version | undefined {
  const text = stripVersionPrefix(input.trim());
  return parseSemanticVersion(text) ?? parseCalendarVersion(text);
}

function parseSemanticVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  const [, majorText, minorText, patchText, prerelease, build] = match;
  const major = toPart(majorText!);
  const minor = toPart(minorText!);
  const patch = toPart(patchText!);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return withSuffixes({ calendar: false, major, minor, patch }, prerelease, build);
}

function parseCalendarVersion(text: string): Version | undefined {
  const match = CALVER.exec(text);
  if (!match) return undefined;
  const [, year, month, day, prerelease, build] = match;
  return withSuffixes(
    { calendar: true, major: calendarYear(year!), minor: Number(month), patch: day === undefined ? 0 : Number(day) },
    prerelease,
    build,
  );
}

/** Leaves absent suffixes out entirely, so parsed values compare equal with `deepEqual`. */
function withSuffixes(version: Version, prerelease: string | undefined, build: string | undefined): Version {
  return {
    ...version,
    ...(prerelease === undefined ? {} : { prerelease }),
    ...(build === undefined ? {} : { build }),
  };
}
