/**
 * A tool release, served by the dist server: the same file tree packed in every supported format
 * (the archives committed in fixtures/tool-made/, made by the real tools from RELEASE_TREE), with
 * SHASUMS256.txt/SHASUMS512.txt made by coreutils.
 */
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDistServer, type DistServer } from '../../test-utils/dist-server.js';
import { run } from './system-commands.js';
import { toolMade } from './tool-made.js';

export const TOOL_SCRIPT = '#!/bin/sh\necho "demo tool 1.0.0"\n';

export const CHANGES = Array.from({ length: 200 }, (_, i) => `1.0.${i}: fixed issue ${i}\n`).join('');

/** The release tree, under the top folder `demo-1.0.0/` (plus `lib/data-link.txt`, a hardlink of `lib/data.txt`). */
export const RELEASE_TREE = {
  'demo-1.0.0/bin/demo': { content: TOOL_SCRIPT, mode: 0o755 },
  'demo-1.0.0/bin/python3.12': { content: '#!/bin/sh\necho python\n', mode: 0o755 },
  // A chain whose links name each other: npm tar alone drops `python`.
  'demo-1.0.0/bin/python': { symlink: 'python3' },
  'demo-1.0.0/bin/python3': { symlink: 'python3.12' },
  'demo-1.0.0/lib/data.txt': 'some data\n',
  'demo-1.0.0/share/doc/README': { content: 'read me\n', mode: 0o644 },
  // Compressible, so that zip deflates it (the tiny files above are stored).
  'demo-1.0.0/share/doc/CHANGES': CHANGES,
} as const;

export const ARCHIVE_NAMES = {
  tarGz: 'demo-1.0.0.tar.gz',
  tgz: 'demo-1.0.0.tgz',
  tarXz: 'demo-1.0.0.tar.xz',
  tarBz2: 'demo-1.0.0.tar.bz2',
  tarZst: 'demo-1.0.0.tar.zst',
  zip: 'demo-1.0.0.zip',
  gz: 'demo.gz',
  xz: 'demo.xz',
  raw: 'demo-linux-x64',
} as const;

export interface DistFixture {
  dir: string;
  distDir: string;
  server: DistServer;
  url(name: string): string;
  cleanup(): Promise<void>;
}

export async function createDistFixture(): Promise<DistFixture> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'proto-dist-')));
  const distDir = join(dir, 'dist');
  mkdirSync(distDir, { recursive: true });
  for (const name of Object.values(ARCHIVE_NAMES)) {
    if (name === ARCHIVE_NAMES.raw) writeFileSync(join(distDir, name), TOOL_SCRIPT);
    else if (name === ARCHIVE_NAMES.tgz) copyFileSync(toolMade(ARCHIVE_NAMES.tarGz), join(distDir, name));
    else copyFileSync(toolMade(name), join(distDir, name));
  }

  const files = Object.values(ARCHIVE_NAMES);
  writeFileSync(join(distDir, 'SHASUMS256.txt'), run('sha256sum', files, { cwd: distDir }));
  writeFileSync(join(distDir, 'SHASUMS512.txt'), run('sha512sum', files, { cwd: distDir }));

  const server = await startDistServer({ root: distDir });
  return {
    dir,
    distDir,
    server,
    url: (name) => server.urlFor(`/${name}`),
    cleanup: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Settings for tests: quick retries, short timeouts. */
export const FAST_SETTINGS = { http: { retryCount: 2, retryBaseDelayMs: 10, timeoutMs: 5_000 } } as const;
