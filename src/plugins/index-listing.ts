/**
 * What an index offers, in one shape whatever the index is: the plugins, each with its versions
 * (newest first) and the facts search and info show. For indexes in our layout this is exactly
 * `index.json` (`proto plugin index build` writes it); proto's registry data is converted to it.
 */
import { ProtoError } from '../errors.js';
import type { IndexSource } from './index-source.js';
import { type PluginKind, type PluginManifest } from './manifest.js';
import { compareVersionStrings } from '../version/index.js';
import { schemaProblems } from './schema-validator.js';

export interface IndexVersion {
  version: string;
  protoCompatibility?: string;
}

export interface IndexPlugin {
  name: string;
  description?: string;
  homepage?: string;
  license?: string;
  kind: PluginKind;
  tools: string[];
  /** The version of `<name>.json`; undefined for entries that cannot be installed from the index. */
  latest?: string;
  /** Newest first; empty for entries that cannot be installed from the index. */
  versions: IndexVersion[];
  /**
   * Entries of proto's registry: no manifest, only the locator proto would load the plugin from
   * (`proto plugin add <id> <locator>` uses it) and its format.
   */
  registry?: { locator: string; format: string; author?: string };
}

export interface IndexListing {
  source: IndexSource;
  plugins: IndexPlugin[];
  /** When the data was fetched (remote indexes), for `plugin update` and stale warnings. */
  fetchedAt?: number;
}

/** The listing document (`index.json`). */
export interface IndexDocument {
  formatVersion: 1;
  plugins: IndexPlugin[];
}

/** One plugin's entry from all its manifests (latest first or not: they are sorted here). */
export function indexPluginFrom(latest: PluginManifest, others: readonly PluginManifest[]): IndexPlugin {
  const versions = [latest, ...others]
    .sort((a, b) => compareVersionStrings(b.version, a.version))
    .map((manifest) => ({ version: manifest.version, protoCompatibility: manifest.protoCompatibility }));
  return {
    name: latest.name,
    description: latest.description,
    ...(latest.homepage ? { homepage: latest.homepage } : {}),
    license: latest.license,
    kind: latest.kind,
    tools: latest.tools,
    latest: latest.version,
    versions,
  };
}

/** Reads an `index.json`; `where` names it in errors. Untrusted: validated against its schema. */
export async function parseIndexDocument(text: string, where: string): Promise<IndexPlugin[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProtoError('plugin.invalid_index', `The plugin index listing ${where} is not valid JSON: ${(error as Error).message}`, {
      hint: 'The index maintainer can rebuild it with `proto plugin index build`.',
    });
  }
  const problems = await schemaProblems('plugin-index', value);
  if (problems.length > 0) {
    throw new ProtoError('plugin.invalid_index', `The plugin index listing ${where} is invalid:\n  - ${problems.join('\n  - ')}`, {
      hint: 'The index maintainer can rebuild it with `proto plugin index build`.',
    });
  }
  return (value as IndexDocument).plugins.map((plugin) => ({
    ...plugin,
    versions: [...plugin.versions].sort((a, b) => compareVersionStrings(b.version, a.version)),
  }));
}

/** The path of a version's manifest inside an index (Spin's layout). */
export function manifestPath(plugin: Pick<IndexPlugin, 'name' | 'latest'>, version: string): string {
  return version === plugin.latest ? `manifests/${plugin.name}/${plugin.name}.json` : `manifests/${plugin.name}/${plugin.name}@${version}.json`;
}

export function licensePath(name: string): string {
  return `manifests/${name}/${name}.license`;
}
