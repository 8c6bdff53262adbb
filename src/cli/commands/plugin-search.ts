/**
 * `proto plugin search [term]`, `proto plugin info <name>` and `proto plugin update` (registered in
 * plugin.ts, loaded when they run): reading the configured plugin indexes (see
 * `src/plugins/plugin-indexes.ts` for caching and offline use).
 */
import { ProtoError } from '../../errors.js';
import {
  checkPluginName,
  describePluginKind,
  describeSource,
  findIndexPlugin,
  isCompatible,
  listInstalledPlugins,
  readInstalledPlugin,
  type IndexPlugin,
  type InstalledPlugin,
  type LoadedListing,
} from '../../plugins/index.js';
import { formatColumns } from '../output/columns.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import { packageVersion } from '../package-version.js';
import type { Session } from '../session.js';
import { loadConfiguredIndexes } from './common/plugin-manager.js';

interface SearchRow {
  name: string;
  latest: string | null;
  kind: string;
  tools: string[];
  description: string | null;
  index: string;
  installed: string | null;
  /** proto registry entries only. */
  locator?: string;
}

export async function search(session: Session, term: string | undefined, options: { json?: boolean }): Promise<void> {
  const { listings, failures } = await loadConfiguredIndexes(session);
  if (listings.length === 0 && failures.length > 0) throw failures[0]!.error;
  const needle = term?.toLowerCase();
  const installed = new Map(listInstalledPlugins(session.store).map((plugin) => [plugin.name, plugin.version]));
  const seen = new Set<string>();
  const rows: SearchRow[] = [];
  for (const listing of listings) {
    for (const entry of listing.plugins) {
      // The first index that lists a name is the one it installs from; later ones are hidden.
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
      if (needle && ![entry.name, entry.description ?? '', ...entry.tools].some((text) => text.toLowerCase().includes(needle))) continue;
      rows.push({
        name: entry.name,
        latest: entry.latest ?? null,
        kind: entry.kind,
        tools: entry.tools,
        description: entry.description ?? null,
        index: describeSource(listing.source),
        installed: installed.get(entry.name) ?? null,
        ...(entry.registry ? { locator: entry.registry.locator } : {}),
      });
    }
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  if (options.json) {
    writeJson({ plugins: rows });
    return;
  }
  if (rows.length === 0) {
    writeNote(term ? `No plugin matches "${term}".` : 'The plugin indexes list no plugins.');
    return;
  }
  writeResult(
    formatColumns(rows.map((row) => [row.name, row.latest ?? (row.locator ? 'proto registry' : '-'), row.installed ? `installed ${row.installed}` : '', row.description ?? ''])).join('\n'),
  );
}

export async function info(session: Session, name: string, options: { json?: boolean }): Promise<void> {
  checkPluginName(name);
  const installed = readInstalledPlugin(session.store, name);
  const { listings, failures } = await loadConfiguredIndexes(session);
  let found: { listing: LoadedListing; plugin: IndexPlugin } | undefined;
  try {
    found = findIndexPlugin(name, listings, failures);
  } catch (error) {
    if (!installed) throw error;
  }
  const hostVersion = packageVersion();
  const details = describe(found, installed, hostVersion);
  if (options.json) {
    writeJson(details);
    return;
  }
  const lines = [
    `${name}${details.latest ? ` ${details.latest}` : ''} (${describePluginKind(details.kind, details.tools)})`,
    ...formatColumns(
      [
        ['description:', details.description ?? '(none)'],
        ['homepage:', details.homepage ?? '(none)'],
        ['license:', details.license ?? '(unknown)'],
        ['index:', details.index ?? '(not in any configured index)'],
        ['installed:', installed ? `${installed.version} (from ${installed.origin}${installed.compatibilityOverridden ? ', compatibility check overridden' : ''})` : 'no'],
        ...(details.locator ? [['locator:', `${details.locator} (add it with: proto plugin add ${name} ${details.locator})`]] : []),
      ].map(([label, value]) => [`  ${label}`, value!]),
    ),
  ];
  if (details.versions.length > 0) {
    lines.push(`  versions (this proto is ${hostVersion}):`);
    lines.push(
      ...formatColumns(
        details.versions.map((entry) => [`    ${entry.version}`, entry.protoCompatibility ?? '', entry.compatible ? 'compatible' : 'incompatible', entry.version === installed?.version ? 'installed' : '']),
      ),
    );
  }
  writeResult(lines.join('\n'));
}

interface PluginDetails {
  name: string;
  latest: string | null;
  kind: string;
  tools: string[];
  description: string | null;
  homepage: string | null;
  license: string | null;
  index: string | null;
  installed: { version: string; origin: string; installedAt: string; compatibilityOverridden: boolean } | null;
  versions: Array<{ version: string; protoCompatibility: string | null; compatible: boolean }>;
  locator?: string;
  protoVersion: string;
}

function describe(found: { listing: LoadedListing; plugin: IndexPlugin } | undefined, installed: InstalledPlugin | undefined, hostVersion: string): PluginDetails {
  const plugin = found?.plugin;
  return {
    name: plugin?.name ?? installed!.name,
    latest: plugin?.latest ?? null,
    kind: plugin?.kind ?? installed!.kind,
    tools: plugin?.tools ?? installed!.tools,
    description: plugin?.description ?? null,
    homepage: plugin?.homepage ?? null,
    license: plugin?.license ?? installed?.license ?? null,
    index: found ? describeSource(found.listing.source) : null,
    installed: installed
      ? { version: installed.version, origin: installed.origin, installedAt: installed.installedAt, compatibilityOverridden: installed.compatibilityOverridden === true }
      : null,
    versions: (plugin?.versions ?? []).map((entry) => ({
      version: entry.version,
      protoCompatibility: entry.protoCompatibility ?? null,
      compatible: isCompatible(entry.protoCompatibility, hostVersion),
    })),
    ...(plugin?.registry ? { locator: plugin.registry.locator } : {}),
    protoVersion: hostVersion,
  };
}

export async function update(session: Session): Promise<void> {
  const { listings, failures } = await loadConfiguredIndexes(session, { refresh: true });
  if (listings.length > 0) {
    writeResult(listings.map((listing) => `${describeSource(listing.source)}: ${listing.plugins.length} plugin${listing.plugins.length === 1 ? '' : 's'}`).join('\n'));
  }
  if (failures.length === 0) return;
  if (listings.length === 0 && failures.length === 1) throw failures[0]!.error;
  if (listings.length === 0) for (const failure of failures) writeNote(`warning: ${failure.error.message}`);
  throw new ProtoError('plugin.index_update_failed', `${failures.length} plugin index${failures.length === 1 ? '' : 'es'} could not be updated: ${failures.map((f) => describeSource(f.source)).join(', ')}.`, {
    hint: 'See the warnings above; cached data of those indexes stays in use.',
  });
}
