/**
 * `proto plugin list`: the tool plugins this directory can use — the ones configured in
 * `.prototools` (`[tools.<id>] plugin`, `[plugins.tools]`, flat `[plugins]`), then the
 * built-in tools not overridden or disabled (`settings.builtin-tools`). Nothing is downloaded
 * or loaded, so it works offline and fast.
 */
import type { Command } from 'commander';
import { pluginLocatorFor, type ConfigFileEntry, type PluginLocator } from '../../config/index.js';
import { builtinPluginUrl, BUILTIN_TOOL_IDS } from '../../registry/index.js';
import { formatColumns } from '../output/columns.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { withSession } from './common/with-session.js';

interface PluginEntry {
  id: string;
  kind: 'configured' | 'builtin';
  /** As written (relative `file://` locators resolved to absolute paths). */
  locator: string;
  /** The `.prototools` that configures it; null for built-ins. */
  source: string | null;
}

export function registerPluginCommand(program: Command): void {
  const plugin = program.command('plugin').description('Inspect tool plugins.');
  plugin
    .command('list')
    .alias('ls')
    .description('List configured and built-in tool plugins with their locators.')
    .option('--json', 'print { plugins: [{ id, kind, locator, source }] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto plugin list\n  proto plugin list --json')
    .action((options: { json?: boolean }) => withSession({}, (session) => listPlugins(session, options)));
}

async function listPlugins(session: Session, options: { json?: boolean }): Promise<void> {
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
  const allowed = config.settings.builtinPlugins;
  const builtins = BUILTIN_TOOL_IDS.filter(
    (id) => !configuredIds.has(id) && (allowed === true || (Array.isArray(allowed) && allowed.includes(id))),
  )
    .sort()
    .map((id): PluginEntry => ({ id, kind: 'builtin', locator: builtinPluginUrl(id)!, source: null }));
  return [...configured, ...builtins];
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
