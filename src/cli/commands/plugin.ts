/**
 * `proto plugin`: the plugin namespace. `list` lives here: the tool plugins this directory can
 * use — the ones configured in `.prototools` (`[tools.<id>] plugin`, `[plugins.tools]`, flat
 * `[plugins]`), then the ones installed from an index, then the built-in tools not overridden or
 * disabled (`settings.builtin-tools`), in lookup order. Nothing is downloaded or loaded, so it
 * works offline and fast. The other verbs are in `plugin-*.ts`.
 */
import type { Command } from 'commander';
import { pluginLocatorFor, type ConfigFileEntry, type PluginLocator } from '../../config/index.js';
import { listInstalledPlugins } from '../../plugins/index.js';
import { builtinPluginUrl, BUILTIN_TOOL_IDS } from '../../registry/index.js';
import { formatColumns } from '../output/columns.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { withSession } from './common/with-session.js';
import { registerPluginConfigCommands } from './plugin-config.js';
import { registerPluginIndexCommands } from './plugin-index.js';
import { registerPluginInstallCommands } from './plugin-install.js';
import { registerPluginSearchCommands } from './plugin-search.js';

interface PluginEntry {
  id: string;
  kind: 'configured' | 'installed' | 'builtin';
  /** As written (relative `file://` locators resolved to absolute paths); installed plugins' .wasm. */
  locator: string;
  /** The `.prototools` that configures it, the index an installed plugin came from; null for built-ins. */
  source: string | null;
}

interface ListOptions {
  json?: boolean;
  installed?: boolean;
}

export function registerPluginCommand(program: Command): void {
  const plugin = program.command('plugin').description('Find, install and configure plugins.');
  plugin
    .command('list')
    .alias('ls')
    .description('List the tool plugins this directory can use (configured, installed, built-in), in lookup order.')
    .option('--installed', 'only the plugins installed with `proto plugin install`, with their versions')
    .option('--json', 'print { plugins: [...] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto plugin list\n  proto plugin list --installed --json')
    .action((options: ListOptions) => withSession({}, (session) => listPlugins(session, options)));
  registerPluginSearchCommands(plugin);
  registerPluginInstallCommands(plugin);
  registerPluginConfigCommands(plugin);
  registerPluginIndexCommands(plugin);
}

async function listPlugins(session: Session, options: ListOptions): Promise<void> {
  if (options.installed) {
    listInstalled(session, options);
    return;
  }
  const entries = pluginEntries(session);
  if (options.json) {
    writeJson({ plugins: entries });
    return;
  }
  writeResult(formatColumns(entries.map((entry) => [entry.id, entry.kind, entry.locator])).join('\n'));
}

function pluginEntries(session: Session): PluginEntry[] {
  const { config } = session;
  const configuredIds = new Set([
    ...Object.keys(config.plugins),
    ...Object.entries(config.tools)
      .filter(([, settings]) => settings.plugin !== undefined)
      .map(([id]) => id),
  ]);
  const configured = [...configuredIds].sort().flatMap((id): PluginEntry[] => {
    const locator = pluginLocatorFor(config, id);
    return locator ? [{ id, kind: 'configured', locator: describeLocator(locator), source: configuringFile(session.loaded.files, id) }] : [];
  });
  const installed = listInstalledPlugins(session.store)
    .filter((plugin) => plugin.kind === 'tool')
    .flatMap((plugin) => plugin.tools.map((id): PluginEntry => ({ id, kind: 'installed', locator: `file://${plugin.wasmPath}`, source: plugin.origin })))
    .filter((entry) => !configuredIds.has(entry.id))
    .sort((a, b) => a.id.localeCompare(b.id));
  const shadowed = new Set([...configuredIds, ...installed.map((entry) => entry.id)]);
  const allowed = config.settings.builtinPlugins;
  const builtins = BUILTIN_TOOL_IDS.filter(
    (id) => !shadowed.has(id) && (allowed === true || (Array.isArray(allowed) && allowed.includes(id))),
  )
    .sort()
    .map((id): PluginEntry => ({ id, kind: 'builtin', locator: builtinPluginUrl(id)!, source: null }));
  return [...configured, ...installed, ...builtins];
}

function listInstalled(session: Session, options: ListOptions): void {
  const plugins = listInstalledPlugins(session.store).map(({ name, version, kind, tools, license, origin, installedAt }) => ({
    name,
    version,
    kind,
    tools,
    license,
    origin,
    installedAt,
  }));
  if (options.json) {
    writeJson({ plugins });
    return;
  }
  if (plugins.length === 0) {
    writeNote('No plugin is installed (install one with `proto plugin install <name>`).');
    return;
  }
  writeResult(formatColumns(plugins.map((plugin) => [plugin.name, plugin.version, plugin.kind, plugin.tools.join(','), plugin.origin])).join('\n'));
}

function describeLocator(locator: PluginLocator): string {
  return locator.kind === 'file' ? `file://${locator.path}` : locator.written;
}

/** The highest-precedence file that names a plugin for `id` (files are in detection order, cwd first). */
function configuringFile(files: readonly ConfigFileEntry[], id: string): string | null {
  const file = files.find(
    ({ exists, config }) =>
      exists && (config.tools[id]?.plugin !== undefined || Object.hasOwn(config.plugins.tools, id) || Object.hasOwn(config.plugins.legacy, id)),
  );
  return file?.path ?? null;
}
