/** A verified download that is not a valid archive fails with install.corrupt_archive, never hangs. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unpackDownload } from '../../../src/install/index.js';
import { makeTar, makeZip, writeTree } from '../../support/archives.js';
import { createFakePlugin } from '../../support/fake-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-corrupt-'));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => writeTree(join(dir, 'src'), { 'pkg/a': Buffer.alloc(100_000, 1), 'pkg/b': 'b' }));

let outputs = 0;
function unpack(file: string, name: string) {
  const outputDir = join(dir, `out-${outputs++}`);
  mkdirSync(outputDir);
  return unpackDownload({ plugin: createFakePlugin({}), version: '1.0.0', downloadFile: file, downloadName: name, outputDir, settings: {}, warn: () => undefined });
}

describe('corrupt archives', () => {
  for (const format of ['tar', 'tar.gz', 'tar.xz', 'tar.bz2', 'zip'] as const) {
    it(`${format}: truncated and garbage`, async () => {
      const full = join(dir, `full.${format}`);
      if (format === 'zip') makeZip(join(dir, 'src'), full, ['pkg']);
      else makeTar(join(dir, 'src'), full, format, { members: ['pkg'] });
      const bytes = readFileSync(full);
      const truncated = join(dir, `truncated.${format}`);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await assert.rejects(unpack(truncated, `truncated.${format}`), { code: 'install.corrupt_archive' });
      const garbage = join(dir, `garbage.${format}`);
      writeFileSync(garbage, 'this is not an archive at all');
      await assert.rejects(unpack(garbage, `garbage.${format}`), { code: 'install.corrupt_archive' });
    });
  }
});
