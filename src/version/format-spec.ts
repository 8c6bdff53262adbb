/**
 * The canonical string of a spec: what proto's `to_string()` prints and what we send to plugins
 * (`20` → `~20`, `v1.2.3` → `1.2.3`, `1.x` → `1.*`, `==1` → `=1`, `>=1, <2` → `>=1 && <2`,
 * `24-2-6` → `2024-02-06`). Every canonical string parses back to the same value.
 */
import { tryParseSpec } from './parse-spec.js';
import type { RangeClause, Requirement, UnresolvedSpec, Version } from './version-types.js';

export function formatVersion(version: Version): string {
  let text: string;
  if (version.calendar) {
    text = `${pad(version.major, 4)}-${pad(version.minor, 2)}`;
    if (version.patch > 0) text += `-${pad(version.patch, 2)}`;
  } else {
    text = `${version.major}.${version.minor}.${version.patch}`;
  }
  if (version.prerelease !== undefined) text += `-${version.prerelease}`;
  if (version.build !== undefined) text += `+${version.build}`;
  return text;
}

export function formatRequirement(requirement: Requirement): string {
  const separator = requirement.calendar ? '-' : '.';
  const widths = requirement.calendar ? [4, 2, 2] : [0, 0, 0];
  const written: string[] = [];
  for (const [index, part] of [requirement.major, requirement.minor, requirement.patch].entries()) {
    if (part === undefined) break;
    written.push(pad(part, widths[index]!));
  }
  let text = requirement.op === '*' ? '' : requirement.op;
  if (written.length === 0) text += '*';
  else {
    text += written.join(separator);
    // Only the wildcard operator writes its open parts: `1.*`; `>=1` needs no `.*`.
    if (requirement.op === '*' && written.length < 3) text += `${separator}*`;
  }
  if (requirement.prerelease !== undefined) text += `-${requirement.prerelease}`;
  return text;
}

export function formatClause(clause: RangeClause): string {
  return clause.kind === 'between'
    ? `${formatVersion(clause.lower)} - ${formatVersion(clause.upper)}`
    : clause.requirements.map(formatRequirement).join(' && ');
}

export function formatSpec(spec: UnresolvedSpec): string {
  switch (spec.kind) {
    case 'canary':
      return 'canary';
    case 'alias':
      return spec.name;
    case 'version':
      return formatVersion(spec.version);
    case 'requirement':
      return formatRequirement(spec);
    case 'range':
      return spec.anyOf.map(formatClause).join(' || ');
  }
}

/** The canonical form of a spec string, or undefined when it is not a valid spec. */
export function canonicalSpec(input: string): string | undefined {
  const spec = tryParseSpec(input);
  return spec && formatSpec(spec);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
