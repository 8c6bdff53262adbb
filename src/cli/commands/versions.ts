/**
 * `proto versions <id> [filter] [--aliases] [--installed]` (alias `vs`): the versions a tool's
 * plugin lists, newest first, marking the installed ones with their install date; a requirement
 * filters them, `--installed` keeps the installed ones, `--aliases` adds the aliases after them.
 * The version list comes through the remote-versions cache (12 h; any age offline).
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { parseSpec, sortVersionStrings, specMatches } from '../../version/index.js';
import { formatColumns } from '../output/columns.js';
import { sortedByKey } from '../output/sorted-record.js';
import { out } from '../output/colors.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { explainOffline } from './common/offline.js';
import { openSession } from './common/open-session.js';

interface VersionsOptions {
  aliases?: boolean;
  installed?: boolean;
  json?: boolean;
}

export function registerVersionsCommand(program: Command): void {
  program
    .command('versions')
    .alias('vs')
    .description('List the versions of a tool (newest first), marking the installed ones.')
    .argument('<id>', 'tool id')
    .argument('[filter]', 'only versions matching this requirement or range (e.g. ^20, "~1.4 || 2")')
    .option('--aliases', 'also list the aliases (the plugin\'s and [tools.<id>.aliases])')
    .option('--installed', 'only list installed versions')
    .option('--json', 'print { versions: [{ version, installedAt? }], localAliases, remoteAliases } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto versions node\n  proto vs node ^20 --installed\n  proto versions node --aliases --json')
    .action((id: string, filter: string | undefined, options: VersionsOptions) => openSession({}, (session) => versions(session, id, filter, options)));
}

async function versions(session: Session, id: string, filter: string | undefined, options: VersionsOptions): Promise<void> {
  const requirement = filter === undefined ? undefined : parseSpec(filter);
  if (requirement && (requirement.kind === 'alias' || requirement.kind === 'canary')) {
    throw new ProtoError('cli.invalid_option', `The filter must be a version requirement or range, got the alias "${filter}".`, {
      hint: `Use e.g. \`proto versions ${id} ^20\`; aliases are listed with --aliases.`,
    });
  }
  const tool = await session.tool(id);
  const remote = await explainOffline(session, `list the versions of ${id}`, () => tool.loadVersions());
  const manifest = await tool.inventory.readManifest();
  const installedAt = (version: string) => {
    const at = manifest.installed_versions.includes(version) ? manifest.versions[version]?.installed_at : undefined;
    return typeof at === 'number' && at > 0 ? new Date(at).toISOString() : undefined;
  };
  const all = sortVersionStrings([...new Set([...(remote.versions ?? []), ...manifest.installed_versions])], 'descending');
  const items = all
    .filter((version) => !requirement || specMatches(requirement, version))
    .filter((version) => !options.installed || manifest.installed_versions.includes(version))
    .map((version) => ({ version, ...(installedAt(version) ? { installedAt: installedAt(version)! } : {}) }));
  const localAliases = sortedByKey(session.config.tools[id]?.aliases ?? {});
  const remoteAliases = sortedByKey(remote.aliases ?? {});
  if (options.json) {
    writeJson({ versions: items, localAliases, remoteAliases });
    return;
  }
  const palette = out();
  const lines = formatColumns(
    items.map((item) => [item.installedAt ? palette.version(item.version) : item.version, item.installedAt ? palette.muted(`installed ${item.installedAt.slice(0, 10)}`) : '']),
  );
  if (lines.length === 0) lines.push(`(no ${options.installed ? 'installed ' : ''}versions${filter ? ` matching ${filter}` : ''})`);
  if (options.aliases && !options.installed) {
    const aliases = { ...remoteAliases, ...localAliases };
    lines.push(...Object.entries(aliases).map(([name, target]) => `${name} ${palette.muted('→')} ${target}`));
  }
  writeResult(lines.join('\n'));
}
