/**
 * node:fs's callback calls as promises, for the many small file operations of an install (atomic
 * writes, store dirs, a download's file, each tool's plugin file). They run in libuv's pool like fs.promises' (creating a
 * file can wait on a busy disk, which must not hold the main thread), without its FileHandle and
 * promise machinery: ~85 µs of main-thread CPU per write + rename of a small file against ~150 µs
 * (measured, 400 files).
 */
import { mkdir, open, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs';
import { promisify } from 'node:util';

export const poolMkdir = promisify(mkdir);
export const poolOpen = promisify(open);
export const poolReadFile = promisify(readFile);
export const poolRename = promisify(rename);
export const poolRmdir = promisify(rmdir);
export const poolStat = promisify(stat);
export const poolUnlink = promisify(unlink);
export const poolWriteFile = promisify(writeFile);
