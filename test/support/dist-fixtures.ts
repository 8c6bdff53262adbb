/**
 * A generated tool release, served by the dist server: the same file tree packed in every
 * supported format, with SHASUMS256.txt/SHASUMS512.txt made by coreutils.
 */
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDistServer, type DistServer } from '../../test-utils/dist-server.js';
import { compressFile, makeTar, makeZip, writeTree } from './archives.js';
import { run } from './system-commands.js';

export const TOOL_SCRIPT = '#!/bin/sh\necho "demo tool 1.0.0"\n';

/** The release tree, under the top folder `demo-1.0.0/`. */
export const RELEASE_TREE = {
  'demo-1.0.0/bin/demo': { content: TOOL_SCRIPT, mode: 0o755 },
  'demo-1.0.0/bin/python3.12': { content: '#!/bin/sh\necho python\n', mode: 0o755 },
  // A chain whose links name each other: npm tar alone drops `python`.
  'demo-1.0.0/bin/python': { symlink: 'python3' },
  'demo-1.0.0/bin/python3': { symlink: 'python3.12' },
  'demo-1.0.0/lib/data.txt': 'some data\n',
  'demo-1.0.0/share/doc/README': { content: 'read me\n', mode: 0o644 },
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
  const source = join(dir, 'source');
  const distDir = join(dir, 'dist');
  mkdirSync(distDir, { recursive: true });
  writeTree(source, RELEASE_TREE);
  // A hardlink, as GNU tar stores repeated inodes.
  linkSync(join(source, 'demo-1.0.0/lib/data.txt'), join(source, 'demo-1.0.0/lib/data-link.txt'));

  const members = { members: ['demo-1.0.0'] };
  makeTar(source, join(distDir, ARCHIVE_NAMES.tarGz), 'tar.gz', members);
  makeTar(source, join(distDir, ARCHIVE_NAMES.tgz), 'tgz', members);
  makeTar(source, join(distDir, ARCHIVE_NAMES.tarXz), 'tar.xz', members);
  makeTar(source, join(distDir, ARCHIVE_NAMES.tarBz2), 'tar.bz2', members);
  makeTar(source, join(distDir, ARCHIVE_NAMES.tarZst), 'tar.zst', members);
  makeZip(source, join(distDir, ARCHIVE_NAMES.zip), ['demo-1.0.0']);
  const binary = join(source, 'demo-1.0.0/bin/demo');
  compressFile(binary, join(distDir, ARCHIVE_NAMES.gz), 'gzip');
  compressFile(binary, join(distDir, ARCHIVE_NAMES.xz), 'xz');
  writeFileSync(join(distDir, ARCHIVE_NAMES.raw), TOOL_SCRIPT);

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
