/**
 * Reading the configured plugin indexes: one listing per source, in the configured order (the
 * first index that has a plugin is the one it is installed from).
 *
 * Remote data (an https index's `index.json`, proto's registry data, a git clone) is cached under
 * `~/.proto/cache/plugin-indexes/<key>/` for 24 hours, refreshed by `proto plugin update`, used at
 * any age offline, and used with a warning when a refresh fails. Local directories and `file://`
 * indexes are read live.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProtoError, ProtoError } from '../errors.js';
import { log } from '../log.js';
import type { NetSettings } from '../net/net-settings.js';
import { writeFileAtomic, type Store } from '../store/index.js';
import { fetchText } from './fetch-resource.js';
import { syncGitIndex } from './git-index.js';
import { scanIndexDir } from './index-dir.js';
import { licensePath, manifestPath, parseIndexDocument, type IndexListing, type IndexPlugin } from './index-listing.js';
import { describeSource, PROTO_REGISTRY_FILES, type IndexSource } from './index-source.js';
import { parseManifest, type PluginManifest } from './manifest.js';
import { parseRegistryDocument } from './proto-registry.js';

/** How long fetched index data is used before it is fetched again. */
export const PLUGIN_INDEX_TTL_MS = 24 * 60 * 60 * 1000;

export interface IndexContext {
  store: Store;
  /** url-rewrites, http settings and offline mode. */
  settings: NetSettings;
  env: NodeJS.ProcessEnv;
  /** Fetch remote data whatever its age (`proto plugin update`). */
  refresh?: boolean;
  now?: number;
}

/** A listing with where its files are read from. */
export interface LoadedListing extends IndexListing {
  /** Base URL of the index's files (`file://` for directories and clones). */
  base: string;
}

export interface IndexFailure {
  source: IndexSource;
  error: Error;
}

/** A plugin version read from its index: the validated manifest and what came with it. */
export interface ResolvedManifest {
  manifest: PluginManifest;
  /** The manifest's own text, stored verbatim with the install. */
  text: string;
  /** Where it was read (relative package URLs resolve against it). */
  location: string;
  license?: string;
  /** Describes the index or file it came from. */
  origin: string;
}

/** Loads one index's listing (see the module comment for caching). */
export async function loadIndex(source: IndexSource, context: IndexContext): Promise<LoadedListing> {
  switch (source.kind) {
    case 'dir':
      return fromDirectory(source, source.path);
    case 'git': {
      const clone = await syncGitIndex(source, cacheDirFor(context.store, source), {
        settings: context.settings,
        offline: context.settings.offline === true,
        refresh: context.refresh === true,
        maxAgeMs: PLUGIN_INDEX_TTL_MS,
        env: context.env,
        ...(context.now !== undefined ? { now: context.now } : {}),
      });
      return { ...(await fromDirectory(source, clone.path)), fetchedAt: clone.fetchedAt };
    }
    case 'url':
      if (source.url.startsWith('file:')) return { source, base: source.url, plugins: await fetchIndexDocument(source.url, context) };
      return cachedListing(source, context, () => fetchIndexDocument(source.url, context));
    case 'proto-registry':
      return cachedListing(source, context, async () =>
        (await Promise.all(PROTO_REGISTRY_FILES.map(async (file) => parseRegistryDocument((await fetchText(`${source.url}${file}`, context.settings))!, `${source.url}${file}`)))).flat(),
      );
  }
}

/** Every configured index; one that fails is reported in `failures`, the others still serve. */
export async function loadIndexes(sources: readonly IndexSource[], context: IndexContext): Promise<{ listings: LoadedListing[]; failures: IndexFailure[] }> {
  const results = await Promise.allSettled(sources.map((source) => loadIndex(source, context)));
  const listings: LoadedListing[] = [];
  const failures: IndexFailure[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') listings.push(result.value);
    else failures.push({ source: sources[index]!, error: result.reason as Error });
  });
  return { listings, failures };
}

/** The first index (in configured order) that lists `name`. */
export function findInListings(listings: readonly LoadedListing[], name: string): { listing: LoadedListing; plugin: IndexPlugin } | undefined {
  for (const listing of listings) {
    const plugin = listing.plugins.find((entry) => entry.name === name);
    if (plugin) return { listing, plugin };
  }
  return undefined;
}

/** Reads and validates the manifest of one version, and the plugin's license text. */
export async function readIndexManifest(listing: LoadedListing, plugin: IndexPlugin, version: string, context: IndexContext): Promise<ResolvedManifest> {
  const location = new URL(manifestPath(plugin, version), listing.base).href;
  const text = (await fetchText(location, context.settings))!;
  const manifest = await parseManifest(text, location);
  if (manifest.name !== plugin.name || manifest.version !== version) {
    throw new ProtoError('plugin.invalid_manifest', `${location} describes ${manifest.name} ${manifest.version}, but the index lists it as ${plugin.name} ${version}.`, {
      hint: 'The index is inconsistent: its maintainer can rebuild it with `proto plugin index build`.',
    });
  }
  const license = await fetchText(new URL(licensePath(plugin.name), listing.base).href, context.settings, { optional: true });
  return { manifest, text, location, ...(license !== undefined ? { license } : {}), origin: describeSource(listing.source) };
}

async function fromDirectory(source: IndexSource, root: string): Promise<LoadedListing> {
  const scanned = await scanIndexDir(root);
  if (scanned.problems.some((problem) => problem.file === 'manifests')) {
    throw new ProtoError('plugin.invalid_index', `${describeSource(source)} is not a plugin index: ${scanned.problems[0]!.message}.`, {
      hint: 'An index directory holds manifests/<name>/<name>.json files (see `proto plugin index validate --help`).',
    });
  }
  for (const problem of scanned.problems) log('warn', 'plugin-index', `${describeSource(source)}: ${problem.file}: ${problem.message} (skipped)`);
  return { source, base: pathToFileURL(`${root}/`).href, plugins: scanned.plugins };
}

async function fetchIndexDocument(base: string, context: IndexContext): Promise<IndexPlugin[]> {
  const url = `${base}index.json`;
  return parseIndexDocument((await fetchText(url, context.settings))!, url);
}

function cacheDirFor(store: Store, source: IndexSource): string {
  return join(store.pluginIndexCacheDir, createHash('sha256').update(source.written).digest('hex').slice(0, 16));
}

interface CachedListing {
  source: string;
  fetchedAt: number;
  plugins: IndexPlugin[];
}

async function cachedListing(source: Extract<IndexSource, { kind: 'url' | 'proto-registry' }>, context: IndexContext, fetch: () => Promise<IndexPlugin[]>): Promise<LoadedListing> {
  const path = join(cacheDirFor(context.store, source), 'listing.json');
  const cached = await readCachedListing(path, source.written);
  const now = context.now ?? Date.now();
  const offline = context.settings.offline === true;
  const fromCache = (entry: CachedListing): LoadedListing => ({ source, base: source.url, plugins: entry.plugins, fetchedAt: entry.fetchedAt });
  if (cached && (offline || (!context.refresh && now - cached.fetchedAt < PLUGIN_INDEX_TTL_MS))) return fromCache(cached);
  if (offline) {
    throw new ProtoError('plugin.index_offline', `The plugin index ${describeSource(source)} is not cached and proto is offline.`, {
      hint: 'Run `proto plugin update` once with a network connection, or use a local index ([settings] plugin-index / PROTO_PLUGIN_INDEX).',
    });
  }
  let plugins: IndexPlugin[];
  try {
    plugins = await fetch();
  } catch (error) {
    if (cached) {
      log('warn', 'plugin-index', `Cannot refresh ${describeSource(source)} (${(error as Error).message}); using the copy from ${new Date(cached.fetchedAt).toISOString()}.`);
      return fromCache(cached);
    }
    throw unreachable(source, error);
  }
  const entry: CachedListing = { source: source.written, fetchedAt: Date.now(), plugins };
  await writeFileAtomic(path, JSON.stringify(entry));
  return fromCache(entry);
}

async function readCachedListing(path: string, written: string): Promise<CachedListing | undefined> {
  try {
    const value = JSON.parse(await fs.readFile(path, 'utf8')) as Partial<CachedListing>;
    if (value.source !== written || typeof value.fetchedAt !== 'number' || !Array.isArray(value.plugins)) return undefined;
    return value as CachedListing;
  } catch {
    return undefined; // a broken cache is a miss
  }
}

function unreachable(source: IndexSource, error: unknown): ProtoError {
  // An index that answered with something broken is its maintainer's problem, not the network's.
  if (isProtoError(error, 'plugin.invalid_index')) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const defaultHint = source.kind === 'proto-registry' ? ' (proto\'s public registry, the default index)' : '';
  return new ProtoError('plugin.index_unreachable', `Cannot reach the plugin index ${describeSource(source)}${defaultHint}: ${detail}`, {
    hint:
      'Check your network connection, or point [settings] plugin-index (or PROTO_PLUGIN_INDEX) at a local directory, a file:// or git+file:// index, or a mirror (settings.url-rewrites).',
    cause: error,
  });
}
