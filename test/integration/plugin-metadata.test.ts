/**
 * The plugin metadata cache behind Tool (src/tool/plugin-metadata.ts), with the real disttool
 * plugin and a real dist server: a second load of the same plugin with the same settings answers
 * register_tool, detect_version_files and locate_executables without starting the plugin; any
 * other call starts it; and each thing the answers depend on (the plugin's bytes, its tool
 * config, the host it is told about, its permissions and limits) makes a new entry.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isProtoError } from '../../src/errors.js';
import { Store } from '../../src/store/index.js';
import { CachedPlugin } from '../../src/tool/plugin-metadata.js';
import { Tool, type ToolLoadOptions } from '../../src/tool/tool.js';
import { createSandbox, type Sandbox } from '../../test-utils/index.js';
import { startDisttoolDist, type DisttoolDist } from '../support/disttool-dist.js';
import { fixturePlugin } from '../support/fixtures.js';

describe('plugin metadata cache', () => {
  let dist: DisttoolDist;
  let sandbox: Sandbox;
  let store: Store;
  let wasm: string;

  const load = (options: Partial<ToolLoadOptions> = {}) =>
    Tool.load({ id: 'disttool', wasm, store, home: sandbox.home, cwd: sandbox.cwd, env: sandbox.env, toolConfig: { 'dist-url': dist.url }, ...options });
  const entries = () => readdirSync(join(store.cacheDir, 'plugin-metadata')).filter((name) => name.endsWith('.json'));
  const started = (tool: Tool) => (tool.plugin as CachedPlugin).started;

  before(async () => {
    dist = await startDisttoolDist();
    sandbox = createSandbox('proto-metadata-');
    store = new Store({ env: sandbox.env });
    wasm = join(sandbox.root, 'disttool.wasm');
    copyFileSync(fixturePlugin('disttool'), wasm);
    const tool = await load();
    try {
      await tool.install('2.1.0');
      await tool.plugin.detectVersionFiles({ context: tool.plugin.context() });
    } finally {
      await tool.close();
    }
  });

  after(async () => {
    await dist?.close();
    sandbox?.cleanup();
  });

  it('answers what the plugin said about itself without starting it', async () => {
    const first = await load({ cacheMetadata: false });
    const tool = await load();
    try {
      assert.ok(tool.plugin instanceof CachedPlugin);
      assert.deepEqual(tool.metadata, first.metadata);
      assert.deepEqual(tool.plugin.exportedFunctions(), first.plugin.exportedFunctions());
      assert.deepEqual(await tool.locate('2.1.0'), await first.locate('2.1.0'));
      const files = await tool.plugin.detectVersionFiles({ context: tool.plugin.context() });
      assert.deepEqual(files, await first.plugin.detectVersionFiles({ context: first.plugin.context() }));
      assert.equal(await tool.primaryExecutable('2.1.0'), join(tool.productDir('2.1.0'), 'bin/disttool'));
      assert.equal(started(tool), false, 'a cached answer started the plugin');

      // Anything else starts the plugin, once, and gets its real answer.
      const versions = await tool.loadVersions('latest', { refresh: true });
      assert.ok(versions.versions?.includes('2.1.0'));
      assert.equal(started(tool), true);

      // What callers do with an answer is not written back with the next answer recorded.
      tool.metadata.name = 'changed';
      const dir = tool.productDir('9.9.9');
      await tool.plugin.locateExecutables({ context: tool.plugin.context({ version: '9.9.9', toolDir: dir }), install_dir: tool.plugin.toWire(dir) });
    } finally {
      await tool.close();
      await first.close();
    }
    const next = await load();
    assert.equal(started(next), false);
    assert.equal(next.metadata.name, first.metadata.name);
    await next.close();
  });

  it('makes the plugin\'s mount dirs only when the plugin starts, not on a cached answer', async () => {
    // A working dir that does not exist yet (not part of the key) and a removed store temp dir.
    const cwd = join(sandbox.root, 'later-cwd');
    rmSync(store.tempDir, { recursive: true, force: true });
    const tool = await load({ cwd });
    try {
      assert.ok(tool.plugin instanceof CachedPlugin);
      assert.equal(await tool.primaryExecutable('2.1.0'), join(tool.productDir('2.1.0'), 'bin/disttool'));
      assert.equal(started(tool), false);
      assert.equal(existsSync(cwd), false, 'a cached answer made the /cwd mount');
      assert.equal(existsSync(store.tempDir), false, 'a cached answer made the /temp mount');
      await tool.loadVersions('latest', { refresh: true });
      assert.equal(started(tool), true);
      assert.equal(existsSync(cwd), true, 'the started plugin has no /cwd mount');
      assert.equal(existsSync(store.tempDir), true, 'the started plugin has no /temp mount');
    } finally {
      await tool.close();
    }
  });

  it('keeps one entry per plugin, tool config and host, and reads it again across loads', async () => {
    const before = entries().length;
    for (const options of [{}, { toolConfig: { 'dist-url': `${dist.url}/` } }, { host: { os: 'macos' as const } }]) {
      const tool = await load(options);
      await tool.close();
      const again = await load(options);
      assert.equal(started(again), false, JSON.stringify(options));
      await again.close();
    }
    // The first load above hit the entry written in before(); the other two each wrote one.
    assert.equal(entries().length, before + 2);
  });

  it('keeps entries apart by permissions and limits, and refuses bad permissions even with an entry', async () => {
    const before = entries().length;
    // Without fs:home the plugin gets no /userhome mount: other paths, other answers.
    const variants: Array<Partial<ToolLoadOptions>> = [{ permissions: ['fs:cwd', 'net:*'] }, { limits: { outputBytes: 1024 * 1024 } }];
    for (const options of variants) {
      const tool = await load(options);
      assert.equal(started(tool), true, `${JSON.stringify(options)} was answered from another entry`);
      await tool.close();
      const again = await load(options);
      assert.equal(started(again), false, JSON.stringify(options));
      await again.close();
    }
    assert.equal(entries().length, before + 2);
    // The cached entry for the default settings exists; a permission list that does not parse
    // still fails the load, as the plugin container would.
    await assert.rejects(load({ permissions: ['fs:everything'] }), (error) => isProtoError(error) && error.code === 'plugin.invalid_permission');
  });

  it('starts the plugin again when its bytes change, not when its file is only touched', async () => {
    const path = join(sandbox.root, 'copy.wasm');
    copyFileSync(wasm, path);
    await (await load({ wasm: path })).close();
    writeFileSync(path, readFileSync(path)); // same bytes, new times and so a new fingerprint
    const same = await load({ wasm: path });
    assert.equal(started(same), false);
    await same.close();

    copyFileSync(fixturePlugin('hooked-disttool'), path);
    const replaced = await load({ wasm: path });
    assert.equal(started(replaced), true, 'other bytes were answered from the old entry');
    assert.ok(replaced.plugin.has('pre_run'), 'the exports are the new plugin’s');
    await replaced.close();
  });

  it('treats a broken entry as a miss, and PROTO_CACHE=off as no cache', async () => {
    for (const name of entries()) writeFileSync(join(store.cacheDir, 'plugin-metadata', name), '{"format":1,');
    const tool = await load();
    assert.equal(started(tool), true);
    await tool.close();
    const repaired = await load();
    assert.equal(started(repaired), false);
    await repaired.close();

    const off = await load({ env: { ...sandbox.env, PROTO_CACHE: 'off' } });
    assert.ok(!(off.plugin instanceof CachedPlugin));
    await off.close();
  });

  it('forgets the executables of a version when it is uninstalled', async () => {
    const tool = await load();
    await tool.locate('2.1.0');
    const entryText = () => entries().map((name) => readFileSync(join(store.cacheDir, 'plugin-metadata', name), 'utf8')).join('\n');
    assert.match(entryText(), /2\.1\.0\\u0000/);
    await tool.uninstall('2.1.0');
    await tool.close();
    assert.doesNotMatch(entryText(), /2\.1\.0\\u0000/);
  });

  it('still fails at load for a file that is not a plugin', async () => {
    const bogus = join(sandbox.root, 'bogus.wasm');
    mkdirSync(sandbox.root, { recursive: true });
    writeFileSync(bogus, 'not wasm');
    await assert.rejects(load({ wasm: bogus }), (error) => isProtoError(error) && error.code === 'plugin.load_failed');
  });
});
