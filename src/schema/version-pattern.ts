/**
 * `resolve.version-pattern` / `git-tag-pattern`: a (Rust) regex whose named groups build a version
 * from a tag or manifest entry (proto's `create_version`): `major`/`year`, `minor`/`month`,
 * `patch`/`day` (each `0` when missing), `pre` and `build` (a leading `-`/`+` optional). Without
 * named groups, group 1 is the version. Pure.
 *
 * Rust regex syntax that JavaScript spells differently is translated: `(?P<name>…)` named groups
 * and a leading `(?i)` flag.
 */
import { ProtoError } from '../errors.js';

export function compileVersionPattern(pattern: string, where: string): RegExp {
  let source = pattern.replaceAll('(?P<', '(?<');
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    flags = [...new Set(inline[1]!.replace('x', ''))].join('');
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new ProtoError('schema.invalid', `${where} "${pattern}" is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** The version a tag or manifest entry names, or undefined when the pattern does not match. */
export function versionFromMatch(pattern: RegExp, text: string): string | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const groups = match.groups ?? {};
  if (groups.major === undefined && groups.year === undefined) return match[1] ?? undefined;
  let version = `${groups.major ?? groups.year ?? '0'}.${groups.minor ?? groups.month ?? '0'}.${groups.patch ?? groups.day ?? '0'}`;
  if (groups.pre) version += groups.pre.startsWith('-') ? groups.pre : `-${groups.pre}`;
  if (groups.build) version += groups.build.startsWith('+') ? groups.build : `+${groups.build}`;
  return version;
}
