/** A verified download that is not a valid archive fails with install.corrupt_archive, never hangs. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { unpackDownload, type InstallSettings } from '../../../src/install/index.js';
import { makeTar, writeTree } from '../../support/archives.js';
import { createFakePlugin } from '../../support/fake-plugin.js';
import { skipWithout } from '../../support/system-commands.js';
import { toolMade } from '../../support/tool-made.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-corrupt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let outputs = 0;
function unpack(file: string, name: string, settings: InstallSettings = {}) {
  const outputDir = join(dir, `out-${outputs++}`);
  mkdirSync(outputDir);
  return unpackDownload({ plugin: createFakePlugin({}), version: '1.0.0', downloadFile: file, downloadName: name, outputDir, settings, warn: () => undefined });
}

/** A plain tar made now by GNU tar (on every machine); the others are the committed archives. */
function fullArchive(format: string): string {
  if (format !== 'tar') return toolMade(`demo-1.0.0.${format}`);
  const full = join(dir, 'full.tar');
  writeTree(join(dir, 'src'), { 'pkg/a': Buffer.alloc(100_000, 1), 'pkg/b': 'b' });
  return makeTar(join(dir, 'src'), full, 'tar', { members: ['pkg'] });
}

describe('corrupt archives', () => {
  const cases: Array<[string, string, InstallSettings, { skip?: string }]> = [
    ['tar', 'tar', {}, {}],
    ['tar.gz', 'tar.gz', {}, {}],
    ['tar.xz (system xz)', 'tar.xz', { unpack: { xzDecoder: 'system' } }, skipWithout('xz')],
    ['tar.xz (wasm decoder)', 'tar.xz', { unpack: { xzDecoder: 'wasm' } }, {}],
    ['tar.bz2', 'tar.bz2', {}, skipWithout('bzip2')],
    ['zip', 'zip', {}, {}],
  ];
  for (const [label, format, settings, options] of cases) {
    it(`${label}: truncated and garbage`, options, async () => {
      const bytes = readFileSync(fullArchive(format));
      const truncated = join(dir, `truncated.${format}`);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await assert.rejects(unpack(truncated, `truncated.${format}`, settings), { code: 'install.corrupt_archive' });
      const garbage = join(dir, `garbage.${format}`);
      writeFileSync(garbage, 'this is not an archive at all');
      await assert.rejects(unpack(garbage, `garbage.${format}`, settings), { code: 'install.corrupt_archive' });
    });
  }
});
