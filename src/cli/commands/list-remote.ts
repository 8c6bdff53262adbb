/**
 * `proto list-remote <id>` (alias `lsr`; `proto versions` lists installed ones too): what the plugin says can be installed — versions
 * newest first, and aliases (the plugin's, `latest`, and `[tools.<id>.aliases]`, which win as
 * they do in resolution). Uses the remote-versions cache (12 h; any age offline) unless --refresh.
 */
import type { Command } from 'commander';
import type { LoadVersionsOutput } from '../../protocol/index.js';
import { parseVersion, sortVersionStrings } from '../../version/index.js';
import { formatColumns } from '../output/columns.js';
import { sortedByKey } from '../output/sorted-record.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { explainOffline } from './common/offline.js';
import { openSession } from './common/open-session.js';

export interface ListRemoteOptions {
  includePrerelease?: boolean;
  refresh?: boolean;
  json?: boolean;
}

/** The `--json` shape; keys in this order, aliases sorted by name. */
interface RemoteVersionsReport {
  versions: string[];
  aliases: Record<string, string>;
  latest: string | null;
  canary: string | null;
}

export function registerListRemoteCommand(program: Command): void {
  program
    .command('list-remote')
    .alias('lsr')
    .description('List the versions and aliases of a tool that can be installed.')
    .argument('<id>', 'tool id')
    .option('--include-prerelease', 'also list prerelease versions (1.0.0-rc.1)')
    .option('--refresh', 'ask the plugin again instead of using the cached list (12 h)')
    .option('--json', 'print { versions, aliases, latest, canary } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto list-remote node\n  proto lsr node --json --include-prerelease')
    .action((id: string, options: ListRemoteOptions) => openSession({}, (session) => listRemote(session, id, options)));
}

export async function listRemote(session: Session, id: string, options: ListRemoteOptions): Promise<void> {
  const tool = await session.tool(id);
  const output = await explainOffline(session, `list the versions of ${id}`, () => tool.loadVersions('latest', { refresh: options.refresh }));
  const report = buildReport(output, session.config.tools[id]?.aliases ?? {}, options.includePrerelease === true);
  if (options.json) {
    writeJson(report);
    return;
  }
  writeResult(renderReport(report));
}

function buildReport(output: LoadVersionsOutput, userAliases: Readonly<Record<string, string>>, includePrerelease: boolean): RemoteVersionsReport {
  const versions = sortVersionStrings(
    (output.versions ?? []).filter((version) => includePrerelease || parseVersion(version)?.prerelease === undefined),
    'descending',
  );
  const newestStable = sortVersionStrings(
    (output.versions ?? []).filter((version) => parseVersion(version)?.prerelease === undefined),
    'descending',
  )[0];
  const latest = output.latest ?? output.aliases?.latest ?? newestStable ?? null;
  // Resolution forces `latest` to the output's `latest`; user aliases override plugin aliases.
  const merged: Record<string, string> = { ...(output.aliases ?? {}), ...(latest ? { latest } : {}), ...userAliases };
  const aliases = sortedByKey(merged);
  return { versions, aliases, latest, canary: output.canary ?? null };
}

/** Versions newest first, each tagged with the aliases that point straight at it; other aliases after. */
function renderReport(report: RemoteVersionsReport): string {
  const tags = new Map<string, string[]>();
  const indirect: Array<[string, string]> = [];
  for (const [name, target] of Object.entries(report.aliases)) {
    if (report.versions.includes(target)) tags.set(target, [...(tags.get(target) ?? []), name]);
    else indirect.push([name, target]);
  }
  const lines = formatColumns(report.versions.map((version) => [version, (tags.get(version) ?? []).join(', ')]));
  if (lines.length === 0) lines.push('(no versions)');
  if (indirect.length > 0) lines.push('', 'aliases:', ...formatColumns(indirect.map(([name, target]) => [`  ${name}`, `→ ${target}`])));
  if (report.canary) lines.push('', `canary: ${report.canary}`);
  return lines.join('\n');
}

