/**
 * createPlugin: the DistTool plugin in a sandbox, with contexts filled in and host paths turned
 * into virtual paths the way proto's WasmTestWrapper does (spec §8.1).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PluginFunction } from '../../../src/protocol/index.js';
import { createPlugin, createSandbox, urlRewritesFor, type PluginTestWrapper } from '../../../test-utils/index.js';
import { startDisttoolDist, type DisttoolDist } from '../../support/disttool-dist.js';
import { fixturePlugin } from '../../support/fixtures.js';

describe('createPlugin', () => {
  let dist: DisttoolDist;
  let plugin: PluginTestWrapper;
  const calls: Array<{ fn: string; input: any }> = [];

  before(async () => {
    dist = await startDisttoolDist();
    plugin = await createPlugin('disttool', {
      wasm: fixturePlugin('disttool'),
      host: { os: 'linux', arch: 'x64', libc: 'gnu', ci: false },
      urlRewrites: urlRewritesFor('https://dist.disttool.dev', dist.server),
    });
    // Record what the wrapper sends, then let the call through.
    const original = plugin.plugin.call.bind(plugin.plugin);
    plugin.plugin.call = ((fn: PluginFunction, input: never) => {
      calls.push({ fn, input });
      return original(fn, input);
    }) as typeof plugin.plugin.call;
  });

  after(async () => {
    await plugin?.close();
    await dist?.close();
  });

  const lastInput = () => calls.at(-1)!.input;

  it('sets test_environment {ci, sandbox} and the overridden host environment', () => {
    const config = (plugin.plugin as unknown as { runtimeConfig: { config: Record<string, string> } }).runtimeConfig.config;
    assert.deepEqual(JSON.parse(config.test_environment!), { ci: false, sandbox: plugin.sandbox.root });
    const host = JSON.parse(config.host_environment!);
    assert.deepEqual([host.os, host.arch, host.libc, host.ci], ['linux', 'x64', 'gnu', false]);
  });

  it('fills an empty context: tool_dir = tools/<id>/latest, temp_dir = temp/<id>, working_dir = sandbox cwd', async () => {
    await plugin.downloadPrebuilt();
    const { context, install_dir } = lastInput();
    assert.equal(context.version, 'latest');
    assert.equal(context.tool_dir.path, '/proto/tools/disttool/latest');
    assert.equal(context.temp_dir.path, '/temp/disttool');
    assert.equal(context.working_dir.path, '/cwd');
    assert.equal(context.working_dir.real_prefix, plugin.sandbox.cwd);
    assert.deepEqual(install_dir, context.tool_dir, 'install_dir defaults to the tool dir');
  });

  it('uses the version given for the tool dir, and converts host path inputs to virtual paths', async () => {
    const output = await plugin.downloadPrebuilt({ context: { version: '2.1.0' } });
    assert.equal(lastInput().context.tool_dir.path, '/proto/tools/disttool/2.1.0');
    assert.equal(output.download_url, 'https://dist.disttool.dev/v2.1.0/disttool-v2.1.0-linux-x64.tar.gz', 'outputs are the plugin’s own');

    const globalsDir = join(plugin.sandbox.home, '.disttool');
    mkdirSync(globalsDir, { recursive: true }); // the host creates the globals dir it locates
    assert.deepEqual(await plugin.installGlobal({ dependency: 'tool@1', globals_dir: globalsDir }), { installed: true });
    assert.deepEqual(lastInput().globals_dir, { path: '/userhome/.disttool', virtual_prefix: '/userhome', real_prefix: plugin.sandbox.home });
    assert.ok(existsSync(join(globalsDir, 'bin/tool')));

    await plugin.parseVersionFile({ content: '2.1', file: '.disttool-version' });
    assert.equal(lastInput().path.path, '/cwd/.disttool-version');
  });

  it('sends the unresolved superset context to load_versions; url-rewrites reach send_request', async () => {
    const output = await plugin.loadVersions();
    assert.equal(lastInput().context.tool_dir.path, '/proto/tools');
    assert.equal(output.latest, '2.1.0');
    assert.ok(dist.server.requestsFor('/index.json').length > 0, 'index.json came from the local dist server');
  });

  it('close() removes a sandbox it created, and leaves a given one alone', async () => {
    const own = await createPlugin('disttool', { wasm: fixturePlugin('disttool') });
    await own.close();
    assert.equal(existsSync(own.sandbox.root), false);

    const sandbox = createSandbox();
    const given = await createPlugin('disttool', { wasm: fixturePlugin('disttool'), sandbox });
    await given.close();
    assert.equal(existsSync(sandbox.root), true);
    sandbox.cleanup();
  });

  it('the sandbox env hides the developer’s PROTO_* variables', () => {
    assert.equal(plugin.env.PROTO_HOME, plugin.sandbox.protoHome);
    assert.equal(plugin.env.HOME, plugin.sandbox.home);
    assert.equal(Object.keys(plugin.env).filter((key) => key.startsWith('PROTO_') && key !== 'PROTO_HOME').length, 0);
  });
});
