/**
 * Writes a file so that readers see either the old content or the new one, never a mix: the data
 * goes to a sibling temp file that is then renamed over the target (atomic on one file system).
 * Locks (lock.ts) write their record the same way and hard-link it into place instead.
 *
 * The calls are node:fs's callback ones, run in libuv's pool (creating a file can wait on a busy
 * disk, which must not hold the main thread), not fs.promises': its FileHandle and promise
 * machinery cost ~150 µs of main-thread CPU per write + rename of a small file against ~85 µs
 * for the callbacks (measured, 400 files); `proto install` writes five or more per tool.
 */
import { rename, unlink, writeFile, type WriteFileOptions } from 'node:fs';
import { dirname } from 'node:path';
import { lazyCrypto } from '../lazy-builtins.js';
import { makeDirectory } from './make-directory.js';

/** `mode` is the new file's permissions (still narrowed by the umask); default 0666, a plain file's. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const temp = await writeSiblingTemp(path, data, options);
  try {
    await new Promise<void>((resolve, reject) => rename(temp, path, (error) => (error ? reject(error) : resolve())));
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
  const temp = `${path}.${process.pid}.${lazyCrypto().randomBytes(6).toString('hex')}.tmp`;
  for (let attempt = 0; ; attempt++) {
    try {
      await writeNewFile(temp, data, { flag: 'wx', mode: options.mode ?? 0o666 });
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

/**
 * Removes a temp file this process made, best effort: the caller reports the error that matters.
 * One unlink (fs.rm would lstat it twice first).
 */
function removeOwnTemp(temp: string): Promise<void> {
  return new Promise((resolve) => unlink(temp, () => resolve()));
}

function writeNewFile(path: string, data: string | Uint8Array, options: WriteFileOptions): Promise<void> {
  return new Promise((resolve, reject) => writeFile(path, data, options, (error) => (error ? reject(error) : resolve())));
}
