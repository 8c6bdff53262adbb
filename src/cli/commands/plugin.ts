/**
 * `proto plugin`: the plugin namespace. `list` lives here: the tool plugins this directory can
 * use — the ones configured in `.prototools` (`[tools.<id>] plugin`, `[plugins.tools]`, flat
 * `[plugins]`), then the ones installed from an index, then the built-in tools not overridden or
 * disabled (`settings.builtin-tools`), in lookup order; then the hook plugins called around every
 * tool (`[plugins.hooks]`, installed `kind = "hook"`). Nothing is downloaded or loaded, so it
 * works offline and fast.
 *
 * The other verbs are registered here and implemented in `plugin-*.ts`, which are loaded only when
 * one of them runs: the plugin manager (index readers, git, the prompt) costs other commands nothing.
 */
import type { Command } from 'commander';
import type { ConfigFileEntry } from '../../config/config-types.js';
import { describeLocator } from '../../config/plugin-locator.js';
import { pluginLocatorFor } from '../../config/plugin-lookup.js';
import { builtinPluginUrl, BUILTIN_TOOL_IDS } from '../../registry/builtin-tools.js';
import { formatColumns } from '../output/columns.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { openSession } from './common/open-session.js';
import { PIN_LOCATION_HELP } from './common/config-target.js';
import type { InstallFlags, UpgradeFlags } from './plugin-install.js';
import type { ScanFlags } from './plugin-scan.js';
import { GATED_HOST_FUNCTIONS } from '../../host/permissions.js';
import { byCodePoint } from '../output/sorted-record.js';

interface PluginEntry {
  id: string;
  kind: 'configured' | 'installed' | 'builtin' | 'hook';
  /** As written (relative `file://` locators resolved to absolute paths); installed plugins' plugin file. */
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
    .description('List the tool plugins this directory can use (configured, installed, built-in), in lookup order, then its hook plugins.')
    .option('--installed', 'only the plugins installed with `proto plugin install`, with their versions')
    .option('--json', 'print { plugins: [...] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto plugin list\n  proto plugin list --installed --json')
    .action((options: ListOptions) => openSession({}, (session) => listPlugins(session, options)));
  registerIndexReaders(plugin);
  registerInstallers(plugin);
  registerConfigEditors(plugin);
  registerMaintainerCommands(plugin);
  registerScanner(plugin);
}

function registerIndexReaders(plugin: Command): void {
  plugin
    .command('search')
    .description('Search the plugin indexes by name, description or tool.')
    .argument('[term]', 'text to look for (case-insensitive); all plugins when omitted')
    .option('--json', 'print { plugins: [...] } as JSON on stdout')
    .addHelpText(
      'after',
      '\nIndexes come from [settings] plugin-index or PROTO_PLUGIN_INDEX (default: proto\'s public registry).\n\nExamples:\n  proto plugin search\n  proto plugin search lint --json',
    )
    .action((term: string | undefined, options: { json?: boolean }) =>
      openSession({}, async (session) => (await import('./plugin-search.js')).search(session, term, options)),
    );

  plugin
    .command('info')
    .description('Show a plugin: its versions in the index (with their compatibility), the installed one, license, source and permissions.')
    .argument('<name>', 'plugin name')
    .option('--json', 'print the details as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto plugin info disttool\n  proto plugin info disttool --json')
    .action((name: string, options: { json?: boolean }) => openSession({}, async (session) => (await import('./plugin-search.js')).info(session, name, options)));

  plugin
    .command('update')
    .description('Fetch the plugin indexes again now (remote index data is otherwise reused for 24 hours).')
    .addHelpText('after', '\nExamples:\n  proto plugin update')
    .action(() => openSession({}, async (session) => (await import('./plugin-search.js')).update(session)));
}

function registerInstallers(plugin: Command): void {
  plugin
    .command('install')
    .description('Install a plugin from the plugin indexes (or from a manifest), after showing what it is and asking whether you trust it.')
    .argument('<name>', 'plugin name')
    .option('--version <version>', 'install this version (default: the newest one compatible with this proto)')
    .option('--file <path>', 'install from this local manifest instead of an index')
    .option('--url <url>', 'install from the manifest at this URL instead of an index')
    .option('--override-compatibility-check', 'install even when the plugin\'s protoCompatibility excludes this proto (with a warning)')
    .addHelpText(
      'after',
      '\nBefore downloading, it shows the plugin and asks whether you trust it; -y (global) answers yes.\nThe tools it provides then need no [plugins] entry in .prototools.\n\nExamples:\n  proto plugin install disttool\n  proto plugin install disttool --version 1.2.0 -y\n  echo y | proto plugin install disttool --file ./disttool.json',
    )
    .action((name: string, flags: InstallFlags, command: Command) =>
      openSession({}, async (session) => (await import('./plugin-install.js')).install(session, command, name, flags)),
    );

  plugin
    .command('upgrade')
    .description('Upgrade an installed plugin (or all of them) to the newest compatible version in its index, or to --version.')
    .argument('[name]', 'plugin name (or --all)')
    .option('-a, --all', 'upgrade every installed plugin')
    .option('--version <version>', 'move to this version')
    .option('--downgrade', 'allow --version to be lower than the installed version')
    .option('--file <path>', 'upgrade from this local manifest')
    .option('--url <url>', 'upgrade from the manifest at this URL')
    .addHelpText(
      'after',
      '\nA version whose protoCompatibility excludes this proto is never installed by upgrade.\n\nExamples:\n  proto plugin upgrade disttool\n  proto plugin upgrade --all -y\n  proto plugin upgrade disttool --version 1.0.0 --downgrade',
    )
    .action((name: string | undefined, flags: UpgradeFlags, command: Command) =>
      openSession({}, async (session) => (await import('./plugin-install.js')).upgrade(session, command, name, flags)),
    );

  plugin
    .command('uninstall')
    .description('Remove a plugin installed with `proto plugin install` (tools it installed stay until `proto uninstall`).')
    .argument('<name>', 'plugin name')
    .addHelpText('after', '\nExamples:\n  proto plugin uninstall disttool')
    .action((name: string) => openSession({}, async (session) => (await import('./plugin-install.js')).uninstall(session, name)));
}

function registerConfigEditors(plugin: Command): void {
  plugin
    .command('add')
    .description('Configure a tool\'s plugin by locator in [plugins.tools] of .prototools.')
    .argument('<id>', 'tool id')
    .argument('<locator>', 'file://, https://, github:// or registry:// plugin locator')
    .option('--to <location>', PIN_LOCATION_HELP)
    .addHelpText('after', '\nExamples:\n  proto plugin add disttool file://./plugins/disttool.wasm\n  proto plugin add act github://theomessin/proto-act --to global')
    .action((id: string, locator: string, options: { to?: string }) =>
      openSession({}, async (session) => (await import('./plugin-config.js')).add(session, id, locator, options)),
    );

  plugin
    .command('remove')
    .description('Remove a tool\'s plugin from [plugins.tools] (or the flat [plugins]) of .prototools.')
    .argument('<id>', 'tool id')
    .option('--from <location>', PIN_LOCATION_HELP)
    .addHelpText('after', '\nExamples:\n  proto plugin remove disttool\n  proto plugin remove act --from global')
    .action((id: string, options: { from?: string }) => openSession({}, async (session) => (await import('./plugin-config.js')).remove(session, id, options)));
}

const LAYOUT_HELP = `
An index holds, for each plugin <name>:
  manifests/<name>/<name>.json            the latest version's manifest
  manifests/<name>/<name>@<version>.json  older versions (the file name matches "version")
  manifests/<name>/<name>.license         the license text
Manifests follow schemas/plugin-manifest.schema.json (shipped with proto).`;

function registerMaintainerCommands(plugin: Command): void {
  const index = plugin.command('index').description('Tools for plugin index maintainers.');
  index
    .command('validate')
    .description('Check every manifest, name, version file and license of an index; list each problem.')
    .argument('<dir>', 'the index directory (the one holding manifests/)')
    .addHelpText('after', `${LAYOUT_HELP}\n\nExamples:\n  proto plugin index validate .\n  proto plugin index validate ./my-index`)
    .action(async (dir: string, _options: unknown, command: Command) => (await import('./plugin-index.js')).validate(command, dir));
  index
    .command('build')
    .description('Validate an index, then write its index.json (served at the root of https:// and file:// indexes).')
    .argument('<dir>', 'the index directory (the one holding manifests/)')
    .addHelpText('after', `${LAYOUT_HELP}\n\nExamples:\n  proto plugin index build .`)
    .action(async (dir: string, _options: unknown, command: Command) => (await import('./plugin-index.js')).build(command, dir));
}

function registerScanner(plugin: Command): void {
  plugin
    .command('scan')
    .description('Scan a plugin module\'s imports the way `proto plugin install` does, and say what each one may do.')
    .argument('<target>', 'a .wasm file, or a plugin locator (file://, https://, github://, registry://)')
    .option('--manifest <file>', 'check against the permissions and requested_capabilities of this manifest')
    .option('--permissions <list>', 'check against these permissions (comma-separated, e.g. exec:git,net:github.com)')
    .option('--capabilities <list>', 'requested_capabilities to allow (comma-separated, e.g. exec_command)')
    .option('--json', 'print { target, permissions, blocked, imports: [...] } as JSON on stdout')
    .addHelpText(
      'after',
      `
Hard-blocked, whatever the manifest says: imports from modules other than extism:host/user,
extism:host/env and wasi_snapshot_preview1, WASI socket functions, and functions no host provides.
Blocked unless listed in requested_capabilities: a gated host function (${Object.keys(GATED_HOST_FUNCTIONS).join(', ')})
whose permission family is not declared. With no permissions given, the plugin is unrestricted.
Exits 1 when anything is blocked.

Examples:
  proto plugin scan ./build/my_tool.wasm --permissions exec:git,net:github.com
  proto plugin scan ./build/my_tool.wasm --manifest ./manifests/my_tool/my_tool.json
  proto plugin scan https://example.com/plugins/tool.wasm --json`,
    )
    .action((target: string, flags: ScanFlags) => openSession({}, async (session) => (await import('./plugin-scan.js')).scan(session, target, flags)));
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
  // The session's one read, which the hook plugins below come from too.
  const installed = session.installedPlugins
    .filter((plugin) => plugin.kind === 'tool')
    .flatMap((plugin) => plugin.tools.map((id): PluginEntry => ({ id, kind: 'installed', locator: `file://${plugin.pluginPath}`, source: plugin.origin })))
    .filter((entry) => !configuredIds.has(entry.id))
    .sort((a, b) => byCodePoint(a.id, b.id));
  const shadowed = new Set([...configuredIds, ...installed.map((entry) => entry.id)]);
  const allowed = config.settings.builtinPlugins;
  const builtins = BUILTIN_TOOL_IDS.filter(
    (id) => !shadowed.has(id) && (allowed === true || (Array.isArray(allowed) && allowed.includes(id))),
  )
    .sort()
    .map((id): PluginEntry => ({ id, kind: 'builtin', locator: builtinPluginUrl(id)!, source: null }));
  // Hook plugins, as the session calls them (which ones, and in which order).
  const hooks = session.hooks.inCallOrder.map(({ id, from }): PluginEntry =>
    'locator' in from
      ? { id, kind: 'hook', locator: describeLocator(from.locator), source: hookConfiguringFile(session.loaded.files, id) }
      : { id, kind: 'hook', locator: `file://${from.installed.pluginPath}`, source: from.installed.origin },
  );
  return [...configured, ...installed, ...builtins, ...hooks];
}

function listInstalled(session: Session, options: ListOptions): void {
  const plugins = session.installedPlugins.map(({ name, version, kind, tools, license, origin, installedAt }) => ({
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

/** The highest-precedence file that names a plugin for `id` (files are in detection order, cwd first). */
function hookConfiguringFile(files: readonly ConfigFileEntry[], id: string): string | null {
  return files.find(({ exists, config }) => exists && Object.hasOwn(config.plugins.hooks, id))?.path ?? null;
}

function configuringFile(files: readonly ConfigFileEntry[], id: string): string | null {
  const file = files.find(
    ({ exists, config }) =>
      exists && (config.tools[id]?.plugin !== undefined || Object.hasOwn(config.plugins.tools, id) || Object.hasOwn(config.plugins.legacy, id)),
  );
  return file?.path ?? null;
}
