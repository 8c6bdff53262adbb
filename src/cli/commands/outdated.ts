/**
 * `proto outdated [--update] [--latest]` (alias `o`): for every tool configured here, the version
 * its spec resolves to now, the newest version that still matches the spec, and the latest one.
 * `--update` rewrites each outdated pin, in the file that holds it and keeping its comments, to
 * the newest matching version, or with `--latest` to the latest one.
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { log } from '../../log.js';
import type { LoadVersionsOutput } from '../../protocol/index.js';
import { compareVersions, parseVersion, resolveVersion } from '../../version/index.js';
import { formatColumns } from '../output/columns.js';
import { out } from '../output/colors.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { configuredTools, type ConfiguredTool } from './common/configured-tools.js';
import { explainOffline } from './common/offline.js';
import { openSession } from './common/open-session.js';

interface OutdatedOptions {
  update?: boolean;
  latest?: boolean;
  json?: boolean;
}

/** One tool of `proto outdated` (also its `--json` item). */
interface OutdatedTool {
  id: string;
  spec: string;
  source: string;
  /** What the spec resolves to now (installed versions first). */
  current: string;
  /** The newest listed version matching the spec. */
  newest: string;
  /** The plugin's latest version. */
  latest: string;
  /** `newest` (or with --latest, `latest`) is newer than `current`. */
  outdated: boolean;
  /** With --update: the version written to `source`. */
  updated?: string;
}

export function registerOutdatedCommand(program: Command): void {
  program
    .command('outdated')
    .alias('o')
    .description('Check whether the tool versions configured here are out of date.')
    .option('--update', 'rewrite each outdated pin to the newest version matching it (in the file that holds it)')
    .option('--latest', 'compare with (and with --update, pin) the latest version instead of the newest matching one')
    .option('--json', 'print { tools: [{ id, spec, source, current, newest, latest, outdated, updated? }] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto outdated\n  proto outdated --update\n  proto outdated --update --latest')
    .action((options: OutdatedOptions) => openSession({}, (session) => outdated(session, options)));
}

async function outdated(session: Session, options: OutdatedOptions): Promise<void> {
  const tools = (await configuredTools(session)).filter((tool) => tool.source !== 'env' || !options.update);
  if (tools.length === 0) {
    throw new ProtoError('outdated.nothing_configured', `No tool versions are pinned in .prototools files from ${session.cwd} upward.`, {
      hint: 'Pin one with `proto pin <id> <spec>`.',
    });
  }
  const results = await Promise.all(tools.map((tool) => checkTool(session, tool, options.latest === true)));
  if (options.update) {
    const { pinVersion } = await import('../../config/index.js');
    for (const result of results) {
      if (!result.outdated || result.source === 'env') continue;
      result.updated = await pinVersion(result.source, result.id, options.latest ? result.latest : result.newest);
    }
  }
  if (options.json) {
    writeJson({ tools: results });
    return;
  }
  const palette = out();
  const rows = results.map((result) => [
    palette.tool(result.id),
    result.spec,
    palette.version(result.current),
    result.newest === result.current ? palette.muted(result.newest) : palette.success(result.newest),
    result.latest === result.current ? palette.muted(result.latest) : palette.success(result.latest),
    result.updated ? `pinned "${result.updated}" in ${palette.path(result.source)}` : palette.path(result.source),
  ]);
  const header = ['tool', 'spec', 'current', 'newest', 'latest', 'config'].map((title) => palette.bold(title));
  writeResult(formatColumns([header, ...rows]).join('\n'));
  const stale = results.filter((result) => result.outdated);
  if (stale.length === 0) writeNote('Every configured tool is up to date.');
  else if (!options.update) writeNote(`${stale.length} outdated; run \`proto outdated --update${options.latest ? ' --latest' : ''}\` to pin the new versions.`);
}

async function checkTool(session: Session, tool: ConfiguredTool, useLatest: boolean): Promise<OutdatedTool> {
  const plugin = await session.tool(tool.id);
  const remote: LoadVersionsOutput = await explainOffline(session, `check ${tool.id} for updates`, () => plugin.loadVersions());
  const userAliases = session.config.tools[tool.id]?.aliases;
  const installed = await plugin.installedVersions();
  const current = resolveVersion({ spec: tool.spec, remote, installed, userAliases, toolId: tool.id });
  const newest = resolveVersion({ spec: tool.spec, remote, installed: [], userAliases, toolId: tool.id });
  const latest = resolveVersion({ spec: 'latest', remote, installed: [], toolId: tool.id });
  const target = useLatest ? latest : newest;
  log('debug', 'outdated', `${tool.id} ${tool.spec}: current ${current}, newest ${newest}, latest ${latest}`);
  return { ...tool, current, newest, latest, outdated: isNewer(target, current) };
}

function isNewer(candidate: string, than: string): boolean {
  const a = parseVersion(candidate);
  const b = parseVersion(than);
  return a !== undefined && b !== undefined && compareVersions(a, b) > 0;
}
