/** Comparison of proto versions (`0.60.0`, `0.42.0-alpha.1`); no range logic here. */
import { compareVersions as compareParsed, parseVersion } from '../version/index.js';

/** Negative, zero or positive like a sort comparator; an unparsable version sorts lowest. */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return left ? 1 : right ? -1 : 0;
  return compareParsed(left, right);
}
