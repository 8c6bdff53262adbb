/**
 * One tool's inventory (spec §4.1, §6.1; proto's `Inventory`): `tools/<name>/` holds its
 * `manifest.json` and remote-versions cache, and each installed version has a product dir.
 *
 * A plugin may move things (register_tool `inventory_options`): `override_dir_name` renames
 * `tools/<name>`; `override_dir` puts the product dirs somewhere else entirely (the rust plugin
 * points it at `~/.rustup/toolchains`, where rustup installs), while the manifest and caches
 * stay under `tools/`; `version_suffix` is appended to each product dir name
 * (`1.80.0-x86_64-unknown-linux-gnu`).
 */
import { promises as fs, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadVersionsOutput } from '../protocol/index.js';
import { acquireLock } from './lock.js';
import { encodeComponent } from './encode-component.js';
import { writeFileAtomic } from './atomic-write.js';
import { readManifestFile, writeManifestFile, type ToolManifest } from './tool-manifest.js';
import { envSwitch } from '../env-switch.js';

/** proto reuses `remote-versions.json` for 12 hours (`Inventory::load_remote_versions`). */
export const REMOTE_VERSIONS_TTL_MS = 12 * 60 * 60 * 1000;

export interface InventoryOptions {
  /** Absolute real dir holding the product dirs instead of `tools/<name>` (`override_dir`). */
  overrideDir?: string;
  /** The inventory dir's name under `tools/` instead of the tool id (`override_dir_name`). */
  dirName?: string;
  /** Appended to every product dir name (`version_suffix`). */
  versionSuffix?: string;
}

export class Inventory {
  /** `tools/<name>`: manifest.json and the remote-versions cache. */
  readonly dir: string;
  /** Where the product dirs are: `dir`, or the plugin's `override_dir`. */
  readonly productsDir: string;

  constructor(
    toolsDir: string,
    /** The tool id. */
    readonly id: string,
    readonly options: InventoryOptions = {},
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    this.dir = join(toolsDir, encodeComponent(options.dirName ?? id));
    this.productsDir = options.overrideDir ?? this.dir;
  }

  get versionSuffix(): string | undefined {
    return this.options.versionSuffix;
  }

  /** `<products dir>/<version><suffix>`: where one version is installed. */
  productDir(version: string): string {
    return join(this.productsDir, encodeComponent(version + (this.options.versionSuffix ?? '')));
  }

  /**
   * Where an install is staged and a replaced install waits: next to the product dir, so the
   * final renames never cross file systems.
   */
  stagingDir(version: string): string {
    return join(this.productsDir, `.partial-${encodeComponent(version + (this.options.versionSuffix ?? ''))}`);
  }
  trashDir(version: string): string {
    return join(this.productsDir, `.trash-${encodeComponent(version + (this.options.versionSuffix ?? ''))}`);
  }

  /**
   * `<product dir>/.last-used`: when a version last ran (milliseconds since the epoch, as proto
   * writes it). Shims' fast path only touches it, so readers take the newer of its content and
   * its mtime. `clean` removes versions not used for N days.
   */
  lastUsedPath(version: string): string {
    return join(this.productDir(version), '.last-used');
  }

  /** Records that a version ran now; best effort (a read-only store must not stop a run). */
  async markUsed(version: string, now = Date.now()): Promise<void> {
    if (this.env.PROTO_SKIP_USED_AT) return;
    // Synchronous, like the reads on this path (see readRemoteVersions).
    try {
      writeFileSync(this.lastUsedPath(version), String(now));
    } catch {
      // best effort
    }
  }

  /** When a version last ran, or undefined when it never did (or nothing says). */
  async lastUsed(version: string): Promise<number | undefined> {
    const path = this.lastUsedPath(version);
    try {
      const [text, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
      const written = Number(text.trim());
      return Math.max(Number.isFinite(written) ? written : 0, stat.mtimeMs);
    } catch {
      return undefined;
    }
  }

  get manifestPath(): string {
    return join(this.dir, 'manifest.json');
  }

  /** Reads `manifest.json` without locking (a snapshot; writers replace the file atomically). */
  readManifest(): Promise<ToolManifest> {
    return readManifestFile(this.manifestPath);
  }

  /**
   * Read-modify-write of `manifest.json` under its file lock: `change` always sees the latest
   * content on disk, so concurrent writers (other versions of the same tool installing in other
   * processes) never lose each other's entries.
   */
  async updateManifest(change: (manifest: ToolManifest) => void | ToolManifest): Promise<ToolManifest> {
    const path = this.manifestPath;
    const lock = await acquireLock(`${path}.lock`);
    try {
      const current = await readManifestFile(path);
      const next = change(current) ?? current;
      await writeManifestFile(path, next);
      return next;
    } finally {
      await lock.release();
    }
  }

  /** `remote-versions[-<scope>].json`, in the inventory dir even when products live elsewhere. */
  remoteVersionsPath(scope?: string): string {
    const name = scope ? `remote-versions-${encodeComponent(scope)}.json` : 'remote-versions.json';
    return join(this.dir, name);
  }

  /**
   * The cached `load_versions` output, or undefined when missing, older than `maxAgeMs`
   * (12 h), unreadable, or when caching is off (`PROTO_CACHE=0|false|no|off`). `ignoreAge`
   * (offline mode) accepts any age.
   */
  async readRemoteVersions(
    options: { scope?: string; maxAgeMs?: number; ignoreAge?: boolean; now?: number } = {},
  ): Promise<LoadVersionsOutput | undefined> {
    if (isCacheDisabled(this.env.PROTO_CACHE)) return undefined;
    const path = this.remoteVersionsPath(options.scope);
    try {
      // Synchronous: a small file on the path of cold commands, where a trip through libuv's
      // thread pool costs more than the read.
      const stat = statSync(path);
      const age = (options.now ?? Date.now()) - stat.mtimeMs;
      if (!options.ignoreAge && age > (options.maxAgeMs ?? REMOTE_VERSIONS_TTL_MS)) return undefined;
      const value = JSON.parse(readFileSync(path, 'utf8')) as LoadVersionsOutput;
      return Array.isArray(value?.versions) ? value : undefined;
    } catch {
      return undefined; // a broken cache is a cache miss, never an error
    }
  }

  /** Writes the cache atomically; like proto, an output without versions is not cached. */
  async writeRemoteVersions(output: LoadVersionsOutput, scope?: string): Promise<void> {
    if (!Array.isArray(output.versions) || output.versions.length === 0) return;
    await writeFileAtomic(this.remoteVersionsPath(scope), JSON.stringify(output));
  }
}

/** `PROTO_CACHE=0|false|no|off`: proto's switch for its caches (remote versions, plugin metadata). */
export function isCacheDisabled(value: string | undefined): boolean {
  return envSwitch(value) === false;
}
