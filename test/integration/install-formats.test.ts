/**
 * Every archive format end to end: a real dist server, a stand-in plugin, the real pipeline, and
 * the archives the real tools made (fixtures/tool-made/).
 * Each install must give the same tree: exec bits kept, symlink chain restored, hardlink kept.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installTool, uninstallTool } from '../../src/install/index.js';
import { ARCHIVE_NAMES, CHANGES, createDistFixture, FAST_SETTINGS, TOOL_SCRIPT, type DistFixture } from '../support/dist-fixtures.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { skipWithout, skipWithoutZstdDecoder } from '../support/system-commands.js';
import { createTempStore, listFiles, type TempStore } from '../support/temp-store.js';

let dist: DistFixture;
let temp: TempStore;

before(async () => {
  dist = await createDistFixture();
});
after(async () => {
  await dist?.cleanup();
});

function pluginFor(name: string, extra: Record<string, unknown> = {}) {
  return createFakePlugin({
    download: {
      download_url: dist.url(name),
      checksum_url: dist.url('SHASUMS256.txt'),
      archive_prefix: 'demo-1.0.0',
      ...extra,
    },
  });
}

function assertReleaseTree(dir: string): void {
  const demo = join(dir, 'bin/demo');
  assert.equal(readFileSync(demo, 'utf8'), TOOL_SCRIPT);
  assert.equal(statSync(demo).mode & 0o111, 0o111, 'bin/demo keeps its exec bits');
  assert.equal(execFileSync(demo, { encoding: 'utf8' }).trim(), 'demo tool 1.0.0');
  assert.equal(readlinkSync(join(dir, 'bin/python')), 'python3');
  assert.equal(readlinkSync(join(dir, 'bin/python3')), 'python3.12');
  assert.equal(execFileSync(join(dir, 'bin/python'), { encoding: 'utf8' }).trim(), 'python', 'the chain resolves');
  assert.equal(readFileSync(join(dir, 'lib/data.txt'), 'utf8'), 'some data\n');
  assert.equal(readFileSync(join(dir, 'lib/data-link.txt'), 'utf8'), 'some data\n');
  assert.equal(statSync(join(dir, 'share/doc/README')).mode & 0o111, 0, 'README is not executable');
  assert.equal(readFileSync(join(dir, 'share/doc/CHANGES'), 'utf8'), CHANGES);
  assert.equal(existsSync(join(dir, 'demo-1.0.0')), false, 'the prefix was stripped');
}

/** No download, checksum file, staging or trash dir remains after an install. */
function assertNoStagingLeft(store: TempStore): void {
  assert.deepEqual(listFiles(store.store.tempDir), []);
  const hidden = readdirSync(store.store.inventory('demo').dir).filter((name) => name.startsWith('.'));
  assert.deepEqual(hidden, []);
}

describe('installTool unpacks every format', () => {
  before(() => {
    temp = createTempStore();
  });
  after(() => temp?.cleanup());

  // Decoding .tar.bz2 (and .tar.zst before Node 22.15) needs the system tool; the rest needs nothing.
  const archives: Array<[string, string, Record<string, unknown>, { skip?: string }]> = [
    ['tar.gz', ARCHIVE_NAMES.tarGz, {}, {}],
    ['tgz', ARCHIVE_NAMES.tgz, {}, {}],
    ['tar.xz (system xz)', ARCHIVE_NAMES.tarXz, { unpack: { xzDecoder: 'system' } }, skipWithout('xz')],
    ['tar.xz (wasm decoder)', ARCHIVE_NAMES.tarXz, { unpack: { xzDecoder: 'wasm' } }, {}],
    ['tar.bz2', ARCHIVE_NAMES.tarBz2, {}, skipWithout('bzip2')],
    ['tar.zst', ARCHIVE_NAMES.tarZst, {}, skipWithoutZstdDecoder()],
    ['zip', ARCHIVE_NAMES.zip, {}, {}],
  ];
  for (const [label, name, settings, options] of archives) {
    it(label, options, async () => {
      const version = `1.0.0-${label.replace(/\W+/g, '')}`;
      const result = await installTool({ store: temp.store, plugin: pluginFor(name), version, settings: { ...FAST_SETTINGS, ...settings } });
      assert.equal(result.installed, true);
      assert.equal(result.dir, temp.store.inventory('demo').productDir(version));
      assert.match(result.checksum ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.equal(result.source, dist.url(name));
      assertReleaseTree(result.dir);
      const manifest = await temp.store.inventory('demo').readManifest();
      assert.ok(manifest.installed_versions.includes(version));
      assert.equal(manifest.versions[version]?.lock?.checksum, result.checksum);
      assertNoStagingLeft(temp);
    });
  }

  it('installs a bare .gz file as an executable named after the archive', async () => {
    const result = await installTool({ store: temp.store, plugin: pluginFor(ARCHIVE_NAMES.gz), version: '2.0.0-gz', settings: FAST_SETTINGS });
    const exe = join(result.dir, 'demo');
    assert.equal(readFileSync(exe, 'utf8'), TOOL_SCRIPT);
    assert.equal(statSync(exe).mode & 0o111, 0o111);
  });

  it('installs a bare .xz file as an executable', async () => {
    const result = await installTool({ store: temp.store, plugin: pluginFor(ARCHIVE_NAMES.xz), version: '2.0.0-xz', settings: FAST_SETTINGS });
    assert.equal(execFileSync(join(result.dir, 'demo'), { encoding: 'utf8' }).trim(), 'demo tool 1.0.0');
  });

  it('moves a non-archive download to <dir>/<id> and makes it executable', async () => {
    const plugin = createFakePlugin({
      id: 'demo',
      download: { download_url: dist.url(ARCHIVE_NAMES.raw), checksum_url: dist.url('SHASUMS512.txt') },
    });
    const result = await installTool({ store: temp.store, plugin, version: '2.0.0-raw', settings: FAST_SETTINGS });
    assert.match(result.checksum ?? '', /^sha512:[0-9a-f]{128}$/);
    assert.equal(execFileSync(join(result.dir, 'demo'), { encoding: 'utf8' }).trim(), 'demo tool 1.0.0');
  });

  it('strips a wildcard archive_prefix', async () => {
    const plugin = pluginFor(ARCHIVE_NAMES.tarGz, { archive_prefix: 'demo-*' });
    const result = await installTool({ store: temp.store, plugin, version: '3.0.0-wildcard', settings: FAST_SETTINGS });
    assertReleaseTree(result.dir);
  });

  it('keeps entries that do not match the prefix unchanged', async () => {
    const plugin = pluginFor(ARCHIVE_NAMES.tarGz, { archive_prefix: 'other-prefix' });
    const result = await installTool({ store: temp.store, plugin, version: '3.0.0-nomatch', settings: FAST_SETTINGS });
    assert.ok(existsSync(join(result.dir, 'demo-1.0.0/bin/demo')));
  });

  it('returns installed: false when the version is already installed, without downloading', async () => {
    const plugin = pluginFor(ARCHIVE_NAMES.tarGz);
    const first = await installTool({ store: temp.store, plugin, version: '4.0.0', settings: FAST_SETTINGS });
    const requests = dist.server.requestsFor(`/${ARCHIVE_NAMES.tarGz}`).length;
    const second = await installTool({ store: temp.store, plugin, version: '4.0.0', settings: FAST_SETTINGS });
    assert.equal(first.installed, true);
    assert.equal(second.installed, false);
    assert.equal(second.checksum, first.checksum);
    assert.equal(dist.server.requestsFor(`/${ARCHIVE_NAMES.tarGz}`).length, requests);
  });

  it('reinstalls with force, replacing the old files', async () => {
    const plugin = pluginFor(ARCHIVE_NAMES.tarGz);
    const { dir } = await installTool({ store: temp.store, plugin, version: '4.1.0', settings: FAST_SETTINGS });
    const marker = join(dir, 'marker');
    execFileSync('touch', [marker]);
    const again = await installTool({ store: temp.store, plugin, version: '4.1.0', force: true, settings: FAST_SETTINGS });
    assert.equal(again.installed, true);
    assert.equal(existsSync(marker), false);
    assertReleaseTree(dir);
  });

  it('keeps the previous install when a forced reinstall fails after its commit', async () => {
    const plugin = pluginFor(ARCHIVE_NAMES.tarGz);
    const { dir } = await installTool({ store: temp.store, plugin, version: '4.2.0', settings: FAST_SETTINGS });
    const marker = join(dir, 'marker');
    execFileSync('touch', [marker]);
    // Recording the new install fails: manifest.json cannot be read once it is a directory.
    const manifest = temp.store.inventory('demo').manifestPath;
    const saved = readFileSync(manifest);
    rmSync(manifest);
    mkdirSync(manifest);
    try {
      await assert.rejects(installTool({ store: temp.store, plugin, version: '4.2.0', force: true, settings: FAST_SETTINGS }));
    } finally {
      rmSync(manifest, { recursive: true });
      writeFileSync(manifest, saved);
    }
    assert.equal(existsSync(marker), true, 'the previous files are back');
    assertReleaseTree(dir);
    assert.deepEqual(readdirSync(temp.store.inventory('demo').dir).filter((name) => name.startsWith('.')), [], 'no staging or trash left');
  });

  it('lets the plugin unpack when it exports unpack_archive', async () => {
    const plugin = createFakePlugin({
      download: { download_url: dist.url(ARCHIVE_NAMES.tarGz), checksum_url: dist.url('SHASUMS256.txt') },
      unpackArchive: async ({ inputFile, outputDir }) => {
        execFileSync('tar', ['-xzf', inputFile, '-C', outputDir, '--strip-components=1']);
      },
    });
    const result = await installTool({ store: temp.store, plugin, version: '5.0.0', settings: FAST_SETTINGS });
    assertReleaseTree(result.dir);
    const call = plugin.calls.find((c) => c.fn === 'unpack_archive');
    assert.ok(call, 'unpack_archive was called');
  });

  it('uninstalls a version: product dir and manifest entry go, the remaining versions are reported', async () => {
    const plugin = pluginFor(ARCHIVE_NAMES.tarGz);
    await installTool({ store: temp.store, plugin, version: '6.0.0', settings: FAST_SETTINGS });
    const result = await uninstallTool({ store: temp.store, plugin, version: '6.0.0' });
    assert.equal(result.uninstalled, true);
    assert.equal(existsSync(result.dir), false);
    const manifest = await temp.store.inventory('demo').readManifest();
    assert.equal(manifest.installed_versions.includes('6.0.0'), false);
    assert.equal('6.0.0' in manifest.versions, false);
    assert.deepEqual(result.remainingVersions, manifest.installed_versions);
    assert.ok(result.remainingVersions.length > 0);
    const again = await uninstallTool({ store: temp.store, plugin, version: '6.0.0' });
    assert.equal(again.uninstalled, false);
  });
});

describe('native_install / native_uninstall', () => {
  before(() => {
    temp = createTempStore();
  });
  after(() => temp?.cleanup());

  it('records a native install without downloading, and calls native_uninstall', async () => {
    const plugin = createFakePlugin({
      nativeInstall: async ({ installDir }) => {
        execFileSync('mkdir', ['-p', installDir]);
        execFileSync('touch', [join(installDir, 'tool')]);
        return { installed: true, checksum: `sha256:${'a'.repeat(64)}` };
      },
      nativeUninstall: async () => ({ uninstalled: true }),
    });
    const result = await installTool({ store: temp.store, plugin, version: '1.0.0' });
    assert.equal(result.installed, true);
    assert.equal(result.source, 'native');
    assert.equal((await temp.store.inventory('demo').readManifest()).versions['1.0.0']?.lock?.checksum, `sha256:${'a'.repeat(64)}`);
    const removed = await uninstallTool({ store: temp.store, plugin, version: '1.0.0' });
    assert.equal(removed.uninstalled, true);
    assert.deepEqual(removed.remainingVersions, []);
    assert.ok(plugin.calls.some((c) => c.fn === 'native_uninstall'));
    assert.equal(lstatSync(temp.store.inventory('demo').dir).isDirectory(), true);
    assert.equal(existsSync(result.dir), false);
  });

  it('fails with the plugin error when native_install neither installs nor skips', async () => {
    const plugin = createFakePlugin({ nativeInstall: async () => ({ installed: false, error: 'no compiler' }) });
    await assert.rejects(installTool({ store: temp.store, plugin, version: '2.0.0' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'install.native_failed');
      assert.match(error.message, /no compiler/);
      return true;
    });
    assert.deepEqual((await temp.store.inventory('demo').readManifest()).installed_versions, []);
  });

  it('falls through to download_prebuilt when native_install says skip_install', async () => {
    const plugin = createFakePlugin({
      nativeInstall: async () => ({ installed: false, skip_install: true }),
      download: { download_url: dist.url(ARCHIVE_NAMES.tarGz), checksum_url: dist.url('SHASUMS256.txt'), archive_prefix: 'demo-1.0.0' },
    });
    const result = await installTool({ store: temp.store, plugin, version: '3.0.0', settings: FAST_SETTINGS });
    assertReleaseTree(result.dir);
  });

  it('fails when native_uninstall fails, keeping the install', async () => {
    const plugin = createFakePlugin({
      download: { download_url: dist.url(ARCHIVE_NAMES.tarGz), checksum_url: dist.url('SHASUMS256.txt'), archive_prefix: 'demo-1.0.0' },
      nativeUninstall: async () => ({ uninstalled: false, error: 'busy' }),
    });
    const { dir } = await installTool({ store: temp.store, plugin, version: '4.0.0', settings: FAST_SETTINGS });
    await assert.rejects(uninstallTool({ store: temp.store, plugin, version: '4.0.0' }), /busy/);
    assert.ok(existsSync(join(dir, 'bin/demo')));
  });
});
