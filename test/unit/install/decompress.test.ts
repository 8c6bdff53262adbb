import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { openDecompressed, zlibZstdDecoder, type CompressedSource } from '../../../src/install/decompress.js';
import { ensureCliBuilt } from '../../support/cli.js';
import { repoRoot } from '../../support/fixtures.js';
import { skipWithout, skipWithoutZstdDecoder } from '../../support/system-commands.js';
import { readToolMade, toolMade } from '../../support/tool-made.js';

// One tar compressed by gzip, xz, bzip2 and zstd (fixtures/tool-made/): every decoder must give
// back the same bytes.
const tar = zlib.gunzipSync(readToolMade('demo-1.0.0.tar.gz'));
const compressed = {
  gzip: toolMade('demo-1.0.0.tar.gz'),
  xz: toolMade('demo-1.0.0.tar.xz'),
  bzip2: toolMade('demo-1.0.0.tar.bz2'),
  zstd: toolMade('demo-1.0.0.tar.zst'),
};
const dir = mkdtempSync(join(tmpdir(), 'proto-decompress-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(file: CompressedSource, compression: Parameters<typeof openDecompressed>[1], options: Parameters<typeof openDecompressed>[2] = {}) {
  const source = await openDecompressed(file, compression, options);
  const chunks: Buffer[] = [];
  for await (const chunk of source.stream) chunks.push(chunk as Buffer);
  await source.finished;
  return { data: Buffer.concat(chunks), decoder: source.decoder };
}

describe('openDecompressed', () => {
  it('decodes a stream of compressed bytes the same as the file (helper processes read it on stdin)', skipWithout('xz', 'bzip2'), async () => {
    for (const [compression, file] of [['gzip', compressed.gzip], ['xz', compressed.xz], ['bzip2', compressed.bzip2]] as const) {
      const result = await readAll(createReadStream(file, { highWaterMark: 100 }), compression, { xzDecoder: 'system' });
      assert.deepEqual(result.data, tar, compression);
    }
  });

  it('a stream that fails stops the helper process, and its error is the error', skipWithout('xz'), async () => {
    const bytes = readFileSync(compressed.xz);
    const failing = new Readable({ read() {} });
    failing.push(bytes.subarray(0, bytes.length >> 1));
    setImmediate(() => failing.destroy(new Error('the download failed')));
    await assert.rejects(readAll(failing, 'xz', { xzDecoder: 'system' }), /the download failed/);
  });

  it('decodes gzip with zlib', async () => {
    const result = await readAll(compressed.gzip, 'gzip');
    assert.deepEqual(result.data, tar);
    assert.equal(result.decoder, 'zlib gunzip');
  });

  it('decodes xz with the system xz', skipWithout('xz'), async () => {
    const xz = await readAll(compressed.xz, 'xz', { xzDecoder: 'system' });
    assert.deepEqual(xz.data, tar);
    assert.equal(xz.decoder, 'xz');
  });

  it('decodes bzip2 with the system bzip2', skipWithout('bzip2'), async () => {
    assert.deepEqual((await readAll(compressed.bzip2, 'bzip2')).data, tar);
  });

  it('decodes zstd with node:zlib or the system zstd', skipWithoutZstdDecoder(), async () => {
    assert.deepEqual((await readAll(compressed.zstd, 'zstd')).data, tar);
  });

  it('falls back to the WebAssembly xz decoder when xz is not on PATH', async () => {
    const result = await readAll(compressed.xz, 'xz', { path: '' });
    assert.deepEqual(result.data, tar);
    assert.match(result.decoder, /wasm/);
  });

  it('falls back to the WebAssembly decoder in the compiled code too (plain Node, no TypeScript loader)', async () => {
    // Node's own ES module loader sees xz-decompress (a webpack bundle) differently from tsx.
    await ensureCliBuilt();
    const module = pathToFileURL(join(repoRoot, 'dist/install/decompress.js')).href;
    const script = `const { openDecompressed } = await import(${JSON.stringify(module)});
      const source = await openDecompressed(${JSON.stringify(compressed.xz)}, 'xz', { path: '' });
      let bytes = 0;
      for await (const chunk of source.stream) bytes += chunk.length;
      console.log(source.decoder, bytes);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(stdout.trim(), `xz-decompress (wasm) ${tar.length}`);
  });

  it('says what to install when a decoder is missing', async () => {
    await assert.rejects(openDecompressed(compressed.xz, 'xz', { path: '', xzDecoder: 'system' }), {
      code: 'install.unsupported_archive',
      message: /xz command/,
    });
    await assert.rejects(openDecompressed(compressed.bzip2, 'bzip2', { path: '' }), { message: /bzip2 command/ });
    if (zlibZstdDecoder()) {
      assert.deepEqual((await readAll(compressed.zstd, 'zstd', { path: '' })).data, tar);
    } else {
      const lacks = typeof (zlib as Record<string, unknown>).createZstdDecompress === 'function' ? 'a zstd decoder that cannot tell a cut archive' : 'no zstd support';
      await assert.rejects(openDecompressed(compressed.zstd, 'zstd', { path: '' }), {
        code: 'install.unsupported_archive',
        message: new RegExp(`${lacks}, and the zstd command is not installed`),
      });
    }
  });

  // Node 22's zlib zstd ends without an error at a cut (Node 24's refuses it): a cut .zst must not
  // unpack to a short file, whichever decoder this Node uses.
  it('a cut .zst is corrupt, whichever decoder decodes it', skipWithoutZstdDecoder(), async () => {
    const cut = join(dir, 'cut.zst');
    writeFileSync(cut, readFileSync(compressed.zstd).subarray(0, -3));
    const source = await openDecompressed(cut, 'zstd');
    const read = (async () => {
      for await (const _ of source.stream) void _;
      await source.finished;
    })();
    await assert.rejects(read, (error: Error & { code?: string }) => /corrupt_archive|Z_BUF_ERROR/.test(`${error.code} ${error.message}`));
  });

  it('reports corrupt data from a helper process', async () => {
    // .Z (compress) is decoded by the system gzip, present on every machine.
    writeFileSync(join(dir, 'bad.Z'), 'not compressed at all');
    const source = await openDecompressed(join(dir, 'bad.Z'), 'compress');
    for await (const _ of source.stream) void _;
    await assert.rejects(source.finished, { code: 'install.corrupt_archive' });
  });
});
