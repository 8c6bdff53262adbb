/**
 * `proto status`: every tool configured for this directory — its spec, the version that spec
 * resolves to, whether that version is installed, and the file that decided it. Installed
 * versions answer first (no network); otherwise the plugin's version list (cached 12 h) is asked,
 * and a tool whose plugin cannot answer shows no version instead of failing the whole list.
 *
 * The table is built from `STATUS_COLUMNS`, one entry per column, so another column (the
 * lockfile's) is one more entry.
 */
import type { Command } from 'commander';
import { log } from '../../log.js';
import { formatColumns } from '../output/columns.js';
import { out, type Palette } from '../output/colors.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { configuredTools } from './common/configured-tools.js';
import { installedNewestFirst, resolveInstalled } from './common/installed-versions.js';
import { openSession } from './common/open-session.js';

/** One row of `proto status` (also its `--json` item). */
export interface StatusRow {
  id: string;
  spec: string;
  /** `env` or the `.prototools` that pins it. */
  source: string;
  /** What the spec resolves to; null when it cannot be resolved here (offline, unknown plugin). */
  version: string | null;
  installed: boolean;
  /** The product dir when installed. */
  dir: string | null;
}

interface StatusColumn {
  header: string;
  cell(row: StatusRow, palette: Palette): string;
}

export const STATUS_COLUMNS: StatusColumn[] = [
  { header: 'tool', cell: (row, p) => p.tool(row.id) },
  { header: 'spec', cell: (row) => row.spec },
  { header: 'version', cell: (row, p) => (row.version ? p.version(row.version) : p.muted('unresolved')) },
  { header: 'installed', cell: (row, p) => (row.installed ? p.success('yes') : p.warn('no')) },
  { header: 'config', cell: (row, p) => p.path(row.source) },
];

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('List the tools configured here: spec, resolved version, installed or not, and the config file that decides it.')
    .option('--json', 'print { tools: [{ id, spec, source, version, installed, dir }] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto status\n  proto status --json')
    .action((options: { json?: boolean }) => openSession({}, (session) => status(session, options)));
}

async function status(session: Session, options: { json?: boolean }): Promise<void> {
  const tools = await configuredTools(session);
  const rows = await Promise.all(tools.map(({ id, spec, source }) => statusRow(session, id, spec, source)));
  if (options.json) {
    writeJson({ tools: rows });
    return;
  }
  if (rows.length === 0) {
    writeNote(`No tool versions are pinned in .prototools files from ${session.cwd} upward.`);
    return;
  }
  const palette = out();
  const header = STATUS_COLUMNS.map((column) => palette.bold(column.header));
  writeResult(formatColumns([header, ...rows.map((row) => STATUS_COLUMNS.map((column) => column.cell(row, palette)))]).join('\n'));
}

async function statusRow(session: Session, id: string, spec: string, source: string): Promise<StatusRow> {
  const installed = await installedNewestFirst(session, id);
  let version = (await resolveInstalled(session, id, spec, installed)) ?? null;
  if (version === null) {
    try {
      version = await session.resolve(await session.tool(id), spec);
    } catch (error) {
      log('debug', 'status', `${id} ${spec}: ${(error as Error).message}`);
    }
  }
  const isInstalled = version !== null && installed.includes(version);
  return { id, spec, source, version, installed: isInstalled, dir: isInstalled ? session.store.productDir(id, version!) : null };
}
