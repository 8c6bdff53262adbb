/** A throwaway directory with a Store rooted in it, and helpers to inspect what is left behind. */
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Store } from '../../src/store/index.js';

export interface TempStore {
  dir: string;
  store: Store;
  /** Files (not directories) under tools/ and temp/, relative to the store root. */
  leftoverFiles(): string[];
  cleanup(): void;
}

export function createTempStore(prefix = 'proto-install-'): TempStore {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const store = new Store({ root: join(dir, '.proto'), env: {} });
  return {
    dir,
    store,
    leftoverFiles: () => [...listFiles(store.toolsDir), ...listFiles(store.tempDir)].map((f) => relative(store.root, f)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every non-directory entry under `dir` (files and symlinks), recursively; [] when missing. */
export function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}
