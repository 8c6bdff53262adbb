/**
 * Permissions enforced by the host, through real WASM guests in the real Extism worker: the host
 * probe (fixtures/plugins/probe/host-probe.wat) calls each gated host function, the mounts probe
 * lists what WASI shows, and the DistTool fixture hands back download URLs. Each permission is
 * shown allowed and denied; a denied call must not happen at all (the program does not start, the
 * server receives nothing, the variable is neither read nor written).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { PluginContainer } from '../../../src/host/index.js';
import { httpGetWith } from '../../../src/host/http-get.js';
import { createSandbox, startDistServer, type DistServer, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

describe('plugin permissions enforced by the host', () => {
  let sandbox: Sandbox;
  let server: DistServer;
  const open: PluginContainer[] = [];

  before(async () => {
    sandbox = createSandbox();
    const body = '{"versions":["1.0.0"]}';
    server = await startDistServer({ files: Object.fromEntries(['allowed', 'port', 'named', 'kernel'].map((name) => [`/${name}.json`, body])) });
  });

  after(async () => {
    await Promise.all(open.map((plugin) => plugin.close()));
    await server?.close();
    sandbox?.cleanup();
  });

  async function probe(permissions: string[] | undefined, options: { env?: NodeJS.ProcessEnv; rewrites?: [string, string][] } = {}) {
    const plugin = await PluginContainer.load({
      id: 'probe',
      wasm: fixturePlugin('probe/host-probe'),
      dirs: sandbox.dirs,
      env: options.env ?? { ...sandbox.env },
      ...(permissions ? { permissions } : {}),
      ...(options.rewrites ? { httpGet: httpGetWith({ urlRewrites: options.rewrites }) } : {}),
    });
    open.push(plugin);
    return plugin;
  }

  /** Asserts a permission_denied failure naming the plugin, the call, the host function, what was asked and the permission. */
  function deniedWith(parts: { fn: string; hostFunction: string; asked: RegExp; missing: string }) {
    return (error: unknown) => {
      assert.ok(isProtoError(error, 'plugin.permission_denied'), String(error));
      assert.match(error.message, new RegExp(`^Plugin "probe" failed in function "${parts.fn}": permission denied: ${parts.hostFunction} may not `));
      assert.match(error.message, parts.asked);
      assert.ok(error.message.includes(`lacks the permission "${parts.missing}"`), error.message);
      assert.ok(error.hint?.includes(`[tools.probe] permissions = [`) && error.hint.includes(`"${parts.missing}"]`), error.hint);
      return true;
    };
  }

  describe('exec:<program>', () => {
    const touch = (plugin: PluginContainer, marker: string) =>
      plugin.callRaw('probe_exec_command', JSON.stringify({ command: 'touch', args: [marker] }));

    it('runs a permitted program, by name or by a path with that base name', async () => {
      const plugin = await probe(['exec:sh']);
      assert.equal(JSON.parse(await plugin.callRaw('probe_exec_command', JSON.stringify({ command: 'sh', args: ['-c', 'echo by-name'] }))).stdout, 'by-name\n');
      assert.equal(JSON.parse(await plugin.callRaw('probe_exec_command', JSON.stringify({ command: '/bin/sh', args: ['-c', 'echo by-path'] }))).stdout, 'by-path\n');
    });

    it('never starts a program that is not permitted', async () => {
      const plugin = await probe(['exec:sh']);
      const marker = join(sandbox.root, 'touched-by-denied');
      await assert.rejects(touch(plugin, marker), deniedWith({ fn: 'probe_exec_command', hostFunction: 'exec_command', asked: /run "touch"/, missing: 'exec:touch' }));
      assert.equal(existsSync(marker), false, 'the denied program ran');
    });

    it('checks a shell the plugin asks to wrap the command in', async () => {
      const plugin = await probe(['exec:true']);
      const input = JSON.stringify({ command: 'true', shell: 'sh' });
      await assert.rejects(plugin.callRaw('probe_exec_command', input), deniedWith({ fn: 'probe_exec_command', hostFunction: 'exec_command', asked: /run "sh"/, missing: 'exec:sh' }));
    });

    it('exec:* allows any program; an empty list allows none', async () => {
      const marker = join(sandbox.root, 'touched-by-any');
      await touch(await probe(['exec:*']), marker);
      assert.ok(existsSync(marker));
      const none = join(sandbox.root, 'touched-by-none');
      await assert.rejects(touch(await probe([]), none), (error) => isProtoError(error, 'plugin.permission_denied'));
      assert.equal(existsSync(none), false);
    });
  });

  describe('net:<host>', () => {
    const requestsTo = (path: string) => server.requestsFor(path).length;

    it('send_request reaches a permitted host; a denied host receives nothing', async () => {
      const allowed = await probe([`net:127.0.0.1`]);
      const output = JSON.parse(await allowed.callRaw('probe_send_request', JSON.stringify({ url: `${server.url}/allowed.json` })));
      assert.equal(output.status, 200);
      assert.equal(requestsTo('/allowed.json'), 1);

      const denied = await probe(['net:localhost:1']);
      await assert.rejects(
        denied.callRaw('probe_send_request', JSON.stringify({ url: `${server.url}/denied.json` })),
        deniedWith({ fn: 'probe_send_request', hostFunction: 'send_request', asked: /fetch http:\/\/127\.0\.0\.1:\d+\/denied\.json/, missing: 'net:127.0.0.1' }),
      );
      assert.equal(requestsTo('/denied.json'), 0, 'the denied host received a request');
    });

    it('a port in the permission must match', async () => {
      const plugin = await probe([`net:127.0.0.1:${server.port}`]);
      assert.equal(JSON.parse(await plugin.callRaw('probe_send_request', JSON.stringify({ url: `${server.url}/port.json` }))).status, 200);
      const other = await probe(['net:127.0.0.1:1']);
      await assert.rejects(other.callRaw('probe_send_request', JSON.stringify({ url: `${server.url}/other-port.json` })), (error) => isProtoError(error, 'plugin.permission_denied'));
      assert.equal(requestsTo('/other-port.json'), 0);
    });

    it('checks the host the plugin named, before url-rewrites', async () => {
      const rewrites: [string, string][] = [['^https://named\\.test', server.url]];
      const named = await probe(['net:named.test'], { rewrites });
      const output = JSON.parse(await named.callRaw('probe_send_request', JSON.stringify({ url: 'https://named.test/named.json' })));
      assert.equal(output.status, 200);
      assert.equal(requestsTo('/named.json'), 1);

      // The request would go to 127.0.0.1 after rewriting, but the plugin named another host.
      const rewrittenOnly = await probe(['net:127.0.0.1'], { rewrites });
      await assert.rejects(rewrittenOnly.callRaw('probe_send_request', JSON.stringify({ url: 'https://named.test/rewritten.json' })), (error) =>
        isProtoError(error, 'plugin.permission_denied') && /net:named\.test/.test(error.message),
      );
      assert.equal(requestsTo('/rewritten.json'), 0);
    });

    it('the kernel http_request (plugins built before proto 0.40) is gated the same way', async () => {
      const allowed = await probe(['net:127.0.0.1']);
      assert.match(await allowed.callRaw('probe_http_request', JSON.stringify({ url: `${server.url}/kernel.json`, method: 'GET' })), /^200 /);
      assert.equal(requestsTo('/kernel.json'), 1);
      const denied = await probe(['net:example.test']);
      await assert.rejects(
        denied.callRaw('probe_http_request', JSON.stringify({ url: `${server.url}/kernel-denied.json`, method: 'GET' })),
        deniedWith({ fn: 'probe_http_request', hostFunction: 'http_request', asked: /fetch http:\/\/127\.0\.0\.1/, missing: 'net:127.0.0.1' }),
      );
      assert.equal(requestsTo('/kernel-denied.json'), 0);
    });

    it('download and checksum URLs handed back by download_prebuilt are checked by the host named', async () => {
      const disttool = (permissions: string[]) =>
        PluginContainer.load({
          id: 'disttool',
          wasm: fixturePlugin('disttool'),
          dirs: sandbox.dirs,
          env: { ...sandbox.env },
          toolConfig: { 'dist-url': 'https://dist.example.test' },
          permissions,
        }).then((plugin) => (open.push(plugin), plugin));
      const input = (plugin: PluginContainer) => ({ context: plugin.context({ version: '1.0.0' }), install_dir: plugin.toWire(join(sandbox.protoHome, 'tools/disttool/1.0.0')) });

      const allowed = await disttool(['net:*.example.test']);
      assert.match((await allowed.downloadPrebuilt(input(allowed))).download_url, /^https:\/\/dist\.example\.test\/v1\.0\.0\//);

      const denied = await disttool(['net:other.test']);
      await assert.rejects(denied.downloadPrebuilt(input(denied)), (error) => {
        assert.ok(isProtoError(error, 'plugin.permission_denied'), String(error));
        assert.match(error.message, /^Plugin "disttool" failed in function "download_prebuilt": permission denied: download_prebuilt may not hand back the download_url https:\/\/dist\.example\.test\/v1\.0\.0\/.*lacks the permission "net:dist\.example\.test"/);
        return true;
      });
    });
  });

  describe('env:read / env:write', () => {
    it('get_env_var reads only the variables granted', async () => {
      const plugin = await probe(['env:read:VISIBLE'], { env: { ...sandbox.env, VISIBLE: 'yes', SECRET: 'token' } });
      assert.equal(await plugin.callRaw('probe_get_env_var', 'VISIBLE'), 'yes');
      await assert.rejects(
        plugin.callRaw('probe_get_env_var', 'SECRET'),
        deniedWith({ fn: 'probe_get_env_var', hostFunction: 'get_env_var', asked: /read the variable SECRET/, missing: 'env:read:SECRET' }),
      );
      const any = await probe(['env:read'], { env: { ...sandbox.env, SECRET: 'token' } });
      assert.equal(await any.callRaw('probe_get_env_var', 'SECRET'), 'token');
    });

    it('set_env_var writes only the variables granted, and a denied write changes nothing', async () => {
      const env = { ...sandbox.env };
      const plugin = await probe(['env:write:ALLOWED'], { env });
      await plugin.callRaw('probe_set_env_var', 'ALLOWED=1');
      assert.equal(env.ALLOWED, '1');
      const path = env.PATH;
      await assert.rejects(
        plugin.callRaw('probe_set_env_var', 'PATH=/proto/evil'),
        deniedWith({ fn: 'probe_set_env_var', hostFunction: 'set_env_var', asked: /set the variable PATH/, missing: 'env:write:PATH' }),
      );
      assert.equal(env.PATH, path);
      // Reading is another permission.
      await assert.rejects(plugin.callRaw('probe_get_env_var', 'ALLOWED'), (error) => isProtoError(error, 'plugin.permission_denied'));
    });
  });

  describe('fs:home / fs:cwd', () => {
    before(() => {
      writeFileSync(join(sandbox.home, 'probe.txt'), 'from home\n');
      writeFileSync(join(sandbox.protoHome, 'probe.txt'), 'from the store\n');
      writeFileSync(join(sandbox.temp, 'probe.txt'), 'from temp\n');
      writeFileSync(join(sandbox.cwd, 'probe.txt'), 'from cwd\n');
    });

    const mounts = async (permissions: string[] | undefined) => {
      const plugin = await PluginContainer.load({ id: 'mounts', wasm: fixturePlugin('probe/wasi-mounts'), dirs: sandbox.dirs, ...(permissions ? { permissions } : {}) });
      open.push(plugin);
      const names = (await plugin.callRaw('list_mounts', '')).trim().split('\n').map((line) => line.split(' ')[0]).sort();
      return { names, plugin };
    };

    it('a restricted plugin without fs: permissions sees only /proto and /temp', async () => {
      const { names, plugin } = await mounts(['exec:git']);
      assert.deepEqual(names, ['/proto', '/temp']);
      // Its contexts carry the real path of a dir it cannot see (no virtual spelling to offer).
      assert.equal(plugin.context().working_dir, sandbox.cwd);
      assert.equal(plugin.hostEnvironment.home_dir, sandbox.home);
    });

    it('fs:home mounts /userhome, fs:cwd mounts /cwd', async () => {
      assert.deepEqual((await mounts(['fs:home'])).names, ['/proto', '/temp', '/userhome']);
      assert.deepEqual((await mounts(['fs:cwd'])).names, ['/cwd', '/proto', '/temp']);
      assert.deepEqual((await mounts(['fs:home', 'fs:cwd'])).names, ['/cwd', '/proto', '/temp', '/userhome']);
    });

    it('an unrestricted plugin (no permissions declared) sees all four, as in proto', async () => {
      assert.deepEqual((await mounts(undefined)).names, ['/cwd', '/proto', '/temp', '/userhome']);
    });
  });

  it('an invalid permission is refused when the plugin is loaded', async () => {
    await assert.rejects(
      PluginContainer.load({ id: 'probe', wasm: fixturePlugin('probe/host-probe'), dirs: sandbox.dirs, permissions: ['exec:sh', 'network:all'] }),
      (error) => isProtoError(error, 'plugin.invalid_permission') && /"network:all" is not a permission/.test(error.message),
    );
  });
});
