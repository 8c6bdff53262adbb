import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { extractTar } from '../../../src/install/extract-tar.js';
import { TreeWriter } from '../../../src/install/tree-writer.js';
import { makeTar, writeTree } from '../../support/archives.js';

// extractTar hands the tar parser whole 512-byte blocks whatever the chunks it is given: these
// tests cut a real GNU tar at every kind of place (inside headers, inside long-name records,
// a few bytes at a time) and expect exactly the files of the archive.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'proto-tar-chunks-')));
after(() => rmSync(base, { recursive: true, force: true }));

const sizes = [0, 1, 511, 512, 513, 1023, 70_001];
const content = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff));
const longName = `${'deep/'.repeat(30)}a-name-longer-than-a-header-holds.txt`;
const tree: Record<string, Parameters<typeof writeTree>[1][string]> = {
  'tool-1.0.0/bin/tool': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
  'tool-1.0.0/bin/alias': { symlink: 'tool' },
  [`tool-1.0.0/${longName}`]: 'long',
};
for (const size of sizes) tree[`tool-1.0.0/data/file-${size}`] = content(size);
writeTree(join(base, 'src'), tree);
const tar = readFileSync(makeTar(join(base, 'src'), join(base, 'tool.tar'), 'tar', { members: ['tool-1.0.0'] }));
let runs = 0;

/** The archive's bytes as a stream of chunks of the given lengths, repeated. */
function chunked(bytes: Buffer, lengths: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const length = lengths[i % lengths.length]!;
    chunks.push(Buffer.from(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return Readable.from(chunks);
}

async function extract(source: Readable | Buffer[], compression: 'none' | 'gzip' = 'none'): Promise<{ root: string; warnings: string[]; decoder: string }> {
  const root = join(base, `out-${runs++}`);
  mkdirSync(root);
  const warnings: string[] = [];
  const writer = new TreeWriter(root, { maxBytes: 1 << 30, maxEntries: 1000 }, 'tool.tar', (message) => warnings.push(message));
  const { decoder } = await extractTar({ source, archiveName: 'tool.tar', compression, writer, prefix: undefined, decompress: {}, warn: (m) => warnings.push(m) });
  writer.finish();
  return { root: join(root, 'tool-1.0.0'), warnings, decoder };
}

/** The bytes cut into `count` buffers (a body as it arrived). */
function pieces(bytes: Buffer, count: number): Buffer[] {
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

function assertWholeTree(root: string): void {
  assert.equal(readFileSync(join(root, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
  assert.equal(readlinkSync(join(root, 'bin/alias')), 'tool');
  assert.equal(readFileSync(join(root, longName), 'utf8'), 'long');
  for (const size of sizes) assert.deepEqual(readFileSync(join(root, `data/file-${size}`)), content(size), `file-${size}`);
}

describe('extractTar with chunks that split blocks', () => {
  for (const [label, lengths] of [
    ['chunks of 1, 2, 3, 509 and 1021 bytes', [1, 2, 3, 509, 1021]],
    ['chunks of 511, 513 and 100 bytes', [511, 513, 100]],
    ['chunks of 7 and 64 KiB + 3', [7, 65_539]],
    ['whole blocks', [512]],
  ] as const) {
    it(label, async () => {
      const { root, warnings } = await extract(chunked(tar, [...lengths]));
      assertWholeTree(root);
      assert.deepEqual(warnings, []);
    });
  }

  it('a tar cut inside a block is still a corrupt archive', async () => {
    const cut = tar.subarray(0, 512 * 5 + 100);
    await assert.rejects(extract(chunked(cut, [300])), { code: 'install.corrupt_archive' });
  });
});

// A small download kept in memory is unpacked in one piece (decompressed at once, one write to the
// parser): the same files, the same errors; a larger one, or one whose tar is larger than what is
// held in memory, goes through the stream.
describe('extractTar of a whole archive in memory', () => {
  it('a plain tar and a .tar.gz, in pieces, are unpacked in one piece', async () => {
    const plain = await extract(pieces(tar, 3));
    assertWholeTree(plain.root);
    assert.equal(plain.decoder, 'none');
    const gzipped = await extract(pieces(gzipSync(tar), 2), 'gzip');
    assertWholeTree(gzipped.root);
    assert.deepEqual(gzipped.warnings, []);
    assert.equal(gzipped.decoder, 'zlib gunzip (whole)');
  });

  it('bad gzip data and a cut tar are corrupt archives', async () => {
    const gzipped = gzipSync(tar);
    const bad = Buffer.from(gzipped);
    bad.fill(0x55, 20, 60);
    await assert.rejects(extract([bad], 'gzip'), { code: 'install.corrupt_archive' });
    await assert.rejects(extract([gzipped.subarray(0, gzipped.length >> 1)], 'gzip'), { code: 'install.corrupt_archive' });
    await assert.rejects(extract([tar.subarray(0, 512 * 5 + 100)]), { code: 'install.corrupt_archive' });
  });

  it('a body over 1 MiB is streamed', async () => {
    const dir = join(base, 'large-body');
    writeTree(dir, { 'tool-1.0.0/noise': randomBytes(1100 * 1024) });
    const large = readFileSync(makeTar(dir, join(base, 'large-body.tar'), 'tar', { members: ['tool-1.0.0'] }));
    const { root, decoder } = await extract(pieces(gzipSync(large), 4), 'gzip');
    assert.equal(decoder, 'zlib gunzip');
    assert.equal(readFileSync(join(root, 'noise')).length, 1100 * 1024);
  });

  it('a small body whose tar is over 16 MiB is streamed (at most that much is decompressed in memory)', async () => {
    const dir = join(base, 'large-tar');
    writeTree(dir, { 'tool-1.0.0/zeros': Buffer.alloc(17 * 1024 * 1024) });
    const file = makeTar(dir, join(base, 'large-tar.tar'), 'tar', { members: ['tool-1.0.0'] });
    const body = gzipSync(readFileSync(file));
    rmSync(dir, { recursive: true });
    rmSync(file);
    assert.ok(body.length < 1024 * 1024);
    const { root, decoder } = await extract([body], 'gzip');
    assert.equal(decoder, 'zlib gunzip');
    assert.equal(readFileSync(join(root, 'zeros')).length, 17 * 1024 * 1024);
  });
});

// npm tar's parser unpacks a gzip or zstd archive it finds inside the archive by itself, and aborts
// when that data is bad: an abort that must end the unpack with the error, never leave it waiting.
describe('a compressed archive inside the archive', () => {
  const inner = gzipSync(tar);
  const corrupt = Buffer.from(inner);
  corrupt.fill(0x55, 40, 90);
  const cases: Array<[string, Buffer]> = [
    ['bad data inside', corrupt],
    ['cut short inside', inner.subarray(0, inner.length - 30)],
    ['zstd magic then noise', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(600)])],
  ];
  for (const [label, content] of cases) {
    for (const [way, source] of [
      ['whole', () => [gzipSync(content)]],
      ['streamed', () => Readable.from([gzipSync(content)])],
    ] as const) {
      it(`${label}, ${way}: a corrupt archive`, { timeout: 20_000 }, async () => {
        await assert.rejects(extract(source(), 'gzip'), { code: 'install.corrupt_archive' });
      });
    }
  }

  it('a good one is unpacked the same either way', async () => {
    assertWholeTree((await extract([gzipSync(inner)], 'gzip')).root);
    assertWholeTree((await extract(Readable.from([gzipSync(inner)]), 'gzip')).root);
  });
});
