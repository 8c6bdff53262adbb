/**
 * Which `.prototools` owns which lockfile (proto 0.60+ "scoped lockfiles", `file_manager.rs`).
 * Pure: works on the config files the session loaded.
 *
 * - A lockfile belongs to the config file that enabled it (`[settings] lockfile = true`, alias
 *   `unstable-lockfile`): `.prototools` → `.protolock`, `.prototools.<env>` → `.protolock.<env>`,
 *   in the same directory. An env file inherits the setting of the base file next to it.
 * - Only project files (location `local`) can be locked: never the file in the home directory
 *   or the global `~/.proto/.prototools`.
 * - A lockfile whose config does not enable it is stale: proto deletes it.
 * - The records of a tool go to the lockfile of the closest config that pins a version for it; a
 *   tool pinned nowhere is an ad-hoc install, owned by the closest directory that has a config.
 */
import { join } from 'node:path';
import type { ConfigFileEntry } from '../config/index.js';
import { LOCKFILE_NAME } from './protolock.js';

export interface LockedConfig {
  /** The `.prototools[.<env>]` that enabled the lockfile. */
  configPath: string;
  dir: string;
  /** The `.protolock[.<env>]` next to it. */
  lockPath: string;
}

/** `.protolock` for `.prototools`, `.protolock.<env>` for `.prototools.<env>`. */
export function lockPathFor(entry: Pick<ConfigFileEntry, 'dir' | 'envMode'>): string {
  return join(entry.dir, entry.envMode ? `${LOCKFILE_NAME}.${entry.envMode}` : LOCKFILE_NAME);
}

export interface LockfilePlan {
  /** Configs with an enabled lockfile, in detection order (closest first). */
  locked: LockedConfig[];
  /** Lockfile paths whose config does not enable them: to delete when they exist. */
  stale: string[];
}

/** @param files the session's config files, in detection order (env file before base file per dir) */
export function planLockfiles(files: readonly ConfigFileEntry[]): LockfilePlan {
  const locked: LockedConfig[] = [];
  const stale: string[] = [];
  for (const entry of files) {
    const enabled = lockfileSetting(entry, files);
    const lockPath = lockPathFor(entry);
    if (entry.location === 'local' && entry.exists && enabled) locked.push({ configPath: entry.path, dir: entry.dir, lockPath });
    else stale.push(lockPath);
  }
  return { locked, stale };
}

/** The file's own setting, else (for an env file) the base file's in the same directory. */
function lockfileSetting(entry: ConfigFileEntry, files: readonly ConfigFileEntry[]): boolean {
  const own = entry.config.settings.lockfile;
  if (own !== undefined || !entry.envMode) return own ?? false;
  const base = files.find((file) => file.dir === entry.dir && !file.envMode);
  return base?.config.settings.lockfile ?? false;
}

/** The lockfile that records `id` (see the module comment), or undefined when none applies. */
export function lockOwnerFor(files: readonly ConfigFileEntry[], plan: LockfilePlan, id: string): LockedConfig | undefined {
  const lockedBy = (entry: ConfigFileEntry) => plan.locked.find((locked) => locked.configPath === entry.path);
  const pinning = files.find((entry) => entry.exists && Object.hasOwn(entry.config.versions, id));
  if (pinning) return lockedBy(pinning);
  // The closest directory with a config owns ad-hoc installs; they are not environment specific,
  // so its base file wins over its env file.
  const closest = files.find((entry) => entry.location === 'local' && entry.exists);
  if (!closest) return undefined;
  const inDir = files.filter((entry) => entry.dir === closest.dir && entry.exists);
  return lockedBy(inDir.find((entry) => !entry.envMode) ?? closest);
}
