/**
 * A verified download whose archive breaks part way through, installed for real (over HTTP, with
 * the unpack running while the download arrives, or from the body in memory when it is small):
 * the install rejects with install.corrupt_archive and leaves nothing behind, even after files
 * of the archive were already written to the staging dir. The unpack paths' full matrix is in
 * test/unit/install/hostile-archives-settle.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { installTool } from '../../src/install/index.js';
import { startDistServer, type DistServer } from '../../test-utils/dist-server.js';
import { makeTar, writeTree } from '../support/archives.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { skipWithout } from '../support/system-commands.js';
import { createTempStore, type TempStore } from '../support/temp-store.js';

let server: DistServer;
let work: string;
let temp: TempStore;
/** A tar of `pkg/first` (64 KiB) then `pkg/big` (3 MiB): a cut after the first leaves it written. */
let tar: Buffer;

before(async () => {
  server = await startDistServer();
  work = realpathSync(mkdtempSync(join(tmpdir(), 'proto-corrupt-settles-')));
  writeTree(join(work, 'src'), { 'pkg/first': randomBytes(64 * 1024), 'pkg/big': randomBytes(3 * 1024 * 1024) });
  tar = readFileSync(makeTar(join(work, 'src'), join(work, 'tool.tar'), 'tar', { members: ['pkg/first', 'pkg/big'] }));
});
after(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp?.cleanup());

async function assertRefusedLeavingNothing(name: string, bytes: Buffer): Promise<void> {
  server.setFile(`/${name}`, bytes);
  const plugin = createFakePlugin({ download: { download_url: server.urlFor(`/${name}`) } });
  await assert.rejects(installTool({ store: temp.store, plugin, version: '1.0.0', settings: { http: { retryCount: 0 } } }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'install.corrupt_archive', `${name}: ${error.message}`);
    return true;
  });
  assert.deepEqual(temp.leftoverFiles(), []);
  assert.equal(existsSync(temp.store.inventory('demo').productDir('1.0.0')), false);
}

const xz = (bytes: Buffer) => spawnSync('xz', ['-c', '-T1'], { input: bytes, maxBuffer: 1 << 26 }).stdout as Buffer;

describe('an archive that breaks part way through', () => {
  it('a large .tar.gz cut inside its second file (unpacked while downloading)', { timeout: 60_000 }, async () => {
    const archive = gzipSync(tar);
    await assertRefusedLeavingNothing('cut.tar.gz', archive.subarray(0, archive.length - 1024 * 1024));
  });

  it('a small .tar.gz cut inside its data (unpacked from memory)', { timeout: 60_000 }, async () => {
    await assertRefusedLeavingNothing('small-cut.tar.gz', gzipSync(tar.subarray(0, 512 * 3 + 40_000)).subarray(0, 20_000));
  });

  it('a large .tar.gz whose tar is a corrupt .gz (unpacked by the tar parser itself)', { timeout: 60_000 }, async () => {
    const inner = Buffer.from(gzipSync(tar));
    inner.fill(0x55, inner.length - 200_000, inner.length - 100_000);
    await assertRefusedLeavingNothing('nested.tar.gz', gzipSync(inner));
  });

  it('a large .tar.xz cut inside its second file (system xz, reading the download)', { ...skipWithout('xz'), timeout: 60_000 }, async () => {
    const archive = xz(tar);
    await assertRefusedLeavingNothing('cut.tar.xz', archive.subarray(0, archive.length - 1024 * 1024));
  });
});
