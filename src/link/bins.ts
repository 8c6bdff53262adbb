/**
 * Bins in `~/.proto/bin` (spec §6.7): symlinks straight to a version's executable, one per
 * version bucket — `<name>` (highest installed), `<name>-<major>`, `<name>-<major>.<minor>`,
 * `<name>-canary`. Unlike shims they skip version detection entirely.
 *
 * `relinkBins` is idempotent: it removes this tool's links and recreates them from the installed
 * versions, so install and uninstall share one code path. A link is replaced by one made under a
 * temp name and renamed over it, so a bin never disappears while being replaced; a link that
 * already points at the right file is left as it is.
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

/** Each entry of the bin dir → its symlink target as written (undefined: not a symlink); undefined when there is no bin dir. */
function readBinDir(binDir: string): Map<string, string | undefined> | undefined {
  let names: string[];
  try {
    names = readdirSync(binDir);
  } catch {
    return undefined;
  }
  return new Map(
    names.map((name) => {
      try {
        return [name, readlinkSync(join(binDir, name))];
      } catch {
        return [name, undefined]; // not a symlink
      }
    }),
  );
}

function pointsInto(binDir: string, target: string | undefined, toolRoot: string): boolean {
  return target !== undefined && isInsideDir(isAbsolute(target) ? target : resolve(binDir, target), toolRoot);
}

/**
 * Points `path` at `source`. An absent name is linked directly; an existing one gets a link made
 * under a temp name and renamed over it (a symlink, so not writeFileAtomic, which writes file
 * contents), so the bin never disappears while being replaced.
 */
function placeLink(path: string, source: string, absent: boolean): void {
  if (absent) {
    try {
      symlinkSync(source, path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made meanwhile: replace it
    }
  }
  const temp = `${path}.tmp-${process.pid}-${randomUUID()}`;
  symlinkSync(source, temp);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
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
  const wanted = new Map<string, string>();
  // The buckets of one version (`node`, `node-20`, `node-20.1`) share its executables: each file is looked at once.
  const present = new Map<string, boolean>();
  for (const [suffix, version] of versionBuckets(options.installedVersions)) {
    const output = await options.locate(version);
    for (const [name, config] of Object.entries(output.exes)) {
      const relativeExe = config.exe_link_path ?? config.exe_path;
      if (config.no_bin || !relativeExe || !isSafeExecutableName(name)) continue;
      const owner = registry[name]?.context ?? (registry[name] ? name : undefined);
      if (owner !== undefined && owner !== toolId) continue;
      const productDir = inventory.productDir(version);
      const source = join(productDir, relativeExe);
      if (!present.has(source)) {
        if (config.update_perms) preparedExecutable(productDir, config, toolId);
        present.set(source, existsSync(source));
      }
      if (!present.get(source)) continue;
      wanted.set(`${name}${suffix}`, source);
    }
  }
  const listing = readBinDir(store.binDir);
  if (listing === undefined && wanted.size > 0) mkdirSync(store.binDir, { recursive: true });
  const current = listing ?? new Map<string, string | undefined>();
  for (const [name, target] of current) {
    if (!wanted.has(name) && pointsInto(store.binDir, target, inventory.productsDir)) rmSync(join(store.binDir, name), { force: true });
  }
  for (const [name, source] of wanted) {
    // A link that already points there (the other buckets when one version is added) stays as it is.
    if (current.get(name) === source) continue;
    placeLink(join(store.binDir, name), source, !current.has(name));
  }
  return [...wanted.keys()].sort();
}
