/**
 * `proto clean [--days N] [--yes]`: frees the store of what has not been used for N days (30 by
 * default): tool versions (by `.last-used`, written by every run into the version dir wherever
 * the tool's plugin keeps it, else their install time), cached plugins (by modification time) and
 * temp files. Versions marked `no_clean`, versions the config read here pins, and temp entries
 * under a live install lock are kept. Prints what it freed. `[settings] auto-clean = true` runs it after `proto install`, without asking.
 */
import type { Command } from 'commander';
import { ProtoError } from '../../errors.js';
import { formatBytes } from '../../format-bytes.js';
import { out } from '../output/colors.js';
import { writeJson, writeNote, writeResult } from '../output/write.js';
import type { Session } from '../session.js';
import type { ToolInventory } from './common/installed-versions.js';
import { openSession } from './common/open-session.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CLEAN_DAYS = 30;

interface CleanOptions {
  days?: string;
  yes?: boolean;
  json?: boolean;
}

export interface CleanReport {
  tools: Array<{ id: string; version: string; bytes: number }>;
  plugins: Array<{ file: string; bytes: number }>;
  temp: Array<{ path: string; bytes: number }>;
  bytes: number;
}

export function registerCleanCommand(program: Command): void {
  program
    .command('clean')
    .description('Remove tool versions, cached plugins and temp files not used for some days, and print what was freed.')
    .option('--days <n>', `remove what has not been used for this many days (default ${DEFAULT_CLEAN_DAYS})`)
    .option('-y, --yes', 'do not ask before removing tool versions')
    .option('--json', 'print { tools, plugins, temp, bytes } as JSON on stdout')
    .addHelpText(
      'after',
      '\nKept: versions marked no_clean, versions pinned by the .prototools read here, and files of an\ninstall in progress.\n\nExamples:\n  proto clean\n  proto clean --days 7 --yes',
    )
    .action((options: CleanOptions) =>
      openSession({}, async (session) => {
        const days = parseDays(options.days);
        const report = await cleanStore(session, { days, confirmRemoval: true, yes: options.yes });
        printReport(report, days, options.json === true);
      }),
    );
}

function parseDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CLEAN_DAYS;
  if (!/^\d+$/.test(value)) {
    throw new ProtoError('cli.invalid_option', `--days must be a whole number of days, got "${value}"`, { hint: 'Example: proto clean --days 7' });
  }
  return Number(value);
}

function printReport(report: CleanReport, days: number, json: boolean): void {
  if (json) {
    writeJson(report);
    return;
  }
  const palette = out();
  for (const { id, version, bytes } of report.tools) writeResult(`removed ${palette.tool(id)} ${palette.version(version)} (${formatBytes(bytes)})`);
  for (const { file, bytes } of report.plugins) writeResult(`removed plugin ${palette.path(file)} (${formatBytes(bytes)})`);
  if (report.temp.length > 0) writeResult(`removed ${report.temp.length} temp ${report.temp.length === 1 ? 'entry' : 'entries'} (${formatBytes(report.temp.reduce((sum, item) => sum + item.bytes, 0))})`);
  const count = report.tools.length + report.plugins.length + report.temp.length;
  writeNote(count === 0 ? `Nothing unused for ${days} days: nothing removed.` : `Freed ${formatBytes(report.bytes)}.`);
}

/**
 * Removes what is stale and reports it. `confirmRemoval` asks before tool versions go (the CLI);
 * auto-clean passes false.
 */
export async function cleanStore(session: Session, options: { days: number; confirmRemoval: boolean; yes?: boolean; now?: number }): Promise<CleanReport> {
  const { promises: fs } = await import('node:fs');
  const { join } = await import('node:path');
  const { confirm } = await import('./common/confirm.js');
  const { inventoriesInStore, resolveInstalled } = await import('./common/installed-versions.js');
  const { log } = await import('../../log.js');
  const { store } = session;
  const cutoff = (options.now ?? Date.now()) - options.days * DAY_MS;
  const report: CleanReport = { tools: [], plugins: [], temp: [], bytes: 0 };

  // Tool versions, in the inventory each tool's plugin names (its .last-used is in the version dir).
  const stale: Array<{ tool: ToolInventory; version: string }> = [];
  for (const tool of await inventoriesInStore(session)) {
    const { id, inventory } = tool;
    const manifest = await inventory.readManifest().catch(() => undefined);
    if (!manifest) continue;
    const pinned = new Set<string>();
    const spec = session.config.versions[id];
    if (spec !== undefined) {
      const version = await resolveInstalled(session, id, spec, manifest.installed_versions, inventory);
      if (version) pinned.add(version);
    }
    for (const version of manifest.installed_versions) {
      const entry = manifest.versions[version];
      if (entry?.no_clean || pinned.has(version)) continue;
      const used = (await inventory.lastUsed(version)) ?? entry?.installed_at ?? 0;
      if (used < cutoff) stale.push({ tool, version });
    }
  }
  if (stale.length > 0) {
    const list = stale.map(({ tool, version }) => `${tool.id} ${version}`).join(', ');
    const go = !options.confirmRemoval || (await confirm(`Remove ${stale.length} tool ${stale.length === 1 ? 'version' : 'versions'} unused for ${options.days} days (${list})?`, { yes: options.yes, flagHint: '--yes (or -y)' }));
    if (go) {
      for (const { tool: { id, inventory, tool }, version } of stale) {
        const dir = inventory.productDir(version);
        const bytes = await sizeOf(fs, join, dir);
        if (tool) {
          try {
            await tool.uninstall(version);
          } catch (error) {
            log('warn', 'clean', `${id} ${version} not removed: ${(error as Error).message}`);
            continue;
          }
        } else {
          // The plugin is not configured here: remove the files and the record; `proto regen` fixes links.
          log('warn', 'clean', `${id} ${version}: removing without its plugin`);
          await fs.rm(dir, { recursive: true, force: true });
          await inventory.updateManifest((manifest) => {
            manifest.installed_versions = manifest.installed_versions.filter((installed) => installed !== version);
            delete manifest.versions[version];
          });
        }
        report.tools.push({ id, version, bytes });
      }
    }
  }

  // Cached plugins.
  for (const name of await listDir(fs, store.pluginsDir)) {
    const path = join(store.pluginsDir, name);
    const stat = await fs.stat(path).catch(() => undefined);
    if (!stat?.isFile() || stat.mtimeMs >= cutoff) continue;
    await fs.rm(path, { force: true });
    report.plugins.push({ file: path, bytes: stat.size });
  }

  // Temp: every entry one level below temp/<id>/, unless an install holds its lock.
  for (const id of await listDir(fs, store.tempDir)) {
    const toolTemp = join(store.tempDir, id);
    for (const name of await listDir(fs, toolTemp)) {
      const path = join(toolTemp, name);
      if (name.endsWith('.lock')) continue;
      if ((await fs.stat(`${path}.lock`).catch(() => undefined)) !== undefined) {
        const { readLiveLockOwner } = await import('../../store/lock.js');
        if (await readLiveLockOwner(`${path}.lock`)) continue;
      }
      const stat = await fs.lstat(path).catch(() => undefined);
      if (!stat || stat.mtimeMs >= cutoff) continue;
      const bytes = await sizeOf(fs, join, path);
      await fs.rm(path, { recursive: true, force: true });
      await fs.rm(`${path}.lock`, { force: true });
      report.temp.push({ path, bytes });
    }
    await fs.rmdir(toolTemp).catch(() => undefined);
  }
  report.bytes = [...report.tools, ...report.plugins, ...report.temp].reduce((sum, item) => sum + item.bytes, 0);
  return report;
}

type Fs = typeof import('node:fs').promises;

async function listDir(fs: Fs, dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** Bytes of the files under `path` (symlinks counted as links). */
async function sizeOf(fs: Fs, join: (...parts: string[]) => string, path: string): Promise<number> {
  const stat = await fs.lstat(path).catch(() => undefined);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of await fs.readdir(path).catch(() => [] as string[])) total += await sizeOf(fs, join, join(path, name));
  return total;
}
