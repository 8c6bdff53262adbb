/**
 * `proto plugin search [term]`, `proto plugin info <name>` and `proto plugin update` (registered in
 * plugin.ts, loaded when they run): reading the configured plugin indexes (see
 * `src/plugins/plugin-indexes.ts` for caching and offline use).
 */
import type { PluginLocator } from '../../config/index.js';
import { pluginLocatorFor } from '../../config/plugin-lookup.js';
import { isProtoError, ProtoError } from '../../errors.js';
import { log } from '../../log.js';
import {
  checkPluginName,
  describePluginKind,
  describeSource,
  findIndexPlugin,
  isCompatible,
  permissionsBlock,
  readIndexManifest,
  readInstalledPlugin,
  type IndexPlugin,
  type InstalledPlugin,
  type LoadedListing,
} from '../../plugins/index.js';
import { formatColumns } from '../output/columns.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import { packageVersion } from '../package-version.js';
import type { Session } from '../session.js';
import { indexContext, loadConfiguredIndexes } from './common/plugin-manager.js';
import { describeLocator } from '../../config/plugin-locator.js';

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
  const installed = new Map(session.installedPlugins.map((plugin) => [plugin.name, plugin.version]));
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
  const configured = pluginLocatorFor(session.config, name) ?? session.config.hookPlugins[name];
  const { listings, failures } = await loadConfiguredIndexes(session);
  let found: { listing: LoadedListing; plugin: IndexPlugin } | undefined;
  try {
    found = findIndexPlugin(name, listings, failures);
  } catch (error) {
    if (!installed && !configured) throw error;
  }
  const permissions = await permissionsOf(session, name, found, installed, configured);
  if (!found && !installed) {
    // Only configured by locator: no index facts, no manifest; .prototools alone says what it may do.
    if (options.json) {
      writeJson({ name, ...permissions });
      return;
    }
    writeResult([`${name} (configured in .prototools, not from an index)`, `  locator:     ${permissions.configured!.locator}`, ...permissionsBlock(permissions.permissions ?? undefined).map((line) => `  ${line}`)].join('\n'));
    return;
  }
  const hostVersion = packageVersion();
  const details = { ...describe(found, installed, hostVersion), ...permissions };
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
  if (details.permissionsOf === 'unknown') lines.push('  permissions: unknown (its manifest could not be read)');
  else lines.push(...permissionsBlock(details.permissions ?? undefined, `permissions${details.permissionsOf ? ` (${details.permissionsOf})` : ''}: `).map((line) => `  ${line}`));
  if (details.configured) lines.push(`  configured: ${details.configured.locator} in .prototools wins over this plugin for ${name}`);
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

interface PermissionDetails {
  /** What the plugin may do; null = unrestricted (it declares none and .prototools adds none). */
  permissions: string[] | null;
  /**
   * Which version's manifest they come from (`installed 1.0.0`, `latest 1.2.0`), `unknown` when
   * that manifest could not be read, or null for a configured locator.
   */
  permissionsOf: string | null;
  /** A locator in .prototools for this id (it wins over installed plugins in tool lookup). */
  configured: { locator: string } | null;
}

/**
 * The permissions the plugin would run with: the manifest of the installed version (else of the
 * latest one in the index) together with `[tools.<name>] permissions`.
 */
async function permissionsOf(
  session: Session,
  name: string,
  found: { listing: LoadedListing; plugin: IndexPlugin } | undefined,
  installed: InstalledPlugin | undefined,
  configured: PluginLocator | undefined,
): Promise<PermissionDetails> {
  let manifest: { permissions?: readonly string[] } = {};
  let permissionsOf: string | null = null;
  if (installed) {
    manifest = installed;
    permissionsOf = `installed ${installed.version}`;
  } else if (found?.plugin.latest) {
    try {
      manifest = (await readIndexManifest(found.listing, found.plugin, found.plugin.latest, indexContext(session))).manifest;
      permissionsOf = `latest ${found.plugin.latest}`;
    } catch (error) {
      if (!isProtoError(error)) throw error;
      log('warn', 'plugin', `the permissions of ${name} are unknown: ${error.message}`);
      if (!configured) return { permissions: null, permissionsOf: 'unknown', configured: null };
    }
  }
  // A configured locator runs without any manifest: only .prototools speaks for it.
  const policy = session.pluginPolicy(name, configured ? {} : manifest);
  return {
    permissions: policy.permissions ? [...policy.permissions] : null,
    permissionsOf: configured ? null : permissionsOf,
    configured: configured ? { locator: describeLocator(configured) } : null,
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
