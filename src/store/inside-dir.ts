import { isAbsolute, relative } from 'node:path';

/** Whether `path` is `dir` or lies under it (lexically: both absolute, no symlinks resolved). */
export function isInsideDir(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
