/**
 * Finding helper programs (`xz`, `bzip2`, `zstd`, `gzip`) on PATH. The PATH is the user's and is
 * trusted like any command they run; we only ever pass these programs file names we created.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const cache = new Map<string, string | null>();

/** `findOnPath` remembered per name and PATH: helpers are looked up many times per install. */
export function findExecutable(name: string, pathValue = process.env.PATH ?? ''): string | undefined {
  const key = `${name}\0${pathValue}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const found = findOnPath(name, pathValue);
  cache.set(key, found ?? null);
  return found;
}

/** The first executable file named `command` in the dirs of `pathValue` (with PATHEXT on Windows); the one PATH lookup. */
export function findOnPath(command: string, pathValue: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (pathValue ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = join(dir, command + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
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
