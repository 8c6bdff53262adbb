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
    assert.equal(store.inventory('node').dir, '/p/tools/node');
    assert.equal(store.inventory('node').productDir('20.0.0'), '/p/tools/node/20.0.0');
    assert.equal(store.inventory('asdf:zig', { versionSuffix: '-x' }).productDir('0.14.0'), '/p/tools/asdf-zig/0.14.0-x');
    assert.equal(store.versionTempDir('node', '20.0.0'), '/p/temp/node/MjAuMC4w');
    assert.equal(store.inventory('node').manifestPath, '/p/tools/node/manifest.json');
    assert.equal(store.inventory('node').remoteVersionsPath(), '/p/tools/node/remote-versions.json');
    assert.equal(store.inventory('node').remoteVersionsPath('lts'), '/p/tools/node/remote-versions-lts.json');
    assert.equal(store.pluginsDir, '/p/plugins');
    assert.equal(store.shimsDir, '/p/shims');
    assert.equal(store.binDir, '/p/bin');
  });

  it('honours PROTO_TEMP_DIR', () => {
    assert.equal(new Store({ root: '/p', env: { PROTO_TEMP_DIR: '/fast/tmp' } }).toolTempDir('node'), '/fast/tmp/node');
  });

  it('never builds a path outside the store from a hostile id or version', () => {
    assert.ok(store.inventory('../../etc').productDir('../passwd').startsWith('/p/tools/'));
    assert.throws(() => store.inventory('node').productDir('..'), { code: 'store.invalid_component' });
  });
});

describe('manifest.json', () => {
  it('reads a missing manifest as empty and writes proto\'s format, sorted', async () => {
    const store = new Store({ root: join(dir, 'm1'), env: {} });
    assert.deepEqual(await store.inventory('node').readManifest(), { installed_versions: [], shim_version: 0, versions: {} });
    for (const version of ['20.10.0', '18.0.0', '20.9.0']) {
      await store.inventory('node').updateManifest((m) => {
        m.installed_versions.push(version);
        m.versions[version] = { no_clean: false, installed_at: 1, lock: { checksum: 'sha256:x' } };
      });
    }
    const text = readFileSync(store.inventory('node').manifestPath, 'utf8');
    const json = JSON.parse(text);
    assert.deepEqual(json.installed_versions, ['18.0.0', '20.9.0', '20.10.0']);
    assert.deepEqual(Object.keys(json.versions), ['18.0.0', '20.9.0', '20.10.0']);
    assert.equal(json.shim_version, 0);
    assert.match(text, /^{\n  "installed_versions"/, 'pretty-printed');
  });

  it('keeps fields it does not know', async () => {
    const store = new Store({ root: join(dir, 'm2'), env: {} });
    mkdirSync(store.inventory('node').dir, { recursive: true });
    writeFileSync(store.inventory('node').manifestPath, JSON.stringify({ installed_versions: ['1.0.0'], default_version: '1.0.0', versions: { '1.0.0': { installed_at: 5, custom: true } } }));
    await store.inventory('node').updateManifest((m) => {
      m.installed_versions.push('2.0.0');
    });
    const json = JSON.parse(readFileSync(store.inventory('node').manifestPath, 'utf8'));
    assert.equal(json.default_version, '1.0.0');
    assert.equal(json.versions['1.0.0'].custom, true);
    assert.deepEqual(json.installed_versions, ['1.0.0', '2.0.0']);
  });

  it('reports a corrupt manifest instead of replacing it', async () => {
    const store = new Store({ root: join(dir, 'm3'), env: {} });
    mkdirSync(store.inventory('node').dir, { recursive: true });
    writeFileSync(store.inventory('node').manifestPath, '{not json');
    await assert.rejects(store.inventory('node').readManifest(), { code: 'store.manifest_corrupt' });
    await assert.rejects(store.inventory('node').updateManifest(() => undefined), { code: 'store.manifest_corrupt' });
    assert.equal(readFileSync(store.inventory('node').manifestPath, 'utf8'), '{not json');
  });

  it('loses no entry when many writers update it at once', async () => {
    const store = new Store({ root: join(dir, 'm4'), env: {} });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.inventory('node').updateManifest((m) => {
          m.installed_versions.push(`1.0.${i}`);
        }),
      ),
    );
    assert.equal((await store.inventory('node').readManifest()).installed_versions.length, 20);
  });
});

describe('remote-versions cache', () => {
  const output = { versions: ['1.0.0', '2.0.0'], aliases: { latest: '2.0.0' } };

  it('is used for 12 hours, then ignored (unless offline)', async () => {
    const store = new Store({ root: join(dir, 'r1'), env: {} });
    await store.inventory('node').writeRemoteVersions(output);
    assert.deepEqual(await store.inventory('node').readRemoteVersions(), output);
    const old = (Date.now() - REMOTE_VERSIONS_TTL_MS - 60_000) / 1000;
    utimesSync(store.inventory('node').remoteVersionsPath(), old, old);
    assert.equal(await store.inventory('node').readRemoteVersions(), undefined);
    assert.deepEqual(await store.inventory('node').readRemoteVersions({ ignoreAge: true }), output);
  });

  it('is not written without versions, and bypassed by PROTO_CACHE=off', async () => {
    const store = new Store({ root: join(dir, 'r2'), env: { PROTO_CACHE: 'off' } });
    await store.inventory('node').writeRemoteVersions({ versions: [], aliases: {} });
    assert.equal(await store.inventory('node').readRemoteVersions({ ignoreAge: true }), undefined);
    await store.inventory('node').writeRemoteVersions(output, 'lts');
    assert.equal(await store.inventory('node').readRemoteVersions({ scope: 'lts' }), undefined);
    const cached = new Store({ root: join(dir, 'r2'), env: {} });
    assert.deepEqual(await cached.inventory('node').readRemoteVersions({ scope: 'lts' }), output);
  });

  it('treats a broken cache file as a miss', async () => {
    const store = new Store({ root: join(dir, 'r3'), env: {} });
    mkdirSync(store.inventory('node').dir, { recursive: true });
    writeFileSync(store.inventory('node').remoteVersionsPath(), '{oops');
    assert.equal(await store.inventory('node').readRemoteVersions(), undefined);
  });
});
