/**
 * Plugins installed from an index, under `~/.proto/plugins/installed/<name>/`:
 *
 *   plugin.wasm     the verified module, or plugin.toml / .json / .jsonc / .yaml / .yml for a
 *                   schema plugin (the extension tells the loader which it is)
 *   manifest.json   the manifest it was installed from, verbatim
 *   LICENSE         the license text from the index, when it had one
 *   install.json    what the lookups need without parsing the manifest (version, kind, tools,
 *                   permissions, callTimeoutMs...)
 *
 * Concurrency contract: an install is staged in a sibling directory (same file system) and
 * swapped in under the plugin's lock (`installed/<name>.lock`, `src/store/lock.ts`), so a reader
 * sees the old install or the new one, and two installs at once end with one complete install
 * (the last to commit). Uninstall takes the same lock.
 *
 * Reading is synchronous and cheap (one small JSON per plugin): tool lookup runs it on every
 * command that names a tool without a configured plugin.
 */
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { lazyCrypto } from '../lazy-builtins.js';
import { acquireLock, writeFileAtomic, type Store } from '../store/index.js';
import type { PluginKind } from './manifest.js';

export const WASM_FILE = 'plugin.wasm';
export const MANIFEST_FILE = 'manifest.json';
export const LICENSE_FILE = 'LICENSE';
const RECORD_FILE = 'install.json';

/** `install.json`. */
export interface InstallRecord {
  name: string;
  version: string;
  kind: PluginKind;
  tools: string[];
  license: string;
  /** sha256 of the package as downloaded (the manifest's `sha256`). */
  sha256: string;
  /** The package URL from the manifest, as written. */
  packageUrl: string;
  /** The index (or `--file`/`--url`) it came from. */
  origin: string;
  installedAt: string;
  /** Installed with `--override-compatibility-check` although its rule excludes this proto. */
  compatibilityOverridden?: boolean;
  /** The plugin file in the install dir (records without it predate schema plugins: `plugin.wasm`). */
  pluginFile?: string;
  /** The manifest's `permissions`; absent = it declares none (unrestricted). */
  permissions?: string[];
  /** The manifest's `requested_capabilities`. */
  requestedCapabilities?: string[];
  /** The manifest's `callTimeoutMs`, as written (clamped where it is used). */
  callTimeoutMs?: number;
}

export interface InstalledPlugin extends InstallRecord {
  dir: string;
  /** The `.wasm` or schema file that tool lookup loads. */
  pluginPath: string;
}

/** The install dir's name for a package's plugin file: `plugin` plus the package's extension. */
export function pluginFileName(packageFileName: string): string {
  return `plugin${extname(packageFileName).toLowerCase()}`;
}

/** Every installed plugin, by name. Broken entries (no record, no module) are skipped. */
export function listInstalledPlugins(store: Store): InstalledPlugin[] {
  let names: string[];
  try {
    names = readdirSync(store.installedPluginsDir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    // Plugin names have no dots; lock files, their temp files and staging dirs all do.
    if (name.includes('.')) return [];
    const plugin = readInstalledPlugin(store, name);
    return plugin ? [plugin] : [];
  });
}

export function readInstalledPlugin(store: Store, name: string): InstalledPlugin | undefined {
  const dir = store.installedPluginDir(name);
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORD_FILE), 'utf8')) as InstallRecord;
    const file = record.pluginFile ?? WASM_FILE;
    // The record is ours, but a hand-edited one must not point outside the install dir.
    if (record.name !== name || !Array.isArray(record.tools) || !/^plugin\.[a-z]+$/.test(file) || !existsSync(join(dir, file))) return undefined;
    return { ...record, dir, pluginPath: join(dir, file) };
  } catch {
    return undefined;
  }
}

/** The installed tool plugin that provides `toolId` (plugins are scanned in name order). */
export function installedPluginForTool(store: Store, toolId: string): InstalledPlugin | undefined {
  // The common case, a plugin named after its tool, costs one read.
  const direct = readInstalledPlugin(store, toolId);
  if (direct?.kind === 'tool' && direct.tools.includes(toolId)) return direct;
  return listInstalledPlugins(store).find((plugin) => plugin.kind === 'tool' && plugin.tools.includes(toolId));
}

/** A fresh staging dir for one install, next to its final place. */
export async function createStagingDir(store: Store, name: string): Promise<string> {
  const dir = join(store.installedPluginsDir, `.staging-${name}-${process.pid}-${lazyCrypto().randomBytes(4).toString('hex')}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** Writes the record into a staging dir (the last file of a staged install). */
export async function writeInstallRecord(stagingDir: string, record: InstallRecord): Promise<void> {
  await writeFileAtomic(join(stagingDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Swaps a staged install into place under the plugin's lock. `beforeCommit` runs with the lock
 * held (to re-check what may have changed while staging); whatever it throws aborts the commit.
 */
export async function commitInstalledPlugin(store: Store, name: string, stagingDir: string, beforeCommit?: () => Promise<void> | void): Promise<void> {
  const target = store.installedPluginDir(name);
  const lock = await acquireLock(`${target}.lock`);
  try {
    await beforeCommit?.();
    const trash = join(store.installedPluginsDir, `.trash-${name}-${process.pid}-${lazyCrypto().randomBytes(4).toString('hex')}`);
    const hadPrevious = await fs.rename(target, trash).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    try {
      await fs.rename(stagingDir, target);
    } catch (error) {
      if (hadPrevious) await fs.rename(trash, target);
      throw error;
    }
    if (hadPrevious) await fs.rm(trash, { recursive: true, force: true });
  } finally {
    await lock.release();
  }
}

/** Removes an installed plugin. False when it was not installed. */
export async function removeInstalledPlugin(store: Store, name: string): Promise<boolean> {
  const target = store.installedPluginDir(name);
  const lock = await acquireLock(`${target}.lock`);
  try {
    if (!existsSync(target)) return false;
    const trash = join(store.installedPluginsDir, `.trash-${name}-${process.pid}-${lazyCrypto().randomBytes(4).toString('hex')}`);
    await fs.rename(target, trash);
    await fs.rm(trash, { recursive: true, force: true });
    return true;
  } finally {
    await lock.release();
  }
}
