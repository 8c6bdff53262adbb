/**
 * The directory of the calling module: `moduleDir(import.meta.dirname, import.meta.url)`.
 * `import.meta.dirname` is what the start-up path reads (the bundlers write both as constants, by
 * their text, so pass them, not `import.meta`; and it skips Node's URL code), but Node gained it
 * only in 20.11: a Node older than that, which the launcher must still refuse by name when the
 * bundles are stale, takes the long way.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export function moduleDir(dir: string | undefined, url: string): string {
  return dir ?? dirname(fileURLToPath(url));
}
