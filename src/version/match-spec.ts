/**
 * Whether a version satisfies a requirement, clause or range, with the cargo-semver rules proto
 * uses (plugin-api §4.2): `~1.2.3` is `>=1.2.3 <1.3.0`, `~1` is `1.x`, `^1.2.3` is `<2.0.0`, `^0.2.3` is
 * `<0.3.0`, `^0.0.3` is `=0.0.3`, and a pre-release version only matches when the requirement
 * itself names a pre-release on the same major.minor.patch (`>=1.2.3-rc.1` admits `1.2.3-rc.2`,
 * never `1.3.0-rc.1`).
 */
import { comparePrerelease, sameVersion } from './compare-versions.js';
import { parseVersion } from './parse-version.js';
import type { RangeClause, Requirement, UnresolvedSpec, Version } from './version-types.js';

export function requirementMatches(requirement: Requirement, version: Version): boolean {
  return matchesOperator(requirement, version) && (version.prerelease === undefined || namesPrereleaseOf(requirement, version));
}

export function clauseMatches(clause: RangeClause, version: Version): boolean {
  const requirements: readonly Requirement[] =
    clause.kind === 'all'
      ? clause.requirements
      : [toRequirement(clause.lower, '>='), toRequirement(clause.upper, '<=')];
  // Every comparator must hold; the pre-release door opens if any comparator names it.
  return (
    requirements.every((requirement) => matchesOperator(requirement, version)) &&
    (version.prerelease === undefined || requirements.some((requirement) => namesPrereleaseOf(requirement, version)))
  );
}

/**
 * Whether `version` satisfies `spec`. An exact version matches only itself; aliases and canary
 * match nothing here (they must be resolved first). An unparsable version string never matches.
 */
export function specMatches(spec: UnresolvedSpec, version: Version | string): boolean {
  const parsed = typeof version === 'string' ? parseVersion(version) : version;
  if (!parsed) return false;
  switch (spec.kind) {
    case 'version':
      return sameVersion(spec.version, parsed);
    case 'requirement':
      return requirementMatches(spec, parsed);
    case 'range':
      return spec.anyOf.some((clause) => clauseMatches(clause, parsed));
    case 'alias':
    case 'canary':
      return false;
  }
}

function toRequirement(version: Version, op: '>=' | '<='): Requirement {
  return {
    calendar: version.calendar,
    op,
    major: version.major,
    minor: version.minor,
    // A calendar version without a day constrains year and month only.
    ...(version.calendar && version.patch === 0 ? {} : { patch: version.patch }),
    ...(version.prerelease === undefined ? {} : { prerelease: version.prerelease }),
  };
}

/** The operator alone, without the pre-release rule. */
function matchesOperator(requirement: Requirement, version: Version): boolean {
  switch (requirement.op) {
    case '=':
    case '*':
      return matchesExactly(requirement, version);
    case '>':
      return isGreater(requirement, version);
    case '>=':
      return matchesExactly(requirement, version) || isGreater(requirement, version);
    case '<':
      return isLess(requirement, version);
    case '<=':
      return matchesExactly(requirement, version) || isLess(requirement, version);
    case '~':
      return matchesTilde(requirement, version);
    case '^':
      return matchesCaret(requirement, version);
  }
}

/** Every written part is equal, and so is the pre-release; omitted parts match anything. */
function matchesExactly(requirement: Requirement, version: Version): boolean {
  if (requirement.major !== undefined && version.major !== requirement.major) return false;
  if (requirement.minor !== undefined && version.minor !== requirement.minor) return false;
  if (requirement.patch !== undefined && version.patch !== requirement.patch) return false;
  return requirement.prerelease === version.prerelease;
}

/** Beyond the written parts: `>1` does not admit `1.5.0`, only `2.0.0` and up. */
function isGreater(requirement: Requirement, version: Version): boolean {
  return compareWrittenParts(requirement, version) > 0;
}

function isLess(requirement: Requirement, version: Version): boolean {
  return compareWrittenParts(requirement, version) < 0;
}

/**
 * Compares `version` with the requirement part by part; an omitted part ends the comparison as
 * "equal" (0), which `>`/`<` treat as no match.
 */
function compareWrittenParts(requirement: Requirement, version: Version): number {
  const pairs: [number | undefined, number][] = [
    [requirement.major, version.major],
    [requirement.minor, version.minor],
    [requirement.patch, version.patch],
  ];
  for (const [wanted, actual] of pairs) {
    if (wanted === undefined) return 0;
    if (actual !== wanted) return actual - wanted;
  }
  return comparePrerelease(version.prerelease, requirement.prerelease);
}

/** `~`: major (and minor, when written) fixed; the rest may only move up. */
function matchesTilde(requirement: Requirement, version: Version): boolean {
  if (requirement.major === undefined) return true;
  if (version.major !== requirement.major) return false;
  if (requirement.minor !== undefined && version.minor !== requirement.minor) return false;
  if (requirement.patch !== undefined && version.patch !== requirement.patch) return version.patch > requirement.patch;
  return comparePrerelease(version.prerelease, requirement.prerelease) >= 0;
}

/** `^`: may move up to the next major; to the next minor (or not at all) when major (and minor) is 0. */
function matchesCaret(requirement: Requirement, version: Version): boolean {
  const { major, minor, patch } = requirement;
  if (major === undefined) return true;
  if (version.major !== major) return false;
  if (minor === undefined) return true;
  if (patch === undefined) return major > 0 ? version.minor >= minor : version.minor === minor;
  if (major > 0) {
    if (version.minor !== minor) return version.minor > minor;
    if (version.patch !== patch) return version.patch > patch;
  } else if (minor > 0) {
    if (version.minor !== minor) return false;
    if (version.patch !== patch) return version.patch > patch;
  } else if (version.minor !== minor || version.patch !== patch) {
    return false;
  }
  return comparePrerelease(version.prerelease, requirement.prerelease) >= 0;
}

/** The requirement names a pre-release on the version's exact major.minor.patch. */
function namesPrereleaseOf(requirement: Requirement, version: Version): boolean {
  return (
    requirement.prerelease !== undefined &&
    requirement.major === version.major &&
    requirement.minor === version.minor &&
    requirement.patch === version.patch
  );
}
