import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONCURRENT_ENTRIES, WHOLE_ENTRY_MAX, extractZip } from '../../../src/install/extract-zip.js';
import { TreeWriter } from '../../../src/install/tree-writer.js';
import { makeRawZip, zipWithLongLocalExtra } from '../../support/archives.js';
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
    // The first entry of the archive's order (names sorted: file-0, file-1, file-10, ...) is bad.
    const zip = zipWithLyingHeader(base, 'crc.zip', { crc: 0x12345678 }, entries, 'pkg/file-0');
    const root = join(base, 'out-crc');
    await assert.rejects(extract(zip, root), { code: 'install.corrupt_archive', message: /CRC mismatch in pkg\/file-0/ });
    // Whatever else was started is complete: nothing was still being written when it failed.
    const written = readdirSync(join(root, 'pkg')).filter((name) => name !== 'file-0');
    for (const name of written) assert.deepEqual(readFileSync(join(root, 'pkg', name)), content(Number(name.slice(5))), name);
    // And no entry was started once the failure was known: at most those in flight beside it.
    assert.ok(written.length <= CONCURRENT_ENTRIES * 2, `${written.length} of ${entries.length - 1} written: ${written.join(' ')}`);
  });
});

describe('extractZip reading entries whole or streamed', () => {
  it('finds the data behind a local header whose extra field is longer than the central one says', async () => {
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff));
    const { root } = await extract(zipWithLongLocalExtra(join(base, 'long-extra.zip'), 'pkg/tool', content, 1000));
    assert.deepEqual(readFileSync(join(root, 'pkg/tool')), content);
  });

  it('writes entries just below, at and above the size read whole', async () => {
    const sizes = [WHOLE_ENTRY_MAX - 1, WHOLE_ENTRY_MAX, WHOLE_ENTRY_MAX + 1];
    const files = sizes.map((size, index) => ({ name: `pkg/file-${index}`, content: Buffer.alloc(size, 0x41 + index) }));
    const { root } = await extract(makeRawZip(join(base, 'edges.zip'), files));
    for (const file of files) assert.deepEqual(readFileSync(join(root, file.name)), file.content, file.name);
  });
});

// Memory is measured in a fresh Node (its peak RSS before and after the unpack), where nothing
// else has raised the high-water mark: 96 MiB of zeros deflate to ~100 KB, so holding an entry
// whole would show as ~96 MB more.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const EXTRACT_SCRIPT = `
import { mkdirSync } from 'node:fs';
import { extractZip } from ${JSON.stringify(fileURLToPath(new URL('../../../src/install/extract-zip.ts', import.meta.url)))};
import { TreeWriter } from ${JSON.stringify(fileURLToPath(new URL('../../../src/install/tree-writer.ts', import.meta.url)))};
const [file, root] = process.argv.slice(1);
mkdirSync(root);
const writer = new TreeWriter(root, { maxBytes: 1 << 30, maxEntries: 10 }, 'big.zip', () => undefined);
const peakBefore = process.resourceUsage().maxRSS;
let failure;
try {
  await extractZip({ file, archiveName: 'big.zip', writer, prefix: undefined, warn: () => undefined });
  writer.finish();
} catch (error) {
  writer.abort();
  failure = { code: error.code, message: error.message };
}
console.log(JSON.stringify({ failure, growthMb: (process.resourceUsage().maxRSS - peakBefore) / 1024 }));
`;
const BIG = 96 * 1024 * 1024;
/** Plainly below what holding 96 MiB would add. */
const FLAT_MB = 40;

function extractInChild(file: string): { failure?: { code: string; message: string }; growthMb: number; root: string } {
  const root = join(base, `child-${runs++}`);
  const result = spawnSync(process.execPath, ['--import', './scripts/register-ts.mjs', '--input-type=module', '-e', EXTRACT_SCRIPT, file, root], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  assert.equal(result.status, 0, result.stderr);
  return { ...JSON.parse(result.stdout.trim().split('\n').at(-1)!), root };
}

describe('extractZip memory', () => {
  const bigEntries = [
    { name: 'pkg/ok.txt', content: 'ok' },
    { name: 'pkg/tool', content: Buffer.alloc(BIG) },
  ];

  it('streams an entry too large to read whole: memory stays flat', () => {
    const { failure, growthMb, root } = extractInChild(makeRawZip(join(base, 'big.zip'), bigEntries));
    assert.equal(failure, undefined);
    assert.equal(statSync(join(root, 'pkg/tool')).size, BIG);
    assert.ok(growthMb < FLAT_MB, `peak RSS grew by ${growthMb.toFixed(0)} MB`);
  });

  it('stops an entry that inflates past its declared size at the first byte beyond it, read whole or streamed', () => {
    for (const declared of [1000, WHOLE_ENTRY_MAX + 1]) {
      const zip = zipWithLyingHeader(base, `lying-${declared}.zip`, { size: declared }, bigEntries);
      const { failure, growthMb } = extractInChild(zip);
      assert.equal(failure?.code, 'install.corrupt_archive', JSON.stringify(failure));
      assert.match(failure.message, new RegExp(`pkg/tool inflates to more than the ${declared} bytes its header declares`));
      assert.ok(growthMb < FLAT_MB, `declared ${declared}: peak RSS grew by ${growthMb.toFixed(0)} MB`);
    }
  });
});
