/**
 * Writes a file so that readers see either the old content or the new one, never a mix: the data
 * goes to a sibling temp file that is then renamed over the target (atomic on one file system).
 * Locks (lock.ts) write their record the same way and hard-link it into place instead.
 * Through src/pool-fs.ts: `proto install` writes five or more per tool.
 */
import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { lazyCrypto } from '../lazy-builtins.js';
import { poolRename, poolUnlink, poolWriteFile } from '../pool-fs.js';
import { makeDirectory } from './make-directory.js';

/** `mode` is the new file's permissions (still narrowed by the umask); default 0666, a plain file's. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const temp = await writeSiblingTemp(path, data, options);
  try {
    await poolRename(temp, path);
  } catch (error) {
    await removeOwnTemp(temp);
    throw error;
  }
}

/**
 * Writes `data` to a new temp file next to `path` (a name of its own: created, never
 * overwritten) and returns its path, for the caller to rename or link into place and remove.
 * The directory is made when it is missing, also when another process removes it (an empty
 * store dir) between the mkdir and the write: the write starts over a few times.
 */
export async function writeSiblingTemp(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<string> {
  const temp = `${path}.${process.pid}.${nextTempSuffix()}.tmp`;
  // A directory that is not there yet (a tool's first files, the temp dir that every install
  // removes at its end) is made first: a sync lstat instead of a failed open's trip and its error.
  if (lstatSync(dirname(path), { throwIfNoEntry: false }) === undefined) await makeDirectory(dirname(path));
  for (let attempt = 0; ; attempt++) {
    try {
      await poolWriteFile(temp, data, { flag: 'wx', mode: options.mode ?? 0o666 });
      return temp;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Partly written (a full disk): nothing of ours may stay behind. EEXIST: it is not ours;
      // ENOENT: the open found no directory, so there is nothing (a fresh store's first writes).
      if (code !== 'EEXIST' && code !== 'ENOENT') await removeOwnTemp(temp);
      if (code !== 'ENOENT' || attempt >= 5) throw error;
      await makeDirectory(dirname(path));
    }
  }
}

let tempSuffixBase: number | undefined;
let tempSuffixCount = 0;

/**
 * 12 hex digits of its own for each temp file: a random start per process, then counted (one
 * random draw per process instead of one per file; the pid in the name separates processes, the
 * random start a dead process's leftovers under a reused pid).
 */
function nextTempSuffix(): string {
  tempSuffixBase ??= lazyCrypto().randomBytes(6).readUIntBE(0, 6);
  return ((tempSuffixBase + tempSuffixCount++) % 2 ** 48).toString(16).padStart(12, '0');
}

/**
 * Removes a temp file this process made, best effort: the caller reports the error that matters.
 * One unlink (fs.rm would lstat it twice first).
 */
function removeOwnTemp(temp: string): Promise<void> {
  return poolUnlink(temp).catch(() => undefined);
}
