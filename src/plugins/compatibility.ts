/**
 * `protoCompatibility`: which proto versions a plugin works with, in Spin's `spinCompatibility`
 * grammar (the Rust semver crate's comparators): rules separated by commas, all of which must hold,
 * e.g. `>=0.1, <0.4` or `^0.2`. Each rule is an operator (`=`, `>`, `>=`, `<`, `<=`, `~`, `^`;
 * none means `^`, as in the semver crate) and a full or partial version (`0.2`, `1`), or a
 * wildcard (`*`, `0.*`, `0.2.*`).
 *
 * Matching itself is `src/version`'s cargo-semver matching (one set of rules for the product);
 * this module only reads the grammar and says why a check failed. The JSON Schema's pattern for
 * the field is this module's `COMPATIBILITY_PATTERN` (a test keeps the two equal).
 */
import { ProtoError } from '../errors.js';
import { clauseMatches, parseRequirement, parseVersion, type Requirement } from '../version/index.js';

const NUMBER = '(?:0|[1-9][0-9]*)';
const PART = `(?:${NUMBER}|\\*)`;
const IDENTIFIERS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
/** One comparator: `*`, or an optional operator and a (partial) version. */
export const COMPARATOR_PATTERN = `(?:\\*|(?:>=|<=|>|<|=|~|\\^)? *v?${NUMBER}(?:\\.${PART})?(?:\\.${PART})?(?:-${IDENTIFIERS})?(?:\\+${IDENTIFIERS})?)`;
/** The whole field: one or more comparators separated by commas. */
export const COMPATIBILITY_PATTERN = `^ *${COMPARATOR_PATTERN}(?: *, *${COMPARATOR_PATTERN})* *$`;

const FIELD = new RegExp(COMPATIBILITY_PATTERN);
const HAS_OPERATOR = /^(?:>=|<=|>|<|=|~|\^)/;

export interface CompatibilityVerdict {
  compatible: boolean;
  /** The rule as written in the manifest. */
  rule: string;
  /** The host version it was checked against. */
  hostVersion: string;
}

/** Parses a `protoCompatibility` value; `plugin.invalid_compatibility` names it when it is not one. */
export function parseCompatibility(rule: string): Requirement[] {
  if (!FIELD.test(rule)) throw invalidRule(rule);
  return rule.split(',').map((written) => {
    const text = written.trim();
    // The semver crate reads a bare version as a caret requirement (proto's specs read it as `~`).
    const requirement = text === '*' ? parseRequirement('*') : parseRequirement(HAS_OPERATOR.test(text) ? text : `^${text}`);
    if (!requirement) throw invalidRule(rule);
    return requirement;
  });
}

/** Whether `hostVersion` satisfies every comparator of `rule`. */
export function checkCompatibility(rule: string, hostVersion: string): CompatibilityVerdict {
  const requirements = parseCompatibility(rule);
  const version = parseVersion(hostVersion);
  if (!version) throw new ProtoError('plugin.invalid_host_version', `This proto's own version "${hostVersion}" is not a semantic version.`);
  return { compatible: clauseMatches({ kind: 'all', requirements }, version), rule, hostVersion };
}

function invalidRule(rule: string): ProtoError {
  return new ProtoError('plugin.invalid_compatibility', `"${rule}" is not a valid protoCompatibility rule.`, {
    hint: 'Write comparators separated by commas, e.g. ">=0.1, <0.4" or "^0.2" (operators: = > >= < <= ~ ^, or *).',
  });
}
