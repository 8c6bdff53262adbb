/**
 * Parses unresolved version specs (proto's `UnresolvedVersionSpec`, plugin-api §4.2), trying in proto's
 * order: `canary`, a full version, one requirement, a range, an alias.
 *
 * Two deliberate choices, both for compatibility with plugins of every era:
 * - `lts-*`, `lts/*` and other words are ALIASES (the pre-0.59 grammar). proto 0.59+ would read
 *   `lts-*` or `node-1.2.3` as "scoped" versions; we keep them as aliases, whose canonical string is
 *   the text unchanged, so a plugin that understands scopes still receives exactly what was written.
 * - A requirement without an operator defaults to `~` (`20` is `~20`), also inside ranges, as in
 *   proto 0.59+.
 */
import { ProtoError } from '../errors.js';
import { calendarYear, IDENTIFIER, LETTER_IDENTIFIER, parseVersion, stripVersionPrefix, toPart } from './parse-version.js';
import type { RangeClause, Requirement, RequirementOp, SpecKind, UnresolvedSpec } from './version-types.js';

/** proto's pre-0.59 alias grammar: a letter, then letters, digits, `- _ / . *`. */
const ALIAS = /^[A-Za-z][A-Za-z0-9_\-/.*]*$/;
const OPERATOR = /^(==|>=|<=|=|>|<|~|\^)?\s*(.*)$/s;
const LONE_OPERATOR = /^(==|>=|<=|=|>|<|~|\^)$/;
const PART = '(\\d+|[*xX])';
const SEMVER_PARTIAL = new RegExp(`^${PART}(?:\\.${PART})?(?:\\.${PART})?(?:-(${IDENTIFIER}))?(?:\\+${IDENTIFIER})?$`);
const CALVER_PARTIAL = new RegExp(
  `^(\\d{2,4}|[*xX])-(0?[1-9]|1[0-2]|[*xX])(?:-(0?[1-9]|[12]\\d|3[01]|[*xX]))?(?:-(${LETTER_IDENTIFIER}))?(?:\\+${IDENTIFIER})?$`,
);

/** Returns the parsed spec, or undefined when `input` is not a spec at all. */
export function tryParseSpec(input: string): UnresolvedSpec | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  if (text === 'canary') return { kind: 'canary' };
  const version = parseVersion(text);
  if (version) return { kind: 'version', version };
  const requirement = parseRequirement(text);
  if (requirement) return { kind: 'requirement', ...requirement };
  const anyOf = parseRange(text);
  if (anyOf) return { kind: 'range', anyOf };
  if (ALIAS.test(text)) return { kind: 'alias', name: text };
  return undefined;
}

/** Like `tryParseSpec`, but an invalid spec is a `version.invalid_spec` error naming the input. */
export function parseSpec(input: string): UnresolvedSpec {
  const spec = tryParseSpec(input);
  if (spec) return spec;
  throw new ProtoError('version.invalid_spec', `"${input}" is not a valid version spec`, {
    hint: 'Use a version (1.2.3, 2024-02-26), a requirement (20, ^1.2, >=1 <2, 1.x), a range (^1 || ^2) or an alias (latest, stable, lts-*).',
  });
}

/** The kind of spec `input` is, or undefined when it is not a valid spec. */
export function classifySpec(input: string): SpecKind | undefined {
  return tryParseSpec(input)?.kind;
}

/** True when `name` can be an alias (what `[tools.<id>.aliases]` keys must look like). */
export function isAliasName(name: string): boolean {
  return ALIAS.test(name) && name !== 'canary';
}

/** One comparator: an optional operator, then a full or partial semantic or calendar version. */
export function parseRequirement(input: string): Requirement | undefined {
  const match = OPERATOR.exec(input.trim());
  if (!match) return undefined;
  const [, operator, rest] = match;
  const body = stripVersionPrefix(rest!.trim());
  if (body === '') return undefined;
  const parsed = parseSemanticPartial(body) ?? parseCalendarPartial(body);
  if (!parsed) return undefined;
  const op: RequirementOp = operator ? normalizeOperator(operator) : parsed.hasWildcard ? '*' : '~';
  return { ...parsed.requirement, op };
}

function normalizeOperator(operator: string): RequirementOp {
  return operator === '==' ? '=' : (operator as RequirementOp);
}

interface ParsedPartial {
  requirement: Omit<Requirement, 'op'>;
  hasWildcard: boolean;
}

function parseSemanticPartial(body: string): ParsedPartial | undefined {
  const match = SEMVER_PARTIAL.exec(body);
  if (!match) return undefined;
  const [, major, minor, patch, prerelease] = match;
  // A pre-release after a partial version must start with a letter, so `2000-2` is not `2000` + `-2`.
  if (prerelease !== undefined && patch === undefined && !/^[A-Za-z]/.test(prerelease)) return undefined;
  return buildPartial(false, [major, minor, patch], prerelease, (digits) => toPart(digits));
}

function parseCalendarPartial(body: string): ParsedPartial | undefined {
  const match = CALVER_PARTIAL.exec(body);
  if (!match) return undefined;
  const [, year, month, day, prerelease] = match;
  return buildPartial(true, [year, month, day], prerelease, (digits, index) =>
    index === 0 ? calendarYear(digits) : Number(digits),
  );
}

function buildPartial(
  calendar: boolean,
  texts: readonly (string | undefined)[],
  prerelease: string | undefined,
  toNumber: (digits: string, index: number) => number | undefined,
): ParsedPartial | undefined {
  const parts: (number | undefined)[] = [];
  let hasWildcard = false;
  for (const [index, text] of texts.entries()) {
    if (text === undefined) break;
    if (/^[*xX]$/.test(text)) {
      hasWildcard = true;
      parts.push(undefined);
      continue;
    }
    // `*.1` and `1.*.3`: a number after a wildcard means nothing (as in the semver crate).
    if (hasWildcard) return undefined;
    const value = toNumber(text, index);
    if (value === undefined) return undefined;
    parts.push(value);
  }
  const [major, minor, patch] = parts;
  return {
    requirement: {
      calendar,
      ...(major === undefined ? {} : { major }),
      ...(minor === undefined ? {} : { minor }),
      ...(patch === undefined ? {} : { patch }),
      ...(prerelease === undefined ? {} : { prerelease }),
    },
    hasWildcard,
  };
}

/** `a || b` of clauses; each clause is `lower - upper` or requirements joined by spaces, `,` or `&&`. */
export function parseRange(input: string): RangeClause[] | undefined {
  const clauses: RangeClause[] = [];
  for (const part of input.split('||')) {
    const clause = parseClause(part.trim());
    if (!clause) return undefined;
    clauses.push(clause);
  }
  return clauses;
}

function parseClause(text: string): RangeClause | undefined {
  if (text === '') return undefined;
  const between = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (between) {
    const lower = parseVersion(between[1]!);
    const upper = parseVersion(between[2]!);
    return lower && upper ? { kind: 'between', lower, upper } : undefined;
  }
  const tokens = text.replace(/&&|,/g, ' ').split(/\s+/).filter((token) => token !== '');
  const requirements: Requirement[] = [];
  for (let index = 0; index < tokens.length; index++) {
    let token = tokens[index]!;
    // `>= 1.2`: an operator may be separated from its version by spaces.
    if (LONE_OPERATOR.test(token) && index + 1 < tokens.length) token += tokens[++index]!;
    const requirement = parseRequirement(token);
    if (!requirement) return undefined;
    requirements.push(requirement);
  }
  return requirements.length === 0 ? undefined : { kind: 'all', requirements };
}
