/**
 * Regenerates fixtures/tool-made/: the release archives and minisign signatures the tests use,
 * made once by the real tools (GNU tar, gzip, xz, bzip2, zstd, Info-ZIP zip, minisign) and
 * committed, so that `npm test` needs none of these tools installed.
 *
 *   node --import ./scripts/register-ts.mjs scripts/make-tool-fixtures.ts
 *
 * Every archive holds the same tree (RELEASE_TREE in test/support/dist-fixtures.ts, plus a
 * hardlink); the compressed tars are one tar compressed by each tool, so a decoder test can
 * compare their output with the gzip one's byte for byte. Keys are made fresh on each run and only the
 * public halves are kept. Timestamps and owners are fixed so that a rerun changes only what the
 * tools themselves vary (signatures, compressor versions).
 */
import { copyFileSync, linkSync, lutimesSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compressFile, makeZip, writeTree } from '../test/support/archives.js';
import { RELEASE_TREE } from '../test/support/dist-fixtures.js';
import { generateMinisignKey, signFile } from '../test/support/minisign.js';
import { run } from '../test/support/system-commands.js';
import { TOOL_MADE_DIR, TOOL_MADE_SIGNATURES, TRUSTED_COMMENTS } from '../test/support/tool-made.js';

const FIXED_TIME = new Date('2024-01-02T03:04:05Z');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [...walk(path), path] : [path];
  });
}

const work = mkdtempSync(join(tmpdir(), 'proto-tool-fixtures-'));
try {
  const source = join(work, 'source');
  const out = join(work, 'out');
  mkdirSync(out);
  writeTree(source, RELEASE_TREE);
  linkSync(join(source, 'demo-1.0.0/lib/data.txt'), join(source, 'demo-1.0.0/lib/data-link.txt'));
  for (const path of [...walk(source), source]) lutimesSync(path, FIXED_TIME, FIXED_TIME);

  const tar = join(work, 'demo-1.0.0.tar');
  run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--format=gnu', '-cf', tar, '-C', source, 'demo-1.0.0']);
  compressFile(tar, join(out, 'demo-1.0.0.tar.gz'), 'gzip');
  compressFile(tar, join(out, 'demo-1.0.0.tar.xz'), 'xz');
  compressFile(tar, join(out, 'demo-1.0.0.tar.bz2'), 'bzip2');
  compressFile(tar, join(out, 'demo-1.0.0.tar.zst'), 'zstd');
  const binary = join(source, 'demo-1.0.0/bin/demo');
  compressFile(binary, join(out, 'demo.gz'), 'gzip');
  compressFile(binary, join(out, 'demo.xz'), 'xz');
  makeZip(source, join(out, 'demo-1.0.0.zip'), ['demo-1.0.0']);

  const keys = join(work, 'keys');
  mkdirSync(keys);
  const release = generateMinisignKey(keys, 'release');
  const other = generateMinisignKey(keys, 'other');
  copyFileSync(join(keys, 'release.pub'), join(out, 'release.pub'));
  copyFileSync(join(keys, 'other.pub'), join(out, 'other.pub'));
  const signed = join(out, 'demo-1.0.0.tar.gz');
  signFile(release, signed, join(out, TOOL_MADE_SIGNATURES.prehashed), { trustedComment: TRUSTED_COMMENTS.prehashed });
  signFile(release, signed, join(out, TOOL_MADE_SIGNATURES.legacy), { legacy: true, trustedComment: TRUSTED_COMMENTS.legacy });
  signFile(other, signed, join(out, TOOL_MADE_SIGNATURES.otherKey), { trustedComment: TRUSTED_COMMENTS.otherKey });

  // Replace the committed set only once everything above worked.
  rmSync(TOOL_MADE_DIR, { recursive: true, force: true });
  mkdirSync(TOOL_MADE_DIR, { recursive: true });
  for (const name of readdirSync(out).sort()) {
    copyFileSync(join(out, name), join(TOOL_MADE_DIR, name));
    console.log(`${relative(process.cwd(), join(TOOL_MADE_DIR, name))}\t${statSync(join(out, name)).size} bytes`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
