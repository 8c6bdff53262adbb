import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * Whether `path` is `dir` or lies under it (lexically: both absolute, no symlinks resolved).
 * Component-wise: `dir/..cache` is inside, `dir/../x` is not.
 */
export function isInsideDir(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The real path of `path` (every symlink resolved) when it lies inside the real path of one of
 * `dirs`; undefined when it leads out of all of them, or does not exist. For the files the host
 * changes on a plugin's word: a symlink already in place must not carry the change elsewhere.
 */
export function realPathInsideDirs(path: string, dirs: readonly string[]): string | undefined {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  for (const dir of dirs) {
    try {
      if (isInsideDir(real, realpathSync(dir))) return real;
    } catch {
      // a dir that does not exist holds nothing
    }
  }
  return undefined;
}
