/**
 * The proto store (spec §6.1): every path under `~/.proto` is built here and nowhere else.
 *
 * Ids and versions are encoded with `encodeComponent` before they become path components, so a
 * hostile id or version (`../../etc`) cannot name a directory outside the store.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lazyCrypto } from '../lazy-builtins.js';
import { ProtoError } from '../errors.js';
import { limitSetting } from '../limits.js';
import { encodeComponent, encodeVersionForTemp } from './encode-component.js';
import { acquireLock, readLiveLockOwner, type AcquireLockOptions, type LockHandle } from './lock.js';
import { Inventory, type InventoryOptions } from './inventory.js';
import { emptyManifest, type ToolManifest } from './tool-manifest.js';
import { resolveStoreRoot, type StoreRootOptions } from './store-root.js';

export interface StoreOptions extends StoreRootOptions {
  /** Overrides `<root>/temp`; defaults to `PROTO_TEMP_DIR` when set. */
  tempDir?: string;
}

export class Store {
  /** Absolute store root (`~/.proto`). */
  readonly root: string;
  /** Absolute temp root (`~/.proto/temp` or `PROTO_TEMP_DIR`). */
  readonly tempDir: string;
  private readonly env: Record<string, string | undefined>;

  constructor(options: StoreOptions = {}) {
    this.env = options.env ?? process.env;
    this.root = resolveStoreRoot(options);
    const tempOverride = options.tempDir ?? this.env.PROTO_TEMP_DIR?.trim();
    this.tempDir = tempOverride ? resolve(tempOverride) : join(this.root, 'temp');
  }

  /**
   * Creates the store root private (0700, whatever the umask), or takes group and other write
   * access away from an existing one we own: shims source files from it and run what it holds,
   * so nobody else may write there. A root owned by someone else is left alone and reported.
   * Returns a warning for the user, if any.
   */
  ensurePrivateRoot(): string | undefined {
    const stat = this.makeRoot();
    const uid = process.getuid?.();
    if (uid === undefined) return undefined; // Windows: no POSIX modes
    if (stat.uid !== uid) {
      return uid === 0 ? undefined : `The proto store ${this.root} belongs to another user (uid ${stat.uid}): anything they put there runs as you.`;
    }
    if ((stat.mode & 0o022) !== 0) chmodSync(this.root, stat.mode & 0o755);
    return undefined;
  }

  private makeRoot() {
    try {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stat = statSync(this.root);
    if (!stat.isDirectory()) {
      throw new ProtoError('system.not_a_directory', `The proto store ${this.root} is a file, not a directory.`, {
        hint: 'Set PROTO_HOME to a directory (or to a path that does not exist yet), or move the file away.',
      });
    }
    return stat;
  }

  get toolsDir(): string {
    return join(this.root, 'tools');
  }
  get pluginsDir(): string {
    return join(this.root, 'plugins');
  }
  get shimsDir(): string {
    return join(this.root, 'shims');
  }
  get binDir(): string {
    return join(this.root, 'bin');
  }
  get cacheDir(): string {
    return join(this.root, 'cache');
  }
  /** `plugins/installed`: plugins installed from an index (`proto plugin install`), one dir each. */
  get installedPluginsDir(): string {
    return join(this.pluginsDir, 'installed');
  }
  /** `plugins/installed/<name>`: the plugin's .wasm (or schema file), manifest, license and install record. */
  installedPluginDir(name: string): string {
    // Names are checked against the manifest schema's rule before they get here; this only
    // guarantees a plain child directory (not encodeComponent, which would merge `a-` with `a`).
    if (!/^[a-z0-9_-]+$/.test(name)) {
      throw new ProtoError('store.invalid_component', `"${name}" cannot be used as a plugin directory name in the proto store.`);
    }
    return join(this.installedPluginsDir, name);
  }
  /**
   * `cache/plugin-metadata/<id>-<digest>.json`: what a plugin said about itself (register_tool,
   * its exports, ...), so that commands whose answer is on disk never start it. `digest` (hex)
   * names what the plugin was loaded with (see src/tool/plugin-metadata.ts).
   */
  pluginMetadataPath(id: string, digest: string): string {
    if (!/^[0-9a-f]{8,64}$/.test(digest)) throw new ProtoError('store.invalid_component', `"${digest}" is not a plugin metadata digest.`);
    return join(this.cacheDir, 'plugin-metadata', `${encodeComponent(id)}-${digest}.json`);
  }
  /** `cache/plugin-indexes`: remote plugin index data (listings, git clones), one dir per source. */
  get pluginIndexCacheDir(): string {
    return join(this.cacheDir, 'plugin-indexes');
  }
  /** The global `.prototools` (`PinLocation::Global`). */
  get globalConfigPath(): string {
    return join(this.root, '.prototools');
  }

  /**
   * A tool's inventory: `tools/<id>` with its manifest and caches, and its product dirs. Plugins
   * may move them (register_tool `inventory_options`); without options, the default layout. For a
   * tool with a plugin, take the loaded Tool's `inventory` (made with its options): the store has
   * no by-id shortcuts, so that no command reads a tool's versions in the wrong place.
   */
  inventory(id: string, options: InventoryOptions = {}): Inventory {
    return new Inventory(this.toolsDir, id, options, this.env);
  }

  /** `temp/<id>`: the tool's temp dir (plugins see it as `context.temp_dir`). */
  toolTempDir(id: string): string {
    return join(this.tempDir, encodeComponent(id));
  }

  /** `temp/<id>/<base64(version)>`: staging for one install (downloads, checksum files). */
  versionTempDir(id: string, version: string): string {
    return join(this.toolTempDir(id), encodeVersionForTemp(version));
  }

  /**
   * The per-version install lock, next to (not inside) the version temp dir so that the staging
   * dir can be wiped while the lock is held.
   */
  versionLockPath(id: string, version: string): string {
    return `${this.versionTempDir(id, version)}.lock`;
  }

  /**
   * Takes the per-version install lock (see `acquireLock` for the cross-process contract). Its
   * timeout is `[settings.limits] lock-wait`, which the timeout's hint names, for installs and
   * uninstalls alike.
   */
  lockVersion(id: string, version: string, options: AcquireLockOptions = {}): Promise<LockHandle> {
    return acquireLock(this.versionLockPath(id, version), {
      timeoutHint: `Another proto process is installing or uninstalling ${id} ${version}: wait for it, or stop it. To wait longer, raise ${limitSetting('lockWait')} in .prototools (0 = wait as long as it takes).`,
      ...options,
    });
  }

  /** True while a live process holds the install lock of this version. */
  async isVersionLocked(id: string, version: string): Promise<boolean> {
    return (await readLiveLockOwner(this.versionLockPath(id, version))) !== undefined;
  }

  /**
   * The cross-process lock guarding writes to a project's `.protolock`: kept in the store (named
   * by a hash of the lockfile's path) so that no lock file ever appears in the project.
   */
  lockfileLockPath(lockfilePath: string): string {
    const hash = lazyCrypto().createHash('sha256').update(resolve(lockfilePath)).digest('hex').slice(0, 32);
    return join(this.tempDir, 'lockfiles', `${hash}.lock`);
  }

  /** An empty manifest, for callers that need a default. */
  static emptyManifest(): ToolManifest {
    return emptyManifest();
  }
}
