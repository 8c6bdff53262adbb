/**
 * Uninstalls one version of a tool (plugin-api §7.2 "Uninstall"): `native_uninstall` when exported,
 * then the product dir, then its manifest.json entry. Runs under the same per-version lock as
 * installTool, so an uninstall never races an install of the same version.
 *
 * Links (shims in `~/.proto/shims`, bins in `~/.proto/bin`) are not touched: the result tells
 * the caller which versions remain, so the linker can remove everything of the tool (none left)
 * or re-point the buckets that used this version.
 */
import { promises as fs } from 'node:fs';
import { ProtoError } from '../errors.js';
import type { Inventory, Store } from '../store/index.js';
import type { InstallSettings } from './install-settings.js';
import type { InstallPluginPort } from './plugin-port.js';

export interface UninstallToolOptions {
  store: Store;
  plugin: InstallPluginPort;
  /** Where the tool's manifest and product dirs are; default layout when absent. */
  inventory?: Inventory;
  version: string;
  settings?: InstallSettings;
  signal?: AbortSignal;
}

export interface UninstallToolResult {
  /** False when the version was not installed (nothing to do). */
  uninstalled: boolean;
  /** The product dir that was removed. */
  dir: string;
  /** Versions of the tool still installed, per manifest.json after the change. */
  remainingVersions: string[];
}

export async function uninstallTool(options: UninstallToolOptions): Promise<UninstallToolResult> {
  const { store, plugin, version } = options;
  const id = plugin.id;
  const inventory = options.inventory ?? store.inventory(id);
  const dir = inventory.productDir(version);
  // Same lock as installTool: see the concurrency contract there.
  const lock = await store.lockVersion(id, version, { timeoutMs: options.settings?.lockTimeoutMs, signal: options.signal });
  try {
    const manifest = await inventory.readManifest();
    const recorded = manifest.installed_versions.includes(version) || version in manifest.versions;
    const present = await fs.stat(dir).then(
      () => true,
      () => false,
    );
    if (!recorded && !present) {
      return { uninstalled: false, dir, remainingVersions: manifest.installed_versions };
    }
    if (plugin.has('native_uninstall')) {
      const native = await plugin.nativeUninstall({ version, uninstallDir: dir });
      if (!native.uninstalled && !native.skip_uninstall) {
        throw new ProtoError('install.native_uninstall_failed', `Plugin ${id} failed to uninstall ${version}: ${native.error ?? 'no reason given'}.`);
      }
    }
    // Rename first so the product dir disappears at once even if deleting its files takes a while.
    const trash = inventory.trashDir(version);
    await fs.rm(trash, { recursive: true, force: true });
    await fs.rename(dir, trash).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await fs.rm(trash, { recursive: true, force: true });
    await fs.rm(store.versionTempDir(id, version), { recursive: true, force: true });
    const next = await inventory.updateManifest((current) => {
      current.installed_versions = current.installed_versions.filter((v) => v !== version);
      delete current.versions[version];
    });
    return { uninstalled: true, dir, remainingVersions: next.installed_versions };
  } finally {
    await lock.release();
    await fs.rmdir(store.toolTempDir(id)).catch(() => undefined);
  }
}
