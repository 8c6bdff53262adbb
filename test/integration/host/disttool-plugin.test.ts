/**
 * The disttool fixture plugin (written with our PDK, built from source) through the real host:
 * each plugin function's output, with load_versions reading a dist index over send_request from
 * a real server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { PluginContainer, type PluginLoadOptions } from '../../../src/host/index.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

const index = {
  versions: [
    { version: '1.0.0', lts: 'argon' },
    { version: '1.4.2', lts: 'argon' },
    { version: '2.0.0', lts: 'boron' },
    { version: '2.1.0' },
    { version: '3.0.0-rc.1' },
  ],
  canary: '3.1.0-canary.1',
};

describe('disttool fixture plugin', () => {
  let sandbox: Sandbox;
  let server: Server;
  let distUrl: string;
  let indexStatus = 200;
  let plugin: PluginContainer;

  const load = (options: Partial<PluginLoadOptions> = {}) =>
    PluginContainer.load({
      id: 'disttool',
      wasm: fixturePlugin('disttool'),
      dirs: sandbox.dirs,
      env: { ...sandbox.env },
      host: { os: 'linux', arch: 'x64', libc: 'gnu' },
      toolConfig: { 'dist-url': distUrl },
      ...options,
    });

  before(async () => {
    sandbox = createSandbox();
    server = createServer((request, response) => {
      if (request.url === '/index.json' && indexStatus === 200) response.writeHead(200).end(JSON.stringify(index));
      else response.writeHead(indexStatus === 200 ? 404 : indexStatus).end('down');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    distUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    plugin = await load();
  });

  after(async () => {
    await plugin?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    sandbox?.cleanup();
  });

  it('exports the functions it implements', () => {
    for (const fn of ['register_tool', 'define_tool_config', 'detect_version_files', 'parse_version_file', 'load_versions', 'resolve_version', 'download_prebuilt', 'locate_executables', 'install_global', 'uninstall_global', 'pre_install', 'post_install', 'sync_manifest'] as const) {
      assert.equal(plugin.has(fn), true, fn);
    }
    assert.equal(plugin.has('native_install'), false);
  });

  it('register_tool', async () => {
    assert.deepEqual(await plugin.registerTool(), {
      name: 'DistTool',
      type: 'command-line',
      default_version: 'latest',
      minimum_proto_version: '0.28.0',
      plugin_version: '0.1.0',
      self_upgrade_commands: ['upgrade'],
    });
  });

  it('register_tool keeps non-ASCII text intact (UTF-8 output)', async () => {
    const named = await load({ toolConfig: { 'dist-url': distUrl, 'display-name': 'Dïst Töol ✓' } });
    assert.equal((await named.registerTool()).name, 'Dïst Töol ✓');
    await named.close();
  });

  it('detect_version_files and parse_version_file', async () => {
    const context = plugin.context();
    assert.deepEqual(await plugin.detectVersionFiles({ context }), { files: ['.disttool-version', 'disttool.json'], ignore: ['node_modules'] });
    const path = sandbox.writeFile('workspace/.disttool-version', '# pinned\n2.1\n');
    assert.deepEqual(
      await plugin.parseVersionFile({ context, content: '# pinned\n2.1', file: '.disttool-version', path: plugin.toWire(path) }),
      { version: '2.1' },
    );
    const manifest = JSON.stringify({ engines: { disttool: '^1.4' } });
    assert.deepEqual(await plugin.parseVersionFile({ context, content: manifest, file: 'disttool.json', path: plugin.toWire(join(sandbox.cwd, 'disttool.json')) }), { version: '^1.4' });
    assert.deepEqual(await plugin.parseVersionFile({ context, content: '{}', file: 'disttool.json', path: plugin.toWire(join(sandbox.cwd, 'disttool.json')) }), {});
  });

  it('load_versions reads the dist index over send_request', async () => {
    const output = await plugin.loadVersions({ context: plugin.context(), initial: 'latest' });
    assert.deepEqual(output, {
      canary: '3.1.0-canary.1',
      latest: '2.1.0',
      aliases: { latest: '2.1.0', stable: '2.1.0', 'lts-argon': '1.4.2', 'lts-boron': '2.0.0', lts: '2.0.0' },
      versions: ['1.0.0', '1.4.2', '2.0.0', '2.1.0', '3.0.0-rc.1'],
    });
  });

  it('load_versions names the URL and status when the server fails', async () => {
    indexStatus = 503;
    try {
      await assert.rejects(plugin.loadVersions({ context: plugin.context(), initial: 'latest' }), (error) => {
        assert.ok(isProtoError(error, 'plugin.call_failed'));
        assert.match(error.message, /^Plugin "disttool" failed in function "load_versions": .*\/index\.json.*503/);
        return true;
      });
    } finally {
      indexStatus = 200;
    }
  });

  it('resolve_version maps LTS spellings and leaves the rest to the host', async () => {
    const context = plugin.context();
    const resolve = (initial: string) => plugin.resolveVersion({ context, initial });
    assert.deepEqual(await resolve('lts/*'), { candidate: 'lts' });
    assert.deepEqual(await resolve('lts-*'), { candidate: 'lts' });
    assert.deepEqual(await resolve('lts/argon'), { candidate: 'lts-argon' });
    assert.deepEqual(await resolve('next'), { candidate: 'canary' });
    assert.deepEqual(await resolve('^2'), {});
  });

  it('download_prebuilt for this host', async () => {
    const toolDir = join(sandbox.protoHome, 'tools/disttool/2.1.0');
    const output = await plugin.downloadPrebuilt({ context: plugin.context({ version: '2.1.0', toolDir }), install_dir: plugin.toWire(toolDir) });
    assert.deepEqual(output, {
      archive_prefix: 'disttool-v2.1.0-linux-x64',
      checksum_url: `${distUrl}/v2.1.0/SHASUMS256.txt`,
      download_name: 'disttool-v2.1.0-linux-x64.tar.gz',
      download_url: `${distUrl}/v2.1.0/disttool-v2.1.0-linux-x64.tar.gz`,
    });
  });

  it('download_prebuilt follows the host environment and refuses unsupported platforms', async () => {
    const windows = await load({ host: { os: 'windows', arch: 'x64', libc: 'unknown' } });
    const toolDir = join(sandbox.protoHome, 'tools/disttool/1.0.0');
    const output = await windows.downloadPrebuilt({ context: windows.context({ version: '1.0.0', toolDir }), install_dir: windows.toWire(toolDir) });
    assert.equal(output.download_name, 'disttool-v1.0.0-windows-x64.zip');
    await windows.close();

    const riscv = await load({ host: { os: 'linux', arch: 'riscv64' } });
    await assert.rejects(
      riscv.downloadPrebuilt({ context: riscv.context({ version: '1.0.0', toolDir }), install_dir: riscv.toWire(toolDir) }),
      (error) => isProtoError(error, 'plugin.call_failed') && /"download_prebuilt".*riscv64/.test(error.message),
    );
    await riscv.close();
  });

  it('locate_executables: a primary and a secondary exe with shim args', async () => {
    const toolDir = join(sandbox.protoHome, 'tools/disttool/2.1.0');
    const output = await plugin.locateExecutables({ context: plugin.context({ version: '2.1.0', toolDir }), install_dir: plugin.toWire(toolDir) });
    assert.deepEqual(output, {
      exes: {
        disttool: { exe_path: 'bin/disttool', primary: true },
        dtx: { exe_path: 'bin/dtx', shim_before_args: ['exec', '--'], shim_env_vars: { DTX_VIA: 'shim' } },
      },
      exes_dirs: ['bin'],
      globals_lookup_dirs: ['$DISTTOOL_HOME/bin', '$HOME/.disttool/bin'],
      globals_prefix: 'disttool-',
    });
  });

  it('install_global then uninstall_global in a globals dir given as a virtual path', async () => {
    const globalsDir = join(sandbox.home, '.disttool');
    mkdirSync(globalsDir, { recursive: true }); // the host creates the located globals dir
    const context = plugin.context({ version: '2.1.0', toolDir: join(sandbox.protoHome, 'tools/disttool/2.1.0') });
    const installed = await plugin.installGlobal({ context, dependency: '@scope/prettier@3.0.0', globals_dir: plugin.toWire(globalsDir) });
    assert.deepEqual(installed, { installed: true });
    const bin = join(globalsDir, 'bin', 'prettier');
    assert.equal(readFileSync(bin, 'utf8'), '#!/bin/sh\necho prettier\n');
    assert.deepEqual(await plugin.uninstallGlobal({ context, dependency: 'prettier', globals_dir: plugin.toWire(globalsDir) }), { uninstalled: true });
    assert.equal(existsSync(bin), false);
  });

  it('bad input is a plugin error naming the function, not a trap', async () => {
    await assert.rejects(
      plugin.callRaw('load_versions', '{"context": 42'),
      (error) => isProtoError(error, 'plugin.call_failed') && /"load_versions"/.test(error.message),
    );
  });
});
