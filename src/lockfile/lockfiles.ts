/**
 * The lockfiles of one CLI run: which one records a tool, what it pins, and every change to them
 * (record an install, forget an uninstalled version, prune orphans, delete stale files).
 *
 * Concurrency contract: every change is a read-modify-write of the file on disk under a store lock
 * named after the lockfile's path (`Store.lockfileLockPath`), written with the atomic-write helper,
 * so parallel installs (in this process or others) never lose each other's records and readers see
 * the old file or the new one. A lockfile left with no record is deleted, as proto does.
 */
import { lstatSync, promises as fs, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, type ConfigFileEntry } from '../config/config-types.js';
import { parseConfigText } from '../config/parse-config-layer.js';
import { log } from '../log.js';
import { readRegularFile } from '../regular-file.js';
import { acquireLock, writeFileAtomic, type Store } from '../store/index.js';
import { lockOwnerFor, planLockfiles, type LockedConfig, type LockfilePlan } from './lockfile-scope.js';
import {
  canonicalSpecOf,
  emptyLock,
  findLockedRecord,
  insertRecord,
  lockedOnOtherPlatformsOnly,
  parseProtoLock,
  pruneOrphanedRecords,
  removeVersionRecords,
  serializeProtoLock,
  type LockOptions,
  type LockPlatform,
  type LockRecord,
  type ProtoLock,
} from './protolock.js';

export interface LockedVersion {
  record: LockRecord & { version: string };
  lockPath: string;
}

export class Lockfiles {
  readonly plan: LockfilePlan;

  constructor(
    private readonly files: readonly ConfigFileEntry[],
    private readonly store: Store,
    readonly platform: LockPlatform,
  ) {
    this.plan = planLockfiles(files);
  }

  /** Deletes lockfiles whose config no longer enables them (proto does so on every run). */
  removeStale(): string[] {
    const removed: string[] = [];
    for (const path of this.plan.stale) {
      // Nearly always absent, and asked on every command for each config directory: an lstat
      // that throws nothing, rather than rmSync's error object (and fs code) for each of them.
      if (lstatSync(path, { throwIfNoEntry: false }) === undefined) continue;
      try {
        rmSync(path);
        removed.push(path);
        log('debug', 'lockfile', `removed ${path}: its config does not enable a lockfile`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  /** The lockfile that records `id`, if one applies. */
  ownerFor(id: string): LockedConfig | undefined {
    return lockOwnerFor(this.files, this.plan, id);
  }

  /** Every lockfile path that could decide a version here, present or not (for the shim cache). */
  candidatePaths(): string[] {
    return this.plan.locked.map((locked) => locked.lockPath);
  }

  /** Reads a lockfile; a missing file is an empty lock. */
  read(lockPath: string): ProtoLock {
    const text = readRegularFile(lockPath);
    return text === undefined ? emptyLock() : parseProtoLock(text, lockPath);
  }

  /** The version the applicable lockfile pins for `spec` on this machine. */
  lockedVersion(id: string, spec: string, options: LockOptions = {}): LockedVersion | undefined {
    const owner = this.ownerFor(id);
    if (!owner) return undefined;
    const record = findLockedRecord(this.read(owner.lockPath), id, { spec: canonicalSpecOf(spec), platform: this.platform }, options);
    return record ? { record: record as LockRecord & { version: string }, lockPath: owner.lockPath } : undefined;
  }

  /** True when `spec` is locked, but only for other platforms. */
  lockedElsewhereOnly(id: string, spec: string): boolean {
    const owner = this.ownerFor(id);
    return owner !== undefined && lockedOnOtherPlatformsOnly(this.read(owner.lockPath), id, { spec: canonicalSpecOf(spec), platform: this.platform });
  }

  /** Adds or updates the record of an install; returns the lockfile written, if any. */
  async record(id: string, record: LockRecord, options: LockOptions = {}): Promise<string | undefined> {
    if (options.noRecord) return undefined;
    const owner = this.ownerFor(id);
    if (!owner) return undefined;
    const full: LockRecord = {
      ...record,
      ...(record.spec === undefined ? {} : { spec: canonicalSpecOf(record.spec) }),
      ...(options.ignoreOsArch ? {} : { os: this.platform.os, arch: this.platform.arch }),
    };
    const changed = await this.update(owner.lockPath, (lock) => insertRecord(lock, id, full, this.platform, options));
    return changed ? owner.lockPath : undefined;
  }

  /** Forgets an uninstalled version (records whose spec is exactly that version). */
  async forgetVersion(id: string, version: string, options: LockOptions = {}): Promise<void> {
    const owner = this.ownerFor(id);
    if (owner) await this.update(owner.lockPath, (lock) => removeVersionRecords(lock, id, version, this.platform, options));
  }

  /**
   * Prunes orphaned records from every enabled lockfile (see `pruneOrphanedRecords`). The specs a
   * lockfile keeps are those of every config in its directory, inactive env files included; specs
   * being installed right now are kept too. Returns what was pruned, per lockfile.
   */
  async pruneOrphans(installing: ReadonlyMap<string, string> = new Map()): Promise<Map<string, Array<{ id: string; record: LockRecord }>>> {
    const result = new Map<string, Array<{ id: string; record: LockRecord }>>();
    for (const locked of this.plan.locked) {
      const specs = await this.configuredSpecs(locked.dir);
      if (!specs || specs.size === 0) continue;
      for (const [id, spec] of installing) {
        if (specs.has(id) && this.ownerFor(id)?.lockPath === locked.lockPath) specs.get(id)!.add(canonicalSpecOf(spec));
      }
      let pruned: Array<{ id: string; record: LockRecord }> = [];
      await this.update(locked.lockPath, (lock) => {
        pruned = pruneOrphanedRecords(lock, specs);
        return pruned.length > 0;
      });
      if (pruned.length > 0) result.set(locked.lockPath, pruned);
    }
    return result;
  }

  /** Specs pinned by every `.prototools*` in `dir`; undefined when one cannot be read (then nothing is pruned). */
  private async configuredSpecs(dir: string): Promise<Map<string, Set<string>> | undefined> {
    const specs = new Map<string, Set<string>>();
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((name) => name === CONFIG_FILE_NAME || name.startsWith(`${CONFIG_FILE_NAME}.`));
    } catch {
      return undefined;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const { layer } = parseConfigText(await fs.readFile(path, 'utf8'), path);
        for (const [id, spec] of Object.entries(layer.versions)) {
          if (!specs.has(id)) specs.set(id, new Set());
          specs.get(id)!.add(spec);
        }
      } catch (error) {
        log('warn', 'lockfile', `not pruning ${dir}: ${path} cannot be read (${(error as Error).message})`);
        return undefined;
      }
    }
    return specs;
  }

  /**
   * Read-modify-write of one lockfile under its store lock; `change` returns whether it changed
   * anything. A lock left empty is deleted. Returns whether the file changed.
   */
  private async update(lockPath: string, change: (lock: ProtoLock) => boolean): Promise<boolean> {
    const guard = await acquireLock(this.store.lockfileLockPath(lockPath));
    try {
      const lock = this.read(lockPath);
      if (!change(lock)) return false;
      if (Object.values(lock.tools).every((records) => records.length === 0)) {
        await fs.rm(lockPath, { force: true });
      } else {
        await writeFileAtomic(lockPath, serializeProtoLock(lock));
      }
      return true;
    } finally {
      await guard.release();
    }
  }
}
