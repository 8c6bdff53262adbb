/** Throwaway directory trees for tests that read files: one temp root per test file, a fresh subdir per tree. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

export interface FileTrees {
  /** The temp root (symlinks resolved); removed after the test file. */
  root: string;
  /** Writes `files` (relative path → content) into a new subdir of the root and returns it. */
  tree(files: Record<string, string>): string;
}

export function useFileTrees(prefix: string): FileTrees {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  after(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return {
    root,
    tree(files) {
      const base = join(root, `t${counter++}`);
      mkdirSync(base, { recursive: true });
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(base, path)), { recursive: true });
        writeFileSync(join(base, path), content);
      }
      return base;
    },
  };
}
