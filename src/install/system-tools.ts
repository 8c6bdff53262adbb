/**
 * Finding helper programs (`xz`, `bzip2`, `zstd`, `gzip`) on PATH. The PATH is the user's and is
 * trusted like any command they run; we only ever pass these programs file names we created.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const cache = new Map<string, string | null>();

export function findExecutable(name: string, pathValue = process.env.PATH ?? ''): string | undefined {
  const key = `${name}\0${pathValue}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let found: string | null = null;
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) {
      found = candidate;
      break;
    }
  }
  cache.set(key, found);
  return found ?? undefined;
}

/** A file we may execute (symlinks followed). */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
