/**
 * `proto regen [--bin]`: rewrites every installed tool's shims from its newest installed version
 * (after moving proto, or when shims look stale), drops registry entries and shim files of tools
 * with nothing installed, and clears the shim cache. `--bin` also rebuilds `~/.proto/bin`: every
 * link is removed, then each tool's version buckets are linked again.
 *
 * A tool whose plugin cannot be loaded here keeps its shims and bins as they are (with a warning).
 */
import type { Command } from 'commander';
import { out } from '../output/colors.js';
import { writeJson, writeResult } from '../output/write.js';
import type { Tool } from '../../tool/tool.js';
import type { Session } from '../session.js';
import { openSession } from './common/open-session.js';

interface RegenOptions {
  bin?: boolean;
  json?: boolean;
}

export function registerRegenCommand(program: Command): void {
  program
    .command('regen')
    .description('Regenerate the shims of every installed tool, and with --bin relink ~/.proto/bin.')
    .option('--bin', 'also remove and recreate every link in ~/.proto/bin')
    .option('--json', 'print { shims, bins, removed, skipped } as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  proto regen\n  proto regen --bin')
    .action((options: RegenOptions) => openSession({}, (session) => regen(session, options)));
}

async function regen(session: Session, options: RegenOptions): Promise<void> {
  const { promises: fs } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const { isInsideDir } = await import('../../store/inside-dir.js');
  const { createShims, relinkBins, removeShims, shimCacheRoot } = await import('../../link/index.js');
  const { ShimRegistryBatch } = await import('../../link/shim-registry.js');
  const { log } = await import('../../log.js');
  const { inventoriesInStore, installedNewestFirst } = await import('./common/installed-versions.js');
  const { store } = session;

  // Each tool's installed versions, newest first, from the inventory its plugin names.
  const installed = new Map<string, { versions: string[]; tool?: Tool; productsDir: string }>();
  for (const { id, inventory, tool } of await inventoriesInStore(session)) {
    const versions = await installedNewestFirst(inventory).catch(() => [] as string[]);
    if (versions.length > 0) installed.set(id, { versions, tool, productsDir: inventory.productsDir });
  }

  // The registry is written once, when every tool is done (also when some failed): each change is
  // queued in the batch, and the tools after it see it in `current()`.
  const batch = new ShimRegistryBatch(store);
  const removed: string[] = [];
  const shims: string[] = [];
  const bins: string[] = [];
  const skipped: Array<{ id: string; reason: string }> = [];
  try {
    // Shims of tools with nothing installed (or owners gone) are stale.
    const registry = await batch.current();
    for (const owner of new Set(Object.entries(registry).map(([name, entry]) => entry.context ?? name))) {
      if (!installed.has(owner)) removed.push(...(await removeShims(store, owner, { batch })));
    }
    await fs.rm(shimCacheRoot(store), { recursive: true, force: true });
    if (options.bin) {
      // Links into an installed tool are rewritten by relinkBins below, which also drops the ones it
      // no longer wants; a tool skipped there keeps its own. Every other link is stale.
      const toolDirs = [...installed.values()].map((entry) => entry.productsDir);
      for (const name of await fs.readdir(store.binDir).catch(() => [] as string[])) {
        const path = join(store.binDir, name);
        if (!(await fs.lstat(path)).isSymbolicLink()) continue;
        const target = resolve(store.binDir, await fs.readlink(path));
        if (!toolDirs.some((dir) => isInsideDir(target, dir))) await fs.rm(path, { force: true });
      }
    }

    for (const [id, { versions, tool: known }] of installed) {
      try {
        // A tool whose plugin cannot be loaded (or located) here keeps its links; this says why.
        const tool = known ?? (await session.tool(id));
        const located = await tool.locate(versions[0]!);
        await removeShims(store, id, { batch });
        shims.push(...(await createShims(store, id, located, { batch })).created);
        if (options.bin) {
          bins.push(
            ...(await relinkBins({
              store,
              toolId: id,
              inventory: tool.inventory,
              installedVersions: versions,
              locate: (version) => tool.locate(version),
              registry: await batch.current(),
            })),
          );
        }
      } catch (error) {
        log('warn', 'regen', `${id}: left as it is (${(error as Error).message})`);
        skipped.push({ id, reason: (error as Error).message });
      }
    }
  } finally {
    await batch.flush();
  }
  if (options.json) {
    writeJson({ shims: shims.sort(), bins: bins.sort(), removed: removed.sort(), skipped });
    return;
  }
  const palette = out();
  writeResult(
    [
      `shims: ${shims.sort().map((name) => palette.tool(name)).join(', ') || 'none'}`,
      ...(options.bin ? [`bins: ${bins.sort().join(', ') || 'none'}`] : []),
      ...(removed.length > 0 ? [`removed stale shims: ${removed.sort().join(', ')}`] : []),
      ...skipped.map(({ id }) => `skipped ${palette.tool(id)} (its plugin cannot be loaded here)`),
    ].join('\n'),
  );
}
