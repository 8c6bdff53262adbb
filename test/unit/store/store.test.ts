import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveStoreRoot, Store, REMOTE_VERSIONS_TTL_MS } from '../../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveStoreRoot', () => {
  const home = '/home/me';
  it('prefers an explicit root, then PROTO_HOME, then XDG_DATA_HOME/proto, then ~/.proto', () => {
    const env = { PROTO_HOME: '/opt/proto', XDG_DATA_HOME: '/xdg' };
    assert.equal(resolveStoreRoot({ root: '/explicit', env, homeDir: home }), '/explicit');
    assert.equal(resolveStoreRoot({ env, homeDir: home }), '/opt/proto');
    assert.equal(resolveStoreRoot({ env: { XDG_DATA_HOME: '/xdg' }, homeDir: home }), '/xdg/proto');
    assert.equal(resolveStoreRoot({ env: {}, homeDir: home }), '/home/me/.proto');
  });

  it('expands a leading ~ in PROTO_HOME', () => {
    assert.equal(resolveStoreRoot({ env: { PROTO_HOME: '~/tools/proto' }, homeDir: home }), '/home/me/tools/proto');
    assert.equal(resolveStoreRoot({ env: { PROTO_HOME: '~' }, homeDir: home }), '/home/me');
  });

  it('ignores empty variables', () => {
    assert.equal(resolveStoreRoot({ env: { PROTO_HOME: ' ', XDG_DATA_HOME: '' }, homeDir: home }), '/home/me/.proto');
  });
});

describe('Store paths', () => {
  const store = new Store({ root: '/p', env: {} });
  it('lays out tools, temp and the rest like proto', () => {
    assert.equal(store.toolsDir, '/p/tools');
    assert.equal(store.inventoryDir('node'), '/p/tools/node');
    assert.equal(store.productDir('node', '20.0.0'), '/p/tools/node/20.0.0');
    assert.equal(store.productDir('asdf:zig', '0.14.0', '-x'), '/p/tools/asdf-zig/0.14.0-x');
    assert.equal(store.versionTempDir('node', '20.0.0'), '/p/temp/node/MjAuMC4w');
    assert.equal(store.manifestPath('node'), '/p/tools/node/manifest.json');
    assert.equal(store.remoteVersionsPath('node'), '/p/tools/node/remote-versions.json');
    assert.equal(store.remoteVersionsPath('node', 'lts'), '/p/tools/node/remote-versions-lts.json');
    assert.equal(store.pluginsDir, '/p/plugins');
    assert.equal(store.shimsDir, '/p/shims');
    assert.equal(store.binDir, '/p/bin');
  });

  it('honours PROTO_TEMP_DIR', () => {
    assert.equal(new Store({ root: '/p', env: { PROTO_TEMP_DIR: '/fast/tmp' } }).toolTempDir('node'), '/fast/tmp/node');
  });

  it('never builds a path outside the store from a hostile id or version', () => {
    assert.ok(store.productDir('../../etc', '../passwd').startsWith('/p/tools/'));
    assert.throws(() => store.productDir('node', '..'), { code: 'store.invalid_component' });
  });
});

describe('manifest.json', () => {
  it('reads a missing manifest as empty and writes proto\'s format, sorted', async () => {
    const store = new Store({ root: join(dir, 'm1'), env: {} });
    assert.deepEqual(await store.readManifest('node'), { installed_versions: [], shim_version: 0, versions: {} });
    for (const version of ['20.10.0', '18.0.0', '20.9.0']) {
      await store.updateManifest('node', (m) => {
        m.installed_versions.push(version);
        m.versions[version] = { no_clean: false, installed_at: 1, lock: { checksum: 'sha256:x' } };
      });
    }
    const text = readFileSync(store.manifestPath('node'), 'utf8');
    const json = JSON.parse(text);
    assert.deepEqual(json.installed_versions, ['18.0.0', '20.9.0', '20.10.0']);
    assert.deepEqual(Object.keys(json.versions), ['18.0.0', '20.9.0', '20.10.0']);
    assert.equal(json.shim_version, 0);
    assert.match(text, /^{\n  "installed_versions"/, 'pretty-printed');
  });

  it('keeps fields it does not know', async () => {
    const store = new Store({ root: join(dir, 'm2'), env: {} });
    mkdirSync(store.inventoryDir('node'), { recursive: true });
    writeFileSync(store.manifestPath('node'), JSON.stringify({ installed_versions: ['1.0.0'], default_version: '1.0.0', versions: { '1.0.0': { installed_at: 5, custom: true } } }));
    await store.updateManifest('node', (m) => {
      m.installed_versions.push('2.0.0');
    });
    const json = JSON.parse(readFileSync(store.manifestPath('node'), 'utf8'));
    assert.equal(json.default_version, '1.0.0');
    assert.equal(json.versions['1.0.0'].custom, true);
    assert.deepEqual(json.installed_versions, ['1.0.0', '2.0.0']);
  });

  it('reports a corrupt manifest instead of replacing it', async () => {
    const store = new Store({ root: join(dir, 'm3'), env: {} });
    mkdirSync(store.inventoryDir('node'), { recursive: true });
    writeFileSync(store.manifestPath('node'), '{not json');
    await assert.rejects(store.readManifest('node'), { code: 'store.manifest_corrupt' });
    await assert.rejects(store.updateManifest('node', () => undefined), { code: 'store.manifest_corrupt' });
    assert.equal(readFileSync(store.manifestPath('node'), 'utf8'), '{not json');
  });

  it('loses no entry when many writers update it at once', async () => {
    const store = new Store({ root: join(dir, 'm4'), env: {} });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateManifest('node', (m) => {
          m.installed_versions.push(`1.0.${i}`);
        }),
      ),
    );
    assert.equal((await store.readManifest('node')).installed_versions.length, 20);
  });
});

describe('remote-versions cache', () => {
  const output = { versions: ['1.0.0', '2.0.0'], aliases: { latest: '2.0.0' } };

  it('is used for 12 hours, then ignored (unless offline)', async () => {
    const store = new Store({ root: join(dir, 'r1'), env: {} });
    await store.writeRemoteVersions('node', output);
    assert.deepEqual(await store.readRemoteVersions('node'), output);
    const old = (Date.now() - REMOTE_VERSIONS_TTL_MS - 60_000) / 1000;
    utimesSync(store.remoteVersionsPath('node'), old, old);
    assert.equal(await store.readRemoteVersions('node'), undefined);
    assert.deepEqual(await store.readRemoteVersions('node', { ignoreAge: true }), output);
  });

  it('is not written without versions, and bypassed by PROTO_CACHE=off', async () => {
    const store = new Store({ root: join(dir, 'r2'), env: { PROTO_CACHE: 'off' } });
    await store.writeRemoteVersions('node', { versions: [], aliases: {} });
    assert.equal(await store.readRemoteVersions('node', { ignoreAge: true }), undefined);
    await store.writeRemoteVersions('node', output, 'lts');
    assert.equal(await store.readRemoteVersions('node', { scope: 'lts' }), undefined);
    const cached = new Store({ root: join(dir, 'r2'), env: {} });
    assert.deepEqual(await cached.readRemoteVersions('node', { scope: 'lts' }), output);
  });

  it('treats a broken cache file as a miss', async () => {
    const store = new Store({ root: join(dir, 'r3'), env: {} });
    mkdirSync(store.inventoryDir('node'), { recursive: true });
    writeFileSync(store.remoteVersionsPath('node'), '{oops');
    assert.equal(await store.readRemoteVersions('node'), undefined);
  });
});
