/**
 * Writes a file so that readers see either the old content or the new one, never a mix: the data
 * goes to a sibling temp file that is then renamed over the target (atomic on one file system).
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { lazyCrypto } from '../lazy-builtins.js';
import { makeDirectory } from './make-directory.js';

/** `mode` is the new file's permissions (still narrowed by the umask); default 0666, a plain file's. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const temp = `${path}.${process.pid}.${lazyCrypto().randomBytes(6).toString('hex')}.tmp`;
  try {
    for (let attempt = 0; ; attempt++) {
      await makeDirectory(dirname(path));
      try {
        await fs.writeFile(temp, data, { flag: 'wx', mode: options.mode ?? 0o666 });
        break;
      } catch (error) {
        // Another process may remove an empty directory between our mkdir and write: try again.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
