/**
 * Installs one version of a tool (spec §6.5 steps 1 and 3–7): lock → re-check → native_install
 * or download → verify → unpack → commit → manifest.json. This module owns the version lock;
 * the verbs it calls (download-artifacts, verify-download, unpack-download, commit-install) do
 * not lock anything themselves.
 *
 * Guarantees: the product dir `tools/<id>/<version>` appears with one rename, complete; any
 * failure removes the staging dir, the trash dir and the version temp dir (downloads, checksum
 * files); nothing is written outside the store's tools/ and temp/ dirs.
 *
 * A checksum agreed in a `.protolock` (`locked`) is enforced here, before anything is unpacked:
 * an artifact whose checksum differs is refused and leaves nothing behind. Reading and writing
 * the lockfile itself is the caller's job, as are resolving the version, `pre_install`/
 * `post_install` hooks, shims and bins.
 */
import { execFile } from 'node:child_process';
import { lstatSync, promises as fs } from 'node:fs';
import { join, relative as relativePath } from 'node:path';
import { promisify } from 'node:util';
import { ProtoError } from '../errors.js';
import type { DownloadPrebuiltOutput } from '../protocol/index.js';
import type { Inventory, Store, ToolManifest } from '../store/index.js';
import { makeDirectory } from '../store/make-directory.js';
import { poolRmdir, poolStat, poolUnlink } from '../pool-fs.js';
import { commitInstall, restorePrevious } from './commit-install.js';
import { checkLockedChecksum, type LockedChecksum } from '../lockfile/verify-locked.js';
import { downloadArtifacts, type DownloadedArtifacts } from './download-artifacts.js';
import { splitEntryName } from './entry-path.js';
import { hostArchFromNode, hostOsFromNode } from '../protocol/index.js';
import type { InstallProgress, InstallSettings } from './install-settings.js';
import type { InstallPluginPort } from './plugin-port.js';
import { unpackDownload } from './unpack-download.js';
import { UnpackWhileDownloading } from './unpack-while-downloading.js';
import { verifyDownload } from './verify-download.js';

export interface InstallToolOptions {
  store: Store;
  plugin: InstallPluginPort;
  /** Where the tool's manifest and product dirs are (register_tool inventory_options); default layout when absent. */
  inventory?: Inventory;
  /** A resolved version (`20.10.0`, `canary`); not a range. */
  version: string;
  /** Reinstall even when installed (the old files are replaced only once the new ones are complete). */
  force?: boolean;
  settings?: InstallSettings;
  onProgress?: (progress: InstallProgress) => void;
  /** Skipped unsafe archive entries, a post_script that could not run, … */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /** The lockfile record this install must match (its `checksum`), and the lockfile's path for messages. */
  locked?: LockedChecksum;
  /**
   * Called once when the version is to be installed (not recorded as installed, or forced): the
   * caller's `pre_install` hooks, whose veto (a throw) stops the install before anything is
   * written. Before the lock is taken, or, when another process held it while the version looked
   * installed and it is not once the lock is ours (that process uninstalled it, or failed to
   * reinstall it), under the lock. Not called when the version is already installed.
   */
  beforeInstall?: () => Promise<void>;
}

export interface InstallToolResult {
  /** False when the version was already installed (by us earlier, or by another process meanwhile). */
  installed: boolean;
  /** The product dir. */
  dir: string;
  /** `sha256:<hex>`, `sha512:<hex>` or `minisign:<key>`, as recorded in manifest.json. */
  checksum: string | undefined;
  /** The download URL as the plugin gave it, or `native` for native_install. */
  source: string | undefined;
  /** manifest.json's `installed_versions` as this install wrote or read it (for the bins). */
  installedVersions: string[];
  warnings: string[];
  /**
   * Whether a post_script ran. It runs after the check of the primary executable, so what that
   * check located may no longer describe the product dir.
   */
  ranPostScript?: boolean;
}

export async function installTool(options: InstallToolOptions): Promise<InstallToolResult> {
  const { store, plugin, version, signal } = options;
  const settings = options.settings ?? {};
  const id = plugin.id;
  const inventory = options.inventory ?? store.inventory(id);
  const productDir = inventory.productDir(version);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };

  const before = options.force ? undefined : await installedManifest(inventory, version);
  if (before && !(await store.isVersionLocked(id, version))) {
    return alreadyInstalled(inventory, before, version, warnings);
  }
  if (!before) await options.beforeInstall?.();

  // Concurrency contract: every install or uninstall of <id>@<version>, in any process, runs
  // under this lock, which covers temp/<id>/<base64(version)>/, tools/<id>/.partial-<version>,
  // tools/<id>/.trash-<version> and tools/<id>/<version> (or their counterparts in the plugin's
  // override_dir). Whoever waited for it re-reads
  // manifest.json from disk afterwards: if a concurrent process installed the version meanwhile
  // we return `installed: false` without downloading. manifest.json itself is shared by all
  // versions of the tool and is only changed through Inventory.updateManifest (its own lock).
  // A holder killed with SIGKILL leaves a lock naming a dead pid, which the next process breaks.
  const lock = await store.lockVersion(id, version, {
    timeoutMs: settings.lockTimeoutMs,
    signal,
    onWait: (owner) => options.onProgress?.({ phase: 'wait-lock', ownerPid: owner?.pid }),
  });
  const tempDir = store.versionTempDir(id, version);
  const stagingDir = inventory.stagingDir(version);
  const trashDir = inventory.trashDir(version);
  let committed = false;
  let hadPrevious = false;
  // What the install wrote to its temp dir: removed one by one, then the dir (see removeTempDir).
  let tempFiles: string[] = [];
  try {
    const installed = options.force ? undefined : await installedManifest(inventory, version);
    if (installed) return alreadyInstalled(inventory, installed, version, warnings);
    if (before) await options.beforeInstall?.();
    // Leftovers of a process that died while holding this lock.
    await removeExisting([tempDir, stagingDir, trashDir]);
    if (settings.offline) {
      throw new ProtoError('install.offline', `Cannot install ${id} ${version}: proto is offline.`, {
        hint: 'Connect to the internet to install tools; installed versions keep working offline.',
      });
    }

    if (plugin.has('native_install')) {
      const native = await plugin.nativeInstall({ version, installDir: productDir, force: options.force ?? false });
      if (native.installed) {
        try {
          checkLockedChecksum(options.locked, { checksum: native.checksum, source: undefined, id, version });
        } catch (error) {
          await fs.rm(productDir, { recursive: true, force: true });
          throw error;
        }
        committed = true;
        const manifest = await recordInstall(inventory, version, settings, native.checksum, 'native');
        return { installed: true, dir: productDir, checksum: native.checksum, source: 'native', installedVersions: manifest.installed_versions, warnings };
      }
      if (!native.skip_install) {
        await fs.rm(productDir, { recursive: true, force: true });
        // A forced reinstall that failed leaves the version gone: the manifest must say so too
        // (and a first install that failed writes no manifest at all).
        if ((await inventory.readManifest()).installed_versions.includes(version)) {
          await inventory.updateManifest((manifest) => forgetVersion(manifest, version));
        }
        throw new ProtoError('install.native_failed', `Plugin ${id} failed to install ${version}: ${native.error ?? 'no reason given'}.`);
      }
    }

    // The temp dir is made by the first file written there (downloadArtifacts): a download kept in memory needs none.
    const prebuilt = await plugin.downloadPrebuilt(version, productDir);
    await makeDirectory(stagingDir);
    const unpackInput = { plugin, version, archivePrefix: prebuilt.archive_prefix, outputDir: stagingDir, settings, warn, signal };
    // A tar archive is unpacked into the staging dir while it downloads; nothing of it counts
    // until the download is verified, and a download or verification failure wins over any
    // unpack failure (a tampered archive is a checksum mismatch, not a corrupt archive).
    const streamed = new UnpackWhileDownloading(unpackInput);
    let artifacts: DownloadedArtifacts;
    let checksum: string;
    try {
      artifacts = await downloadArtifacts({
        plugin,
        prebuilt,
        stagingDir: tempDir,
        settings,
        onProgress: options.onProgress,
        onWrite: streamed.onWrite,
        inMemory: streamed.inMemory,
        onChunk: streamed.onChunk,
        signal,
      });
      tempFiles = artifacts.tempFiles;
      streamed.downloaded();
      options.onProgress?.({ phase: 'verify', file: artifacts.downloadName });
      ({ checksum } = await verifyDownload({ plugin, version, artifacts }));
      checkLockedChecksum(options.locked, { checksum, source: artifacts.sourceUrl, id, version });
    } catch (error) {
      await streamed.cancel(error);
      throw error;
    }

    options.onProgress?.({ phase: 'unpack', file: artifacts.downloadName });
    if (!(await streamed.result())) {
      // A body kept in memory is a tar archive (see UnpackWhileDownloading.inMemory): read from there.
      const body = artifacts.body ? { body: artifacts.body, archiveBytes: artifacts.bytes } : {};
      await unpackDownload({ ...unpackInput, downloadFile: artifacts.downloadFile, downloadName: artifacts.downloadName, ...body });
    }
    options.onProgress?.({ phase: 'commit', dir: productDir });
    hadPrevious = await commitInstall({ stagingDir, productDir, trashDir, pluginId: id, version });
    committed = true;
    await checkPrimaryExecutable(plugin, version, productDir, prebuilt.archive_prefix);
    const ranPostScript = await runPostScript(prebuilt, productDir, id, warn);
    const manifest = await recordInstall(inventory, version, settings, checksum, artifacts.sourceUrl);
    if (hadPrevious) await removeAll([trashDir]); // the previous install, kept until now in case this one failed
    return { installed: true, dir: productDir, checksum, source: artifacts.sourceUrl, installedVersions: manifest.installed_versions, warnings, ranPostScript };
  } catch (error) {
    // Committed but not recorded (post_script or manifest failure): the previous install, if any, comes back.
    if (committed) await restorePrevious({ productDir, trashDir }, hadPrevious);
    await removeAll([stagingDir, trashDir]);
    // A failed first install leaves the tool's dir empty (an installed one holds at least the
    // product dir). Only our own dir: an override_dir (rustup's toolchains) is not ours to remove.
    await removeIfEmpty(inventory.dir);
    throw error;
  } finally {
    await removeTempDir(tempDir, tempFiles);
    await lock.release();
    await removeIfEmpty(store.toolTempDir(id));
  }
}

/**
 * A tool whose primary executable is missing is not installed, whatever the steps before said:
 * most often the plugin's `archive_prefix` matched nothing and the files landed one folder too
 * deep. Failing here (after the commit, so the plugin sees the real dir) puts the previous
 * install back, or removes the new one.
 */
async function checkPrimaryExecutable(plugin: InstallPluginPort, version: string, productDir: string, archivePrefix: string | undefined): Promise<void> {
  const exe = await plugin.primaryExecutable?.(version);
  if (exe === undefined) return;
  if (await poolStat(exe).then((stat) => stat.isFile(), () => false)) return;
  const relative = relativePath(productDir, exe);
  const top = (await fs.readdir(productDir).catch(() => [] as string[])).sort().slice(0, 5);
  const layout = `the archive's top level holds ${top.map((name) => `"${name}"`).join(', ') || 'nothing'}`;
  throw new ProtoError(
    'install.missing_executable',
    `Installing ${plugin.id} ${version} did not produce its executable ${relative}${archivePrefix ? ` (archive_prefix "${archivePrefix}"; ${layout})` : ` (${layout})`}; nothing was installed.`,
    {
      hint: archivePrefix
        ? `The plugin's archive_prefix does not match this release's layout. Report it to the author of the ${plugin.id} plugin; a reinstall cannot fix it.`
        : `The release does not contain what the ${plugin.id} plugin expects. Report it to the plugin's author; a reinstall cannot fix it.`,
    },
  );
}

function forgetVersion(manifest: ToolManifest, version: string): void {
  manifest.installed_versions = manifest.installed_versions.filter((installed) => installed !== version);
  delete manifest.versions[version];
}

/** The manifest that records `version` as installed (its dir present), or undefined: read once for both questions. */
async function installedManifest(inventory: Inventory, version: string): Promise<ToolManifest | undefined> {
  if (version === 'latest') return undefined;
  const manifest = await inventory.readManifest();
  if (!manifest.installed_versions.includes(version)) return undefined;
  const present = await fs.stat(inventory.productDir(version)).then(
    (stat) => stat.isDirectory(),
    () => false,
  );
  return present ? manifest : undefined;
}

function alreadyInstalled(inventory: Inventory, manifest: ToolManifest, version: string, warnings: string[]): InstallToolResult {
  const lock = manifest.versions[version]?.lock;
  return { installed: false, dir: inventory.productDir(version), checksum: lock?.checksum, source: lock?.source, installedVersions: manifest.installed_versions, warnings };
}

async function recordInstall(
  inventory: Inventory,
  version: string,
  settings: InstallSettings,
  checksum: string | undefined,
  source: string,
): Promise<ToolManifest> {
  return inventory.updateManifest((manifest) => {
    if (!manifest.installed_versions.includes(version)) manifest.installed_versions.push(version);
    const lock: Record<string, unknown> = { os: (hostOsFromNode(process.platform) ?? process.platform), arch: (hostArchFromNode(process.arch) ?? process.arch) };
    if (checksum) lock.checksum = checksum;
    if (source !== 'native') lock.source = source;
    manifest.versions[version] = {
      ...manifest.versions[version],
      no_clean: settings.noClean ?? false,
      installed_at: Date.now(),
      lock,
      // proto records the inventory's version_suffix with each version.
      ...(inventory.versionSuffix ? { suffix: inventory.versionSuffix } : {}),
    };
  });
}

/**
 * `post_script` (spec §6.5 step 5.4): a script shipped inside the tool, relative to the product
 * dir, run there when it exists and is executable; otherwise a warning. It comes from the
 * verified archive, so running it is trusting the tool itself. Says whether it ran.
 */
async function runPostScript(prebuilt: DownloadPrebuiltOutput, productDir: string, id: string, warn: (m: string) => void): Promise<boolean> {
  if (!prebuilt.post_script) return false;
  const parts = splitEntryName(prebuilt.post_script);
  if (!parts || parts.length === 0) {
    warn(`Ignored post_script "${prebuilt.post_script}" of plugin ${id}: it must be a path inside the tool directory.`);
    return false;
  }
  const script = join(productDir, ...parts);
  try {
    await fs.access(script, fs.constants.X_OK);
  } catch {
    warn(`Skipped post_script ${prebuilt.post_script} of plugin ${id}: it does not exist or is not executable.`);
    return false;
  }
  try {
    await promisify(execFile)(script, prebuilt.post_script_args ?? [], { cwd: productDir });
    return true;
  } catch (error) {
    throw new ProtoError('install.post_script_failed', `The post_script ${prebuilt.post_script} of ${id} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function removeAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => fs.rm(path, { recursive: true, force: true, maxRetries: 3 })));
}

/**
 * `removeAll` of paths that are most often absent (an install's leftovers): an lstat that throws
 * nothing says which exist. fs.rm of an absent path costs two lstats, an error object and its JS.
 */
async function removeExisting(paths: string[]): Promise<void> {
  await removeAll(paths.filter((path) => lstatSync(path, { throwIfNoEntry: false }) !== undefined));
}

/**
 * The version temp dir, which most often holds just the files the install put there (the
 * download, and a checksum file for a plugin's verify_checksum: downloadArtifacts' `tempFiles`):
 * each is unlinked and the dir removed, two calls where fs.rm's walk took eight. Anything else in
 * it (the parts of a failed download) and it is removed whole. Absent (the install stopped before
 * making it) is fine.
 */
async function removeTempDir(dir: string, files: string[]): Promise<void> {
  // Nothing written (a download kept in memory, or a stop before the download): most often no dir.
  if (files.length === 0 && lstatSync(dir, { throwIfNoEntry: false }) === undefined) return;
  try {
    await Promise.all(files.map((file) => poolUnlink(file)));
    await poolRmdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && files.length === 0) return;
    await removeAll([dir]);
  }
}

/** Best effort: only an empty directory is removed (rmdir fails on anything else). */
async function removeIfEmpty(dir: string): Promise<void> {
  await poolRmdir(dir).catch(() => undefined);
}
