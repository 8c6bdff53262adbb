/**
 * `proto status`: every tool configured for this directory — its spec, the version that spec
 * resolves to, whether that version is installed (and where: its plugin's inventory decides), and
 * the file that decided it. Installed versions answer first (no network); otherwise the plugin's
 * version list (cached 12 h) is asked, and a tool whose plugin cannot answer shows no version
 * instead of failing the whole list.
 *
 * The table is built from `STATUS_COLUMNS`, one entry per column. The `locked` column (what the
 * enabling `.protolock` records for the spec on this machine) shows when a lockfile is enabled
 * here; `--json` always has the field. A locked spec resolves to its locked version, as `install`
 * and `run` resolve it.
 */
import type { Command } from 'commander';
import { log } from '../../log.js';
import { formatColumns } from '../output/columns.js';
import { out, type Palette } from '../output/colors.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import { configuredTools } from './common/configured-tools.js';
import { installedNewestFirst, resolveInstalled, toolInventory } from './common/installed-versions.js';
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
  /** The record of the spec in the `.protolock` that applies here; null when none records it. */
  locked: { version: string; checksum: string | null; lockfile: string } | null;
}

interface StatusColumn {
  header: string;
  cell(row: StatusRow, palette: Palette): string;
  /** Shown only when this says so (default: always). */
  shown?(session: Session): boolean;
}

const STATUS_COLUMNS: StatusColumn[] = [
  { header: 'tool', cell: (row, p) => p.tool(row.id) },
  { header: 'spec', cell: (row) => row.spec },
  { header: 'version', cell: (row, p) => (row.version ? p.version(row.version) : p.muted('unresolved')) },
  { header: 'installed', cell: (row, p) => (row.installed ? p.success('yes') : p.warn('no')) },
  {
    header: 'locked',
    cell: (row, p) => (row.locked ? [p.version(row.locked.version), ...(row.locked.checksum ? [p.muted(shortChecksum(row.locked.checksum))] : [])].join(' ') : ''),
    shown: (session) => session.lockfiles.plan.locked.length > 0,
  },
  { header: 'config', cell: (row, p) => p.path(row.source) },
];

/** `sha256:0123456789ab…`: enough to compare by eye; `--json` has the whole checksum. */
function shortChecksum(checksum: string): string {
  const separator = checksum.indexOf(':');
  const value = checksum.slice(separator + 1);
  return value.length > 12 ? `${checksum.slice(0, separator + 1)}${value.slice(0, 12)}…` : checksum;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'List the tools configured here: spec, resolved version, installed or not, the version and checksum the lockfile records (when one is enabled), and the config file that decides it.',
    )
    .option('--json', 'print { tools: [{ id, spec, source, version, installed, dir, locked: { version, checksum, lockfile } | null }] } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto status\n  proto status --json')
    .action((options: { json?: boolean }) => openSession({}, (session) => status(session, options)));
}

export async function status(session: Session, options: { json?: boolean }): Promise<void> {
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
  const columns = STATUS_COLUMNS.filter((column) => column.shown?.(session) ?? true);
  const header = columns.map((column) => palette.bold(column.header));
  writeResult(formatColumns([header, ...rows.map((row) => columns.map((column) => column.cell(row, palette)))]).join('\n'));
}

async function statusRow(session: Session, id: string, spec: string, source: string): Promise<StatusRow> {
  const locked = lockedRecord(session, id, spec);
  const { inventory, tool } = await toolInventory(session, id);
  const installed = await installedNewestFirst(inventory);
  let version = locked?.version ?? (await resolveInstalled(session, id, spec, installed, inventory)) ?? null;
  if (version === null && tool) {
    try {
      version = await session.resolve(tool, spec);
    } catch (error) {
      log('debug', 'status', `${id} ${spec}: ${(error as Error).message}`);
    }
  }
  const isInstalled = version !== null && installed.includes(version);
  return { id, spec, source, version, installed: isInstalled, dir: isInstalled ? inventory.productDir(version!) : null, locked };
}

/**
 * The lockfile's record for the spec on this machine. Read with the default lock options, without
 * loading the plugin for its `lock_options`: a record without os/arch (what `ignore_os_arch`
 * writes) matches every machine either way.
 */
function lockedRecord(session: Session, id: string, spec: string): StatusRow['locked'] {
  const locked = session.lockfiles.lockedVersion(id, spec);
  return locked ? { version: locked.record.version, checksum: locked.record.checksum ?? null, lockfile: locked.lockPath } : null;
}
