/**
 * The whole path with nothing faked: the disttool WASM plugin (built from our PDK) tells the
 * pipeline what to download from a real dist server; the pipeline downloads the tar.gz made by
 * system tar, checks it against SHASUMS256.txt made by sha256sum, unpacks and commits it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isProtoError } from '../../src/errors.js';
import { PluginContainer } from '../../src/host/index.js';
import { installTool } from '../../src/install/index.js';
import { createInstallPort } from '../../src/tool/install-port.js';
import { startDisttoolDist, type DisttoolDist } from '../support/disttool-dist.js';
import { fixturePlugin } from '../support/fixtures.js';
import { createTempStore, type TempStore } from '../support/temp-store.js';

describe('install through the real disttool plugin', () => {
  let dist: DisttoolDist;
  let temp: TempStore;
  let plugin: PluginContainer;

  before(async () => {
    dist = await startDisttoolDist();
    temp = createTempStore();
    plugin = await PluginContainer.load({
      id: 'disttool',
      wasm: fixturePlugin('disttool'),
      dirs: { protoHome: temp.store.root, temp: temp.store.tempDir, home: join(temp.dir, 'home'), cwd: temp.dir },
      toolConfig: { 'dist-url': dist.url },
    });
  });

  after(async () => {
    await plugin?.close();
    await dist?.close();
    temp?.cleanup();
  });

  it('installs a version the plugin describes, verified against SHASUMS256.txt', async () => {
    const result = await installTool({ store: temp.store, plugin: createInstallPort(plugin, temp.store), version: '2.1.0' });
    assert.equal(result.installed, true);
    assert.equal(result.dir, temp.store.inventory('disttool').productDir('2.1.0'));
    assert.match(result.checksum ?? '', /^sha256:[0-9a-f]{64}$/);
    const output = execFileSync(join(result.dir, 'bin/disttool'), ['--version'], { encoding: 'utf8' });
    assert.equal(output, 'disttool 2.1.0 --version\n');
    const manifest = await temp.store.inventory('disttool').readManifest();
    assert.deepEqual(manifest.installed_versions, ['2.1.0']);
    assert.equal(existsSync(temp.store.versionTempDir('disttool', '2.1.0')), false, 'temp files removed');
  });

  it('refuses a download whose checksum does not match, leaving nothing behind', async () => {
    dist.server.setFile('/v1.0.0/SHASUMS256.txt', `${'0'.repeat(64)}  disttool-v1.0.0-linux-x64.tar.gz\n`);
    await assert.rejects(
      installTool({ store: temp.store, plugin: createInstallPort(plugin, temp.store), version: '1.0.0' }),
      (error) => isProtoError(error) && /1\.0\.0|disttool-v1\.0\.0/.test(error.message),
    );
    assert.equal(existsSync(temp.store.inventory('disttool').productDir('1.0.0')), false);
    assert.deepEqual(temp.leftoverFiles().filter((file) => file.includes('1.0.0')), []);
  });
});
