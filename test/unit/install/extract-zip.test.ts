import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { extractZip } from '../../../src/install/extract-zip.js';
import { TreeWriter } from '../../../src/install/tree-writer.js';
import { makeRawZip } from '../../support/archives.js';
import { zipWithLyingHeader } from '../../support/hostile-archives.js';

// extractZip reads several entries at once: these check that every file still lands whole, that a
// later entry of a name still wins over an earlier one still being read, and that one bad entry
// among others in flight fails the unpack only once they have all stopped writing.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'proto-zip-')));
after(() => rmSync(base, { recursive: true, force: true }));
let runs = 0;

function content(index: number): Buffer {
  const bytes = Buffer.allocUnsafe(1000 + index * 3_001);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + index) & 0xff;
  return bytes;
}
const entries = Array.from({ length: 24 }, (_, index) => ({ name: `pkg/file-${index}`, content: content(index) }));

async function extract(file: string, root = join(base, `out-${runs++}`)): Promise<{ root: string; writer: TreeWriter }> {
  mkdirSync(root);
  const writer = new TreeWriter(root, { maxBytes: 1 << 30, maxEntries: 1000 }, 'test.zip', () => undefined);
  try {
    await extractZip({ file, archiveName: 'test.zip', writer, prefix: undefined, warn: () => undefined });
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.finish();
  return { root, writer };
}

describe('extractZip with entries read at the same time', () => {
  it('writes every entry whole', async () => {
    const { root } = await extract(makeRawZip(join(base, 'many.zip'), entries));
    for (const [index, entry] of entries.entries()) assert.deepEqual(readFileSync(join(root, entry.name)), content(index), entry.name);
  });

  it('a later entry of the same name wins, even over a large one still being read', async () => {
    const zip = makeRawZip(join(base, 'same-name.zip'), [
      { name: 'pkg/tool', content: Buffer.alloc(3 << 20, 0x61) },
      { name: 'pkg/small', content: 'small' },
      { name: 'pkg/tool', content: 'the later one' },
    ]);
    const { root } = await extract(zip);
    assert.equal(readFileSync(join(root, 'pkg/tool'), 'utf8'), 'the later one');
    assert.deepEqual(readdirSync(join(root, 'pkg')).sort(), ['small', 'tool']);
  });

  it('a bad entry among others fails the unpack after they all stopped', async () => {
    const zip = zipWithLyingHeader(base, 'crc.zip', { crc: 0x12345678 }, entries, 'pkg/file-5');
    const root = join(base, 'out-crc');
    await assert.rejects(extract(zip, root), { code: 'install.corrupt_archive', message: /CRC mismatch in pkg\/file-5/ });
    // Whatever else was started is complete: nothing was still being written when it failed.
    const written = readdirSync(join(root, 'pkg')).filter((name) => name !== 'file-5');
    assert.ok(written.length >= 5, written.join(' '));
    for (const name of written) assert.deepEqual(readFileSync(join(root, 'pkg', name)), content(Number(name.slice(5))), name);
  });
});
