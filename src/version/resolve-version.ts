/**
 * Resolves an unresolved spec to one version (plugin-api §5.4, step 4–5, `crates/core/src/version_resolver.rs`),
 * from what `load_versions` returned, what is installed, and the user's aliases. Pure: the caller
 * calls the plugin (`resolve_version`, `load_versions`), reads the manifest and the config.
 *
 * Trust: `remote` comes from a plugin, so unparsable versions in it are skipped and alias values
 * are parsed like any other input; `userAliases` and `installed` come from our own files.
 */
import { ProtoError } from '../errors.js';
import { compareVersions, sameVersion, sortVersions } from './compare-versions.js';
import { formatSpec, formatVersion } from './format-spec.js';
import { clauseMatches, requirementMatches } from './match-spec.js';
import { parseSpec, tryParseSpec } from './parse-spec.js';
import { parseVersion } from './parse-version.js';
import type { UnresolvedSpec, Version } from './version-types.js';

/** The parts of `LoadVersionsOutput` resolution reads (strings, as on the wire). */
export interface RemoteVersions {
  versions?: readonly string[];
  aliases?: Readonly<Record<string, string>>;
  latest?: string;
  canary?: string;
}

export interface ResolveVersionInput {
  spec: string | UnresolvedSpec;
  remote?: RemoteVersions;
  /** `installed_versions` of the tool's manifest: ranges prefer these over remote versions. */
  installed?: readonly string[];
  /**
   * False resolves requirements and ranges against the remote list only (proto's
   * `resolve_without_manifest`, used by install). An exact version that is installed still
   * resolves. Default true.
   */
  preferInstalled?: boolean;
  /** `[tools.<id>.aliases]`: they win over the plugin's aliases of the same name. */
  userAliases?: Readonly<Record<string, string>>;
  /** Only used to name the tool in error messages. */
  toolId?: string;
}

/** A spec that names versions directly (not through an alias). */
type VersionPattern = Exclude<UnresolvedSpec, { kind: 'alias' | 'canary' }>;

/** Where an alias was found; user aliases are checked first. */
type AliasSource = 'config' | 'plugin';

interface Candidates {
  /** Newest first. */
  remote: Version[];
  installed: Version[];
  preferInstalled: boolean;
  pluginAliases: Map<string, string>;
  userAliases: Map<string, string>;
}

/**
 * Returns the canonical resolved version (`20.11.1`, `2024-02-26`) or `canary`.
 *
 * Aliases: user aliases, then plugin aliases, then `latest` (the output's `latest`, else the
 * newest listed version) and `stable` (falls back to `latest` when nobody defines it). An alias
 * may point at another alias; a cycle is a `version.alias_cycle` error. Requirements and ranges
 * take the highest matching installed version (unless `preferInstalled` is false), else the
 * highest matching remote one. An exact
 * version must be installed or listed. Anything else is `version.resolve_failed`, whose message
 * names what was asked and what exists.
 */
export function resolveVersion(input: ResolveVersionInput): string {
  const spec = typeof input.spec === 'string' ? parseSpec(input.spec) : input.spec;
  const candidates = collectCandidates(input);
  const chain: string[] = [];
  let current = spec;
  for (;;) {
    if (current.kind === 'canary') return 'canary';
    if (current.kind !== 'alias') {
      const version = pickVersion(current, candidates);
      if (version) return formatVersion(version);
      throw resolveFailed(input, spec, current, chain, candidates);
    }
    if (chain.includes(current.name)) {
      throw new ProtoError(
        'version.alias_cycle',
        `Aliases of ${toolName(input)} form a cycle: ${[...chain, current.name].join(' → ')}`,
        { hint: 'Point one of these aliases at a version, requirement or range ([tools.<id>.aliases] in .prototools).' },
      );
    }
    const target = lookupAlias(current.name, candidates);
    if (!target) throw resolveFailed(input, spec, current, chain, candidates);
    chain.push(current.name);
    current = parseAliasTarget(input, current.name, target.value, target.source);
  }
}

function collectCandidates(input: ResolveVersionInput): Candidates {
  const remote = sortVersions(parseAll(input.remote?.versions ?? []), 'descending');
  const installed = sortVersions(parseAll(input.installed ?? []), 'descending');
  const pluginAliases = new Map(Object.entries(input.remote?.aliases ?? {}));
  // proto forces `latest` to the output's `latest`, else to the newest listed version.
  if (input.remote?.latest) pluginAliases.set('latest', input.remote.latest);
  else if (!pluginAliases.has('latest') && remote[0]) pluginAliases.set('latest', formatVersion(remote[0]));
  if (!pluginAliases.has('stable') && pluginAliases.has('latest')) pluginAliases.set('stable', 'latest');
  return {
    remote,
    installed,
    preferInstalled: input.preferInstalled !== false,
    pluginAliases,
    userAliases: new Map(Object.entries(input.userAliases ?? {})),
  };
}

function parseAll(texts: readonly string[]): Version[] {
  return texts.map((text) => parseVersion(text)).filter((version): version is Version => version !== undefined);
}

function lookupAlias(name: string, candidates: Candidates): { value: string; source: AliasSource } | undefined {
  const fromConfig = candidates.userAliases.get(name);
  if (fromConfig !== undefined) return { value: fromConfig, source: 'config' };
  const fromPlugin = candidates.pluginAliases.get(name);
  return fromPlugin === undefined ? undefined : { value: fromPlugin, source: 'plugin' };
}

function parseAliasTarget(input: ResolveVersionInput, name: string, value: string, source: AliasSource): UnresolvedSpec {
  const spec = tryParseSpec(value);
  if (spec) return spec;
  const where = source === 'config' ? '[tools.<id>.aliases] in .prototools' : 'the plugin (load_versions)';
  throw new ProtoError(
    'version.resolve_failed',
    `Alias "${name}" of ${toolName(input)} points at "${value}", which is not a valid version spec (from ${where})`,
    { hint: source === 'config' ? `Fix the alias "${name}" in .prototools.` : 'Report this to the plugin author.' },
  );
}

function pickVersion(spec: VersionPattern, candidates: Candidates): Version | undefined {
  if (spec.kind === 'version') {
    // An exact version is taken as asked, but only if it exists somewhere.
    const known = [...candidates.installed, ...candidates.remote].some((version) => sameVersion(version, spec.version));
    return known ? spec.version : undefined;
  }
  const matches =
    spec.kind === 'requirement'
      ? (version: Version) => requirementMatches(spec, version)
      : (version: Version) => spec.anyOf.some((clause) => clauseMatches(clause, version));
  // Both lists are newest first, so the first match is the highest.
  return (candidates.preferInstalled ? candidates.installed.find(matches) : undefined) ?? candidates.remote.find(matches);
}

function resolveFailed(
  input: ResolveVersionInput,
  asked: UnresolvedSpec,
  failed: Exclude<UnresolvedSpec, { kind: 'canary' }>,
  chain: readonly string[],
  candidates: Candidates,
): ProtoError {
  const via = chain.length > 0 ? ` (via alias ${chain.map((name) => `"${name}"`).join(' → ')} → "${formatSpec(failed)}")` : '';
  const parts = [`No version of ${toolName(input)} matches "${formatSpec(asked)}"${via}.`];
  if (failed.kind === 'alias') {
    parts.push(`There is no alias "${failed.name}"; known aliases: ${listAliases(candidates)}.`);
  } else {
    const all = uniqueVersions([...candidates.remote, ...candidates.installed]);
    if (all.length === 0) parts.push('The plugin listed no versions.');
    else {
      parts.push(`Nearest available: ${nearestVersions(failed, all).map(formatVersion).join(', ')}.`);
      parts.push(`Newest: ${formatVersion(all[all.length - 1]!)} (${all.length} versions known).`);
    }
    if (candidates.installed.length > 0) {
      parts.push(`Installed: ${candidates.installed.map(formatVersion).join(', ')}.`);
    }
  }
  return new ProtoError('version.resolve_failed', parts.join(' '), {
    hint: 'Ask for one of the available versions, a looser requirement (e.g. ^20), or an alias such as latest.',
  });
}

function toolName(input: ResolveVersionInput): string {
  return input.toolId ?? 'the tool';
}

function listAliases(candidates: Candidates): string {
  const names = new Set([...candidates.userAliases.keys(), ...candidates.pluginAliases.keys()]);
  return names.size === 0 ? 'none' : [...names].sort().join(', ');
}

/** Ascending, without duplicates. */
function uniqueVersions(versions: readonly Version[]): Version[] {
  const sorted = sortVersions(versions, 'ascending');
  return sorted.filter((version, index) => index === 0 || !sameVersion(sorted[index - 1]!, version));
}

/** Up to three versions just below where the request points and two just above (ascending). */
function nearestVersions(spec: VersionPattern, ascending: readonly Version[]): Version[] {
  const anchor = anchorOf(spec);
  let index = ascending.findIndex((version) => compareVersions(version, anchor) > 0);
  if (index === -1) index = ascending.length;
  return ascending.slice(Math.max(0, index - 3), index + 2);
}

/** The version a spec "points at", for finding neighbours in an error message. */
function anchorOf(spec: VersionPattern): Version {
  if (spec.kind === 'version') return spec.version;
  const first =
    spec.kind === 'requirement'
      ? spec
      : spec.anyOf[0]?.kind === 'between'
        ? spec.anyOf[0].lower
        : spec.anyOf[0]?.requirements[0];
  return {
    calendar: first?.calendar ?? false,
    major: first?.major ?? 0,
    minor: first?.minor ?? 0,
    patch: first?.patch ?? 0,
  };
}
