import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { openDecompressed } from '../../../src/install/decompress.js';
import { compressFile } from '../../support/archives.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-decompress-'));
const content = Buffer.from('hello from a compressed file\n'.repeat(1000));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  writeFileSync(join(dir, 'plain'), content);
  for (const tool of ['gzip', 'xz', 'bzip2', 'zstd'] as const) compressFile(join(dir, 'plain'), join(dir, `file.${tool}`), tool);
});

async function readAll(file: string, compression: Parameters<typeof openDecompressed>[1], options: Parameters<typeof openDecompressed>[2] = {}) {
  const source = await openDecompressed(file, compression, options);
  const chunks: Buffer[] = [];
  for await (const chunk of source.stream) chunks.push(chunk as Buffer);
  await source.finished;
  return { data: Buffer.concat(chunks), decoder: source.decoder };
}

describe('openDecompressed', () => {
  it('decodes gzip with zlib, and xz, bzip2, zstd with the system tools', async () => {
    assert.deepEqual((await readAll(join(dir, 'file.gzip'), 'gzip')).data, content);
    const xz = await readAll(join(dir, 'file.xz'), 'xz', { xzDecoder: 'system' });
    assert.deepEqual(xz.data, content);
    assert.equal(xz.decoder, 'xz');
    assert.deepEqual((await readAll(join(dir, 'file.bzip2'), 'bzip2')).data, content);
    assert.deepEqual((await readAll(join(dir, 'file.zstd'), 'zstd')).data, content);
  });

  it('falls back to the WebAssembly xz decoder when xz is not on PATH', async () => {
    const result = await readAll(join(dir, 'file.xz'), 'xz', { path: '' });
    assert.deepEqual(result.data, content);
    assert.match(result.decoder, /wasm/);
  });

  it('says what to install when a decoder is missing', async () => {
    await assert.rejects(openDecompressed(join(dir, 'file.xz'), 'xz', { path: '', xzDecoder: 'system' }), {
      code: 'install.unsupported_archive',
      message: /xz command/,
    });
    await assert.rejects(openDecompressed(join(dir, 'file.bzip2'), 'bzip2', { path: '' }), { message: /bzip2 command/ });
    const nodeHasZstd = typeof (zlib as Record<string, unknown>).createZstdDecompress === 'function';
    if (nodeHasZstd) {
      assert.deepEqual((await readAll(join(dir, 'file.zstd'), 'zstd', { path: '' })).data, content);
    } else {
      await assert.rejects(openDecompressed(join(dir, 'file.zstd'), 'zstd', { path: '' }), {
        code: 'install.unsupported_archive',
        message: /no zstd support and the zstd command is not installed/,
      });
    }
  });

  it('reports corrupt data from a helper process', async () => {
    writeFileSync(join(dir, 'bad.xz'), 'not xz at all');
    const source = await openDecompressed(join(dir, 'bad.xz'), 'xz', { xzDecoder: 'system' });
    for await (const _ of source.stream) void _;
    await assert.rejects(source.finished, { code: 'install.corrupt_archive' });
  });
});
