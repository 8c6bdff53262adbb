/**
 * Bins in `~/.proto/bin` (spec §6.7): symlinks straight to a version's executable, one per
 * version bucket — `<name>` (highest installed), `<name>-<major>`, `<name>-<major>.<minor>`,
 * `<name>-canary`. Unlike shims they skip version detection entirely.
 *
 * `relinkBins` is idempotent: it removes this tool's links and recreates them from the installed
 * versions, so install and uninstall share one code path. Each link is made under a temp name and
 * renamed over the old one, so a bin never disappears while being replaced.
 */
import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { compareVersions, parseVersion } from '../version/index.js';
import type { LocateExecutablesOutput } from '../protocol/index.js';
import { isInsideDir, type Inventory, type Store } from '../store/index.js';
import { preparedExecutable } from './executable.js';
import { isSafeExecutableName } from './names.js';
import type { ShimRegistry } from './shim-registry.js';

/** Bucket suffix (`''`, `-20`, `-20.1`, `-canary`) → the version linked there. */
export function versionBuckets(versions: readonly string[]): Map<string, string> {
  const buckets = new Map<string, string>();
  const parsed = versions
    .map((version) => ({ version, parsed: parseVersion(version) }))
    .sort((a, b) => (a.parsed && b.parsed ? compareVersions(b.parsed, a.parsed) : a.parsed ? -1 : b.parsed ? 1 : 0));
  for (const { version, parsed: parsedVersion } of parsed) {
    if (version === 'canary') {
      buckets.set('-canary', version);
      continue;
    }
    if (!parsedVersion) continue;
    for (const suffix of ['', `-${parsedVersion.major}`, `-${parsedVersion.major}.${parsedVersion.minor}`]) {
      if (!buckets.has(suffix)) buckets.set(suffix, version);
    }
  }
  return buckets;
}

function linksIntoTool(store: Store, toolRoot: string): string[] {
  let names: string[];
  try {
    names = readdirSync(store.binDir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    try {
      const target = readlinkSync(join(store.binDir, name));
      return isInsideDir(isAbsolute(target) ? target : resolve(store.binDir, target), toolRoot);
    } catch {
      return false; // not a symlink
    }
  });
}

export interface RelinkBinsOptions {
  store: Store;
  toolId: string;
  /** Where the tool's versions are installed: the tool's own inventory (its plugin's options). */
  inventory: Inventory;
  installedVersions: readonly string[];
  /** `locate_executables` for one installed version. */
  locate: (version: string) => Promise<LocateExecutablesOutput>;
  /** Names owned by other tools are left alone. */
  registry: ShimRegistry;
}

/** Recreates this tool's bins; returns the link names now present. */
export async function relinkBins(options: RelinkBinsOptions): Promise<string[]> {
  const { store, toolId, registry, inventory } = options;
  mkdirSync(store.binDir, { recursive: true });
  const wanted = new Map<string, string>();
  for (const [suffix, version] of versionBuckets(options.installedVersions)) {
    const output = await options.locate(version);
    for (const [name, config] of Object.entries(output.exes)) {
      const relativeExe = config.exe_link_path ?? config.exe_path;
      if (config.no_bin || !relativeExe || !isSafeExecutableName(name)) continue;
      const owner = registry[name]?.context ?? (registry[name] ? name : undefined);
      if (owner !== undefined && owner !== toolId) continue;
      const productDir = inventory.productDir(version);
      if (config.update_perms) preparedExecutable(productDir, config, toolId);
      const source = join(productDir, relativeExe);
      if (!existsSync(source)) continue;
      wanted.set(`${name}${suffix}`, source);
    }
  }
  for (const name of linksIntoTool(store, inventory.productsDir)) {
    if (!wanted.has(name)) rmSync(join(store.binDir, name), { force: true });
  }
  for (const [name, source] of wanted) {
    const path = join(store.binDir, name);
    // A symlink, so not writeFileAtomic (which writes file contents): made aside, renamed over.
    const temp = `${path}.tmp-${process.pid}-${randomUUID()}`;
    symlinkSync(source, temp);
    renameSync(temp, path);
  }
  return [...wanted.keys()].sort();
}
