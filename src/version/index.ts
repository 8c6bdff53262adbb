/**
 * Version specs (plugin-api §4.2) and resolution (§4.4). Pure: no I/O, no plugin calls.
 */
export type { RangeClause, Requirement, RequirementOp, SpecKind, UnresolvedSpec, Version } from './version-types.js';
export { parseVersion } from './parse-version.js';
export { classifySpec, isAliasName, parseRange, parseRequirement, parseSpec, tryParseSpec } from './parse-spec.js';
export { canonicalSpec, formatClause, formatRequirement, formatSpec, formatVersion } from './format-spec.js';
export { compareBuild, comparePrerelease, compareVersions, compareVersionStrings, sameVersion, sortVersions, sortVersionStrings } from './compare-versions.js';
export { clauseMatches, requirementMatches, specMatches } from './match-spec.js';
export { resolveVersion, type RemoteVersions, type ResolveVersionInput } from './resolve-version.js';
