/**
 * `mkdir -p` for the store's shared temp and tool dirs, which other proto processes remove when
 * they see them empty (the end of every install and uninstall): one may vanish between the
 * creation of a parent and of its child, and mkdir then fails with ENOENT. That is a race, not a
 * missing path: the creation starts over (a few times; a path that keeps failing is an error).
 * Seen in test/integration/install-concurrency.test.ts (8 processes, one version) under load.
 */
import { poolMkdir } from '../pool-fs.js';

export async function makeDirectory(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await poolMkdir(dir, { recursive: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}
