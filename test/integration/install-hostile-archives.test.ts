/**
 * Hostile archives: each is refused or neutralised, and nothing is ever written outside the
 * tool's directory. "Neutralised" means the install succeeds without the hostile entry and says
 * so in a warning (proto skips unsafe entries too); a hostile archive_prefix and a bomb fail.
 * A verified download whose archive breaks part way through (the unpack running while it arrives,
 * or from the body in memory when it is small) is refused with install.corrupt_archive and leaves
 * nothing, even after some of its files were written; the unpack paths' full matrix is in
 * test/unit/install/hostile-archives-settle.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { installTool, type InstallToolResult } from '../../src/install/index.js';
import { startDistServer, type DistServer } from '../../test-utils/dist-server.js';
import { makeTar, writeTree } from '../support/archives.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { skipWithout } from '../support/system-commands.js';
import { tarAbsolute, tarDotDot, tarGzBomb, tarHardlinkEscape, tarManyFiles, tarSymlinkEscape, zipSlip, zipWithLyingHeader } from '../support/hostile-archives.js';
import { createTempStore, listFiles, type TempStore } from '../support/temp-store.js';

let server: DistServer;
let work: string;
let temp: TempStore;

before(async () => {
  server = await startDistServer();
  work = realpathSync(mkdtempSync(join(tmpdir(), 'proto-hostile-')));
});
after(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  temp = createTempStore();
});
afterEach(() => temp?.cleanup());

async function installArchive(file: string, extra: Record<string, unknown> = {}, settings = {}): Promise<InstallToolResult> {
  const name = basename(file);
  server.setFile(`/${name}`, readFileSync(file));
  const plugin = createFakePlugin({ download: { download_url: server.urlFor(`/${name}`), ...extra } });
  return installTool({ store: temp.store, plugin, version: '1.0.0', settings: { http: { retryCount: 0 }, ...settings } });
}

/** Every file under the sandbox is inside the product dir, except manifest.json. */
function assertNothingOutsideProductDir(): void {
  const product = temp.store.inventory('demo').productDir('1.0.0');
  const strays = listFiles(temp.dir)
    .filter((file) => !file.startsWith(`${product}/`) && basename(file) !== 'manifest.json')
    .map((file) => relative(temp.dir, file));
  assert.deepEqual(strays, []);
}

function assertNothingLeft(): void {
  assert.deepEqual(temp.leftoverFiles(), []);
  assert.equal(existsSync(temp.store.inventory('demo').productDir('1.0.0')), false);
}

describe('hostile archives', () => {
  it('zip-slip: ../ entries are skipped, the rest installs', async () => {
    const result = await installArchive(zipSlip(work));
    assert.equal(readFileSync(join(result.dir, 'pkg/ok.txt'), 'utf8'), 'ok\n');
    assert.ok(result.warnings.some((w) => w.includes('../../evil.txt')), result.warnings.join('\n'));
    assert.ok(result.warnings.some((w) => w.includes('evil-backslash.txt')));
    assertNothingOutsideProductDir();
    assert.deepEqual(listFiles(result.dir).map((f) => relative(result.dir, f)), ['pkg/ok.txt']);
  });

  it('zip entries that lie in their headers are refused, leaving nothing', async () => {
    const cases: Array<[string, Parameters<typeof zipWithLyingHeader>[2], string, RegExp]> = [
      ['smaller.zip', { size: 100 }, 'install.corrupt_archive', /smaller\.zip is corrupt/],
      ['bigger.zip', { size: 30 * 1024 }, 'install.corrupt_archive', /bigger\.zip is corrupt/],
      ['crc.zip', { crc: 0x12345678 }, 'install.corrupt_archive', /CRC mismatch in pkg\/tool/],
      ['encrypted.zip', { flags: 1 }, 'install.unsupported_archive', /encrypted entry \(pkg\/tool\)/],
      ['lzma.zip', { method: 14 }, 'install.unsupported_archive', /compression method 14/],
    ];
    for (const [name, patch, code, message] of cases) {
      await assert.rejects(installArchive(zipWithLyingHeader(work, name, patch)), (error: Error & { code?: string }) => {
        assert.equal(error.code, code, `${name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
      assertNothingLeft();
    }
    // The same archive, unpatched, installs: the refusals above are the headers' doing.
    const honest = await installArchive(zipWithLyingHeader(work, 'honest.zip', {}));
    assert.equal(readFileSync(join(honest.dir, 'pkg/tool'), 'utf8'), 'a'.repeat(20 * 1024));
  });

  it('tar with a ../../ member: skipped', async () => {
    const result = await installArchive(tarDotDot(work));
    assert.deepEqual(listFiles(result.dir).map((f) => relative(result.dir, f)), ['pkg/ok.txt']);
    assert.ok(result.warnings.some((w) => w.includes('../../evil.txt')));
    assertNothingOutsideProductDir();
  });

  it('tar with an absolute member: skipped, the absolute path is not written', async () => {
    const victim = join(work, 'absolute-victim.txt');
    const result = await installArchive(tarAbsolute(work, victim));
    assert.equal(existsSync(victim), false, 'the absolute path was not written');
    assert.deepEqual(listFiles(result.dir).map((f) => relative(result.dir, f)), ['pkg/ok.txt']);
    assert.ok(result.warnings.some((w) => w.includes(victim)));
    assertNothingOutsideProductDir();
  });

  it('symlink escapes: escaping links are dropped, nothing is written through them', async () => {
    const result = await installArchive(tarSymlinkEscape(work));
    assert.equal(existsSync(join(temp.store.inventory('demo').dir, 'outside')), false);
    // pkg/link/evil.txt landed in a plain directory inside the tool dir, not through the link.
    assert.equal(lstatSync(join(result.dir, 'pkg/link')).isDirectory(), true);
    assert.equal(existsSync(join(result.dir, 'pkg/abs')), false, 'absolute symlink dropped');
    assert.equal(lstatSync(join(result.dir, 'root-link')).isSymbolicLink(), true, 'a harmless link is kept');
    assert.equal(existsSync(join(result.dir, 'sneaky')), false, 'root-link/.. resolves above the tool dir');
    assert.ok(result.warnings.some((w) => w.includes('sneaky')), result.warnings.join('\n'));
    assert.ok(result.warnings.some((w) => w.includes('pkg/abs')));
    assertNothingOutsideProductDir();
  });

  it('hardlink escape: a hardlink to a file outside the archive is skipped', async () => {
    // The target, relative to the staging dir tools/demo/.partial-1.0.0/, is the store root's victim.
    const victim = join(temp.store.root, 'victim.txt');
    mkdirSync(temp.store.root, { recursive: true });
    writeFileSync(victim, 'original\n');
    const result = await installArchive(tarHardlinkEscape(work, '../../../victim.txt'));
    assert.equal(readFileSync(victim, 'utf8'), 'original\n');
    assert.equal(statSync(victim).nlink, 1, 'no new link to the victim');
    assert.equal(existsSync(join(result.dir, 'pkg/hard')), false);
    assert.ok(result.warnings.some((w) => w.includes('pkg/hard')));
    rmSync(victim);
    assertNothingOutsideProductDir();
  });

  it('archive_prefix with .. is refused before anything is unpacked', async () => {
    const src = join(work, 'prefix-src');
    writeTree(src, { 'pkg/ok.txt': 'ok\n' });
    const archive = makeTar(src, join(work, 'prefix.tar.gz'), 'tar.gz', { members: ['pkg'] });
    for (const prefix of ['../..', 'pkg/../../..', '/etc']) {
      await assert.rejects(installArchive(archive, { archive_prefix: prefix }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'install.invalid_archive_prefix');
        assert.ok(error.message.includes(prefix));
        return true;
      });
      assertNothingLeft();
    }
  });

  it('a decompression bomb fails cleanly under the default bound', async () => {
    const bomb = tarGzBomb(work, 300 * 1024 * 1024);
    assert.ok(statSync(bomb).size < 1024 * 1024, 'the bomb is small');
    await assert.rejects(installArchive(bomb), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'install.archive_too_large');
      assert.match(error.message, /bomb\.tar\.gz/);
      return true;
    });
    assertNothingLeft();
  });

  it('many honest entries that add up beyond the bound fail while streaming', async () => {
    const archive = tarManyFiles(work, 12, 1024 * 1024);
    await assert.rejects(installArchive(archive, {}, { unpack: { maxBytes: 5 * 1024 * 1024 } }), /would write more than 5\.0 MiB/);
    assertNothingLeft();
  });
});

describe('an archive that breaks part way through', () => {
  /** A tar of `pkg/first` (64 KiB) then `pkg/big` (3 MiB): a cut after the first leaves it written. */
  let tar: Buffer;
  before(() => {
    writeTree(join(work, 'breaks'), { 'pkg/first': randomBytes(64 * 1024), 'pkg/big': randomBytes(3 * 1024 * 1024) });
    tar = readFileSync(makeTar(join(work, 'breaks'), join(work, 'breaks.tar'), 'tar', { members: ['pkg/first', 'pkg/big'] }));
  });

  async function assertCorrupt(name: string, bytes: Buffer): Promise<void> {
    writeFileSync(join(work, name), bytes);
    await assert.rejects(installArchive(join(work, name)), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'install.corrupt_archive', `${name}: ${error.message}`);
      return true;
    });
    assertNothingLeft();
  }

  it('a large .tar.gz cut inside its second file (unpacked while downloading)', { timeout: 60_000 }, async () => {
    const archive = gzipSync(tar);
    await assertCorrupt('cut.tar.gz', archive.subarray(0, archive.length - 1024 * 1024));
  });

  it('a small .tar.gz cut inside its data (unpacked from memory)', { timeout: 60_000 }, async () => {
    await assertCorrupt('small-cut.tar.gz', gzipSync(tar.subarray(0, 512 * 3 + 40_000)).subarray(0, 20_000));
  });

  it('a large .tar.gz whose tar is a corrupt .gz (unpacked by the tar parser itself)', { timeout: 60_000 }, async () => {
    const inner = Buffer.from(gzipSync(tar));
    inner.fill(0x55, inner.length - 200_000, inner.length - 100_000);
    await assertCorrupt('nested.tar.gz', gzipSync(inner));
  });

  it('a large .tar.xz cut inside its second file (system xz, reading the download)', { ...skipWithout('xz'), timeout: 60_000 }, async () => {
    const archive = spawnSync('xz', ['-c', '-T1'], { input: tar, maxBuffer: 1 << 26 }).stdout as Buffer;
    await assertCorrupt('cut.tar.xz', archive.subarray(0, archive.length - 1024 * 1024));
  });
});
