// The cache of scripts/ts-hooks.mjs (node_modules/.cache/proto-ts-js): one file of JavaScript per
// (source, esbuild version and options), named by their sha256. Every edit of a source adds an
// entry and none is ever read again once the source changed, so unused entries are pruned:
//  - using an entry marks it: its mtime is moved to now, at most once a day (so a hit costs no
//    write), through the open file (readFileSync would fstat it anyway);
//  - entries not used for UNUSED_DAYS are deleted, and temp files of writes that died;
//  - the prune runs only when an entry is written (the cache grows only then) and at most once a
//    day, by the mtime of a stamp file: a run of hundreds of processes that all hit costs nothing.
import { closeSync, fstatSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DAY_MS = 24 * 60 * 60 * 1000;
export const UNUSED_DAYS = 7;
const STAMP = '.pruned';

/** The entry's code, or undefined when there is none (or it cannot be read). */
export function readEntry(path, now = Date.now()) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { mtimeMs } = fstatSync(fd);
    const code = readFileSync(fd, 'utf8');
    if (now - mtimeMs > DAY_MS) {
      try {
        futimesSync(fd, now / 1000, now / 1000);
      } catch {
        // read-only cache: it is only not pruned as early
      }
    }
    return code;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes an entry (temp + rename: readers in other processes see all or nothing), then prunes when due. */
export function writeEntry(path, code, now = Date.now()) {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, path);
    pruneIfDue(dirname(path), now);
  } catch {
    // only a speed-up
  }
}

/** Prunes `dir` when its last prune is a day old or more (or never happened); true when it did. */
export function pruneIfDue(dir, now = Date.now()) {
  const stamp = join(dir, STAMP);
  let last = 0;
  try {
    last = statSync(stamp).mtimeMs;
  } catch {
    // never pruned
  }
  if (now - last < DAY_MS) return false;
  // Stamped first: the other processes of this run that write an entry do not prune as well.
  writeFileSync(stamp, '');
  utimesSync(stamp, now / 1000, now / 1000);
  pruneCache(dir, now);
  return true;
}

/** Deletes entries unused for UNUSED_DAYS and temp files over a day old; returns their names. */
export function pruneCache(dir, now = Date.now()) {
  const removed = [];
  for (const name of readdirSync(dir)) {
    const maxAge = name.endsWith('.js') ? UNUSED_DAYS * DAY_MS : name.endsWith('.tmp') ? DAY_MS : undefined;
    if (maxAge === undefined) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs <= maxAge) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return removed.sort();
}
