/**
 * registry:// plugins pulled from a real OCI registry: Debian's `docker-registry` on 127.0.0.1,
 * filled by the test over the distribution API (test/support/oci-registry.ts). Anonymous pulls,
 * Basic auth (htpasswd) and the token flow, with credentials from a Docker config file; `.wasm`
 * layers and tar / tar+gzip / tar+zstd layers holding the `.wasm`.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePluginLocator, type RegistryConfig } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';
import type { InstallSettings } from '../../../src/install/install-settings.js';
import { MIB } from '../../../src/limits.js';
import { pluginFile } from '../../../src/registry/index.js';
import { fixturePlugin } from '../../support/fixtures.js';
import { startTestRegistry, type TestRegistry } from '../../support/oci-registry.js';
import { run, skipWithout } from '../../support/system-commands.js';
import { createTempStore, type TempStore } from '../../support/temp-store.js';

const WASM_LAYER = 'application/wasm';
const wasm = new Uint8Array(readFileSync(fixturePlugin('disttool')));
const USER = { username: 'ci-bot', password: 'p@ss:word' };

/** A Docker config file in `home` with `auths` for `host`. */
function writeDockerConfig(home: string, host: string, user: { username: string; password: string }): void {
  mkdirSync(join(home, '.docker'), { recursive: true });
  const auth = Buffer.from(`${user.username}:${user.password}`).toString('base64');
  writeFileSync(join(home, '.docker/config.json'), JSON.stringify({ auths: { [`https://${host}`]: { auth } } }));
}

/**
 * A home whose Docker config names the credential helper `docker-credential-recorder` (credsStore),
 * which appends a line to `runs` each time it runs and answers `user` for any host: the tests count
 * when proto asks. Returns the env (PATH) that finds the helper, and the file it writes.
 */
function recordingHelperHome(dir: string, user: { username: string; password: string }): { home: string; env: Record<string, string>; runs: string } {
  const bin = join(dir, 'bin');
  const home = join(dir, 'home');
  const runs = join(dir, 'runs');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(home, '.docker'), { recursive: true });
  const script = ['#!/bin/sh', `echo "$1" >> '${runs}'`, 'host=$(cat)', `printf '{"ServerURL":"%s","Username":"${user.username}","Secret":"${user.password}"}' "$host"`];
  writeFileSync(join(bin, 'docker-credential-recorder'), `${script.join('\n')}\n`);
  chmodSync(join(bin, 'docker-credential-recorder'), 0o755);
  writeFileSync(join(home, '.docker/config.json'), JSON.stringify({ credsStore: 'recorder' }));
  return { home, env: { PATH: `${bin}:${process.env.PATH}` }, runs };
}

/** The lines the recording helper wrote: one per run. */
function helperRuns(runs: string): string[] {
  return existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean) : [];
}

describe('registry:// plugins from a real OCI registry', skipWithout('docker-registry'), () => {
  let temp: TempStore;
  let home: string;
  const pull = (id: string, locator: string, registries: RegistryConfig[] = [], extra: { home?: string; settings?: InstallSettings; env?: Record<string, string> } = {}) =>
    pluginFile(id, parsePluginLocator(locator, temp.dir, 'test'), { store: temp.store, registries, env: extra.env ?? {}, home: extra.home ?? home, settings: extra.settings ?? {} });
  const cachedAs = (id: string) => readdirSync(temp.store.pluginsDir).filter((name) => name.startsWith(`${id}-`));
  const bytes = (path: string) => new Uint8Array(readFileSync(path));

  before(() => {
    temp = createTempStore('proto-oci-');
    home = join(temp.dir, 'home');
    mkdirSync(home);
  });
  after(() => temp?.cleanup());

  describe('anonymous', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startTestRegistry();
      await registry.push({ repository: 'team/disttool', tag: '1.0', layers: [{ mediaType: WASM_LAYER, data: wasm }] });
    });
    after(() => registry?.stop());

    it('pulls the application/wasm layer once, then serves it from the plugin cache', async () => {
      const locator = `registry://${registry.host}/team/disttool:1.0`;
      const path = await pull('disttool', locator);
      assert.deepEqual(bytes(path), wasm);
      assert.match(path, /plugins\/disttool-[0-9a-f]{64}\.wasm$/, 'a tagged image is not a "latest-" cache entry');
      await registry.stop();
      assert.equal(await pull('disttool', locator), path, 'the cached plugin is used without asking the registry');
      registry = await startTestRegistry();
      await registry.push({ repository: 'team/disttool', tag: '1.0', layers: [{ mediaType: WASM_LAYER, data: wasm }] });
    });

    for (const compression of ['none', 'gzip', 'zstd'] as const) {
      const mediaType = `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
      it(`takes the .wasm out of a ${mediaType} layer, preferring one under release/`, { ...(compression === 'zstd' ? skipWithout('zstd') : {}) }, async () => {
        const tree = join(temp.dir, `tree-${compression}`);
        mkdirSync(join(tree, 'debug'), { recursive: true });
        mkdirSync(join(tree, 'release'));
        writeFileSync(join(tree, 'debug/plugin.wasm'), 'not this one');
        writeFileSync(join(tree, 'release/plugin.wasm'), wasm);
        const archive = join(temp.dir, `layer-${compression}.tar`);
        run('tar', ['-cf', archive, '-C', tree, 'debug', 'release']);
        let layer = archive;
        if (compression === 'gzip') run('gzip', ['-k', archive]), (layer = `${archive}.gz`);
        if (compression === 'zstd') run('zstd', ['-q', '-k', archive]), (layer = `${archive}.zst`);
        await registry.push({ repository: `team/tarred-${compression}`, tag: 'latest', layers: [{ mediaType, data: readFileSync(layer) }] });

        const path = await pull('tarred', `registry://${registry.host}/team/tarred-${compression}`);
        assert.deepEqual(bytes(path), wasm);
        assert.match(path, /tarred-latest-[0-9a-f]{64}\.wasm$/, 'no tag means latest');
      });
    }

    describe('limits', () => {
      let bombLayer: Buffer;
      before(async () => {
        // 4 MiB of zeros next to the plugin: a few KiB once gzipped.
        const tree = join(temp.dir, 'tree-bomb');
        mkdirSync(join(tree, 'release'), { recursive: true });
        writeFileSync(join(tree, 'padding.bin'), Buffer.alloc(4 * MIB));
        writeFileSync(join(tree, 'release/plugin.wasm'), wasm);
        const archive = join(temp.dir, 'layer-bomb.tar');
        run('tar', ['-cf', archive, '-C', tree, 'padding.bin', 'release']);
        run('gzip', ['-k', archive]);
        bombLayer = readFileSync(`${archive}.gz`);
        await registry.push({ repository: 'team/bomb', tag: '1', layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', data: bombLayer }] });
      });

      it('refuses a compressed layer that unpacks past unpack-size, naming it, and caches nothing', async () => {
        const settings: InstallSettings = { unpack: { maxBytes: 1 * MIB } };
        await assert.rejects(pull('bomb', `registry://${registry.host}/team/bomb:1`, [], { settings }), (error: unknown) =>
          isProtoError(error, 'plugin.registry_layer_too_large') && /\[settings\.limits\] unpack-size \(MiB\) in \.prototools \(now 1\)/.test(error.hint ?? ''),
        );
        assert.deepEqual(cachedAs('bomb'), []);
        // Within the limit, the same layer is fine.
        assert.deepEqual(bytes(await pull('bomb', `registry://${registry.host}/team/bomb:1`, [], { settings: { unpack: { maxBytes: 8 * MIB } } })), wasm);
      });

      it('refuses a layer that unpacks to more than unpack-ratio times its size, naming it', async () => {
        assert.ok(bombLayer.length * 100 < 4 * MIB, 'the layer compresses more than 100:1');
        const settings: InstallSettings = { unpack: { maxRatio: 100, ratioFloorBytes: 0 } };
        await assert.rejects(pull('ratio-bomb', `registry://${registry.host}/team/bomb:1`, [], { settings }), (error: unknown) =>
          isProtoError(error, 'plugin.registry_layer_too_large') && /\[settings\.limits\] unpack-ratio \(ratio\) in \.prototools \(now 100\)/.test(error.hint ?? ''),
        );
        assert.deepEqual(cachedAs('ratio-bomb'), []);
      });

      it('refuses a layer above download-size, naming it, and caches nothing', async () => {
        const big = new Uint8Array(2 * MIB);
        big.set(wasm);
        await registry.push({ repository: 'team/big', tag: '1', layers: [{ mediaType: WASM_LAYER, data: big }] });
        await assert.rejects(pull('big', `registry://${registry.host}/team/big:1`, [], { settings: { downloadMaxBytes: 1 * MIB } }), (error: unknown) =>
          isProtoError(error, 'net.too_large') && /\[settings\.limits\] download-size/.test(error.hint ?? ''),
        );
        assert.deepEqual(cachedAs('big'), []);
      });
    });

    it('never runs the credential helper for an image the registry serves without asking (auth = true)', async () => {
      const helper = recordingHelperHome(join(temp.dir, 'public-helper'), USER);
      const registries: RegistryConfig[] = [{ registry: registry.host, namespace: 'team', auth: true, default: false }];
      assert.deepEqual(bytes(await pull('public-helper', 'registry://disttool:1.0', registries, { home: helper.home, env: helper.env })), wasm);
      assert.deepEqual(helperRuns(helper.runs), [], 'the helper did not run');
    });

    it('looks an image without a host up in the configured registries, in order', async () => {
      const registries: RegistryConfig[] = [
        { registry: registry.host, namespace: 'elsewhere', auth: false, default: false },
        { registry: registry.host, namespace: 'team', auth: false, default: false },
      ];
      assert.deepEqual(bytes(await pull('disttool', 'registry://disttool:1.0', registries)), wasm);
    });

    it('names what it tried when no registry has the image, and leaves nothing behind', async () => {
      const registries: RegistryConfig[] = [{ registry: registry.host, namespace: 'team', auth: false, default: false }];
      await assert.rejects(pull('ghost', 'registry://ghost:2.0', registries), (error: unknown) =>
        isProtoError(error, 'plugin.registry_not_found') && error.message.includes(`${registry.host}/team/ghost:2.0`),
      );
      await assert.rejects(pull('ghost', `registry://${registry.host}/team/ghost`), (error: unknown) => isProtoError(error, 'plugin.registry_not_found'));
      assert.deepEqual(readdirSync(temp.store.pluginsDir).filter((name) => name.startsWith('ghost')), []);
    });

    it('refuses an image without a plugin layer, naming the layers it has', async () => {
      await registry.push({ repository: 'team/docs-only', tag: '1', layers: [{ mediaType: 'text/markdown', data: new TextEncoder().encode('# hi') }] });
      await assert.rejects(pull('docs', `registry://${registry.host}/team/docs-only:1`), (error: unknown) =>
        isProtoError(error, 'plugin.registry_bad_manifest') && /layers: text\/markdown/.test(error.message),
      );
    });
  });

  describe('Basic auth (htpasswd)', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startTestRegistry({ kind: 'htpasswd', user: USER });
      await registry.push({ repository: 'private/disttool', tag: '1.0', layers: [{ mediaType: WASM_LAYER, data: wasm }] });
    });
    after(() => registry?.stop());

    it('sends the credentials of the Docker config file to a registry with auth = true', async () => {
      const userHome = join(temp.dir, 'basic-home');
      writeDockerConfig(userHome, registry.host, USER);
      const registries: RegistryConfig[] = [{ registry: registry.host, namespace: 'private', auth: true, default: false }];
      assert.deepEqual(bytes(await pull('basic', 'registry://disttool:1.0', registries, { home: userHome })), wasm);
    });

    it('gets the credentials from the Docker credential helper the config names, run with the host on stdin', async () => {
      // A stand-in for a keychain: docker-credential-teststore on PATH, knowing this registry only.
      const bin = join(temp.dir, 'helper-bin');
      mkdirSync(bin, { recursive: true });
      const script = [
        '#!/bin/sh',
        'host=$(cat)',
        `if [ "$1" = get ] && [ "$host" = "${registry.host}" ]; then`,
        `  printf '{"ServerURL":"%s","Username":"${USER.username}","Secret":"${USER.password}"}' "$host"; exit 0`,
        'fi',
        'echo "credentials not found in native keychain"; exit 1',
      ].join('\n');
      writeFileSync(join(bin, 'docker-credential-teststore'), `${script}\n`);
      writeFileSync(join(bin, 'docker-credential-locked'), '#!/bin/sh\necho "the keychain is locked" >&2\nexit 1\n');
      chmodSync(join(bin, 'docker-credential-teststore'), 0o755);
      chmodSync(join(bin, 'docker-credential-locked'), 0o755);
      const env = { PATH: `${bin}:${process.env.PATH}` };
      const userHome = join(temp.dir, 'helper-home');
      mkdirSync(join(userHome, '.docker'), { recursive: true });
      // As `docker login` leaves it with a store: an empty auths entry, the secret in the store.
      writeFileSync(join(userHome, '.docker/config.json'), JSON.stringify({ auths: { [registry.host]: {} }, credsStore: 'teststore' }));
      const registries: RegistryConfig[] = [{ registry: registry.host, namespace: 'private', auth: true, default: false }];
      const pullWith = (id: string) =>
        pluginFile(id, parsePluginLocator('registry://disttool:1.0', temp.dir, 'test'), { store: temp.store, registries, env, home: userHome, settings: {} });
      assert.deepEqual(bytes(await pullWith('helper')), wasm);

      // credHelpers names a helper for this host: it wins over credsStore, and its failure says so.
      writeFileSync(join(userHome, '.docker/config.json'), JSON.stringify({ credsStore: 'teststore', credHelpers: { [registry.host]: 'locked' } }));
      await assert.rejects(pullWith('helper-locked'), (error: unknown) =>
        isProtoError(error, 'plugin.credential_helper_failed') &&
        error.message.includes(`Cannot get the credentials of ${registry.host} from docker-credential-locked`) &&
        /the keychain is locked/.test(error.message) &&
        (error.hint ?? '').includes(`echo ${registry.host} | docker-credential-locked get`),
      );
      assert.deepEqual(cachedAs('helper-locked'), [], 'nothing cached');
    });

    it('asks the credential helper once per pull, when the registry first asks (its Basic challenge)', async () => {
      const helper = recordingHelperHome(join(temp.dir, 'basic-helper'), USER);
      assert.deepEqual(bytes(await pull('basic-helper', `registry://${registry.host}/private/disttool:1.0`, [], { home: helper.home, env: helper.env })), wasm);
      assert.deepEqual(helperRuns(helper.runs), ['get'], 'one run for the manifest and the layer');
    });

    it('is refused without credentials, or with wrong ones, with a hint', async () => {
      const anonymous: RegistryConfig[] = [{ registry: registry.host, namespace: 'private', auth: false, default: false }];
      await assert.rejects(pull('basic-anon', 'registry://disttool:1.0', anonymous), (error: unknown) =>
        isProtoError(error, 'plugin.registry_denied') && /auth = true/.test(error.hint ?? ''),
      );
      const wrongHome = join(temp.dir, 'wrong-home');
      writeDockerConfig(wrongHome, registry.host, { username: USER.username, password: 'nope' });
      await assert.rejects(pull('basic-wrong', `registry://${registry.host}/private/disttool:1.0`, [], { home: wrongHome }), (error: unknown) =>
        isProtoError(error, 'plugin.registry_denied') && /config\.json/.test(error.hint ?? ''),
      );
    });
  });

  describe('token flow', skipWithout('openssl'), () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startTestRegistry({ kind: 'token', user: USER, publicRepositories: ['public/disttool'] });
      await registry.push({ repository: 'private/disttool', tag: '1.0', layers: [{ mediaType: WASM_LAYER, data: wasm }] });
      await registry.push({ repository: 'public/disttool', tag: '1.0', layers: [{ mediaType: WASM_LAYER, data: wasm }] });
    });
    after(() => registry?.stop());

    it('gets a pull token from the realm with the Docker config credentials, then pulls', async () => {
      const userHome = join(temp.dir, 'token-home');
      writeDockerConfig(userHome, registry.host, USER);
      registry.tokenRequests.length = 0;
      assert.deepEqual(bytes(await pull('token', `registry://${registry.host}/private/disttool:1.0`, [], { home: userHome })), wasm);
      // An anonymous token first (refused: the image is private), then one with the credentials.
      const scope = 'repository:private/disttool:pull';
      assert.deepEqual(registry.tokenRequests, [{ scope, user: null }, { scope, user: USER.username }]);
    });

    it('pulls a public image with an anonymous token, without running the credential helper; a private one runs it once', async () => {
      const helper = recordingHelperHome(join(temp.dir, 'token-helper'), USER);
      registry.tokenRequests.length = 0;
      assert.deepEqual(bytes(await pull('token-public', `registry://${registry.host}/public/disttool:1.0`, [], { home: helper.home, env: helper.env })), wasm);
      assert.deepEqual(helperRuns(helper.runs), [], 'the helper did not run');
      assert.deepEqual(registry.tokenRequests, [{ scope: 'repository:public/disttool:pull', user: null }]);
      assert.deepEqual(bytes(await pull('token-private', `registry://${registry.host}/private/disttool:1.0`, [], { home: helper.home, env: helper.env })), wasm);
      assert.deepEqual(helperRuns(helper.runs), ['get']);
    });

    it('is refused when the token service refuses', async () => {
      const anonymous: RegistryConfig[] = [{ registry: registry.host, namespace: 'private', auth: false, default: false }];
      await assert.rejects(pull('token-anon', 'registry://disttool:1.0', anonymous), (error: unknown) =>
        isProtoError(error, 'plugin.registry_denied') && /token service/.test(error.message),
      );
    });
  });
});
