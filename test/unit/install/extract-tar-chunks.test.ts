import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
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

async function extract(source: Readable): Promise<{ root: string; warnings: string[] }> {
  const root = join(base, `out-${runs++}`);
  mkdirSync(root);
  const warnings: string[] = [];
  const writer = new TreeWriter(root, { maxBytes: 1 << 30, maxEntries: 1000 }, 'tool.tar', (message) => warnings.push(message));
  await extractTar({ source, archiveName: 'tool.tar', compression: 'none', writer, prefix: undefined, decompress: {}, warn: (m) => warnings.push(m) });
  writer.finish();
  return { root: join(root, 'tool-1.0.0'), warnings };
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
