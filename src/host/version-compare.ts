/** Semver comparison for proto versions (`0.60.0`, `0.42.0-alpha.1`); no range logic here. */
import semver from 'semver';

/** Negative, zero or positive like a sort comparator; an unparsable version sorts lowest. */
export function compareVersions(a: string, b: string): number {
  const left = semver.coerce(a, { includePrerelease: true });
  const right = semver.coerce(b, { includePrerelease: true });
  if (!left || !right) return left ? 1 : right ? -1 : 0;
  return semver.compare(left, right);
}
