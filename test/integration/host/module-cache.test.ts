/**
 * One compile per distinct module in a process (src/host/module-cache.ts): tools that share a
 * `.wasm` share its compiled module, and still each run with their own config and instance.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PluginContainer, type PluginLoadOptions } from '../../../src/host/index.js';
import { copyFileSync, readFileSync } from 'node:fs';
import { compileModule, fileFingerprint, moduleCacheCounts, pluginDigest, rememberFileDigest } from '../../../src/host/module-cache.js';
import { MIB } from '../../../src/limits.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

describe('compiled plugin modules', () => {
  let sandbox: Sandbox;
  const open: PluginContainer[] = [];

  const load = async (id: string, options: Partial<PluginLoadOptions> = {}) => {
    const plugin = await PluginContainer.load({
      id,
      wasm: fixturePlugin('disttool'),
      dirs: sandbox.dirs,
      env: { ...sandbox.env },
      host: { os: 'linux', arch: 'x64', libc: 'gnu' },
      toolConfig: { 'dist-url': `http://127.0.0.1:9/${id}` },
      ...options,
    });
    open.push(plugin);
    return plugin;
  };

  const downloadUrl = async (plugin: PluginContainer) => {
    const toolDir = join(sandbox.protoHome, 'tools', plugin.id, '1.0.0');
    const output = await plugin.downloadPrebuilt({ context: plugin.context({ version: '1.0.0', toolDir }), install_dir: plugin.toWire(toolDir) });
    return output.download_url;
  };

  before(() => {
    sandbox = createSandbox();
  });

  after(async () => {
    await Promise.all(open.map((plugin) => plugin.close()));
    sandbox?.cleanup();
  });

  it('two tool ids loaded from one file compile it once, and each keeps its own config', async () => {
    const before = moduleCacheCounts().compiled;
    const [first, second] = await Promise.all([load('first'), load('second')]);
    const third = await load('third');
    assert.equal(moduleCacheCounts().compiled - before, 1, 'one compile for three loads of the same module');
    assert.equal(await downloadUrl(first), 'http://127.0.0.1:9/first/v1.0.0/disttool-v1.0.0-linux-x64.tar.gz');
    assert.equal(await downloadUrl(second), 'http://127.0.0.1:9/second/v1.0.0/disttool-v1.0.0-linux-x64.tar.gz');
    assert.equal(await downloadUrl(third), 'http://127.0.0.1:9/third/v1.0.0/disttool-v1.0.0-linux-x64.tar.gz');
  });

  it('ten tool ids loaded from one file read, hash, cap and compile it once', async () => {
    // A file and a memory ceiling of their own: no other test of this process hashed or capped them.
    const wasm = join(sandbox.root, 'ten-of-one.wasm');
    copyFileSync(fixturePlugin('disttool'), wasm);
    const limits = { memoryBytes: 40 * MIB };
    const before = moduleCacheCounts();
    const ten = await Promise.all(Array.from({ length: 10 }, (_, i) => load(`ten-${i}`, { wasm, limits })));
    const after = moduleCacheCounts();
    assert.deepEqual(
      { hashed: after.hashed - before.hashed, prepared: after.prepared - before.prepared, compiled: after.compiled - before.compiled },
      { hashed: 1, prepared: 1, compiled: 1 },
      'one sha256, one memory cap and one compile for ten containers',
    );
    // An eleventh load, after the ten: its file's digest is known, so nothing is read or hashed.
    await load('eleventh', { wasm, limits });
    assert.deepEqual(moduleCacheCounts(), after);
    assert.match(await downloadUrl(ten[9]!), /\/ten-9\/v1\.0\.0\//);
  });

  it('a file replaced after its digest was known is compiled as what was read, and filed under that digest only', async () => {
    const wasm = join(sandbox.root, 'replaced.wasm');
    copyFileSync(fixturePlugin('disttool'), wasm);
    const original = readFileSync(wasm);
    const replacement = readFileSync(fixturePlugin('policy-hook'));
    // Its digest is known by its stat, then another process puts other bytes there before the read.
    rememberFileDigest(wasm, fileFingerprint(wasm)!, pluginDigest(original));
    const exportsOf = (module: WebAssembly.Module) => WebAssembly.Module.exports(module).map((entry) => entry.name).sort();
    const unchanged = (bytes: Uint8Array) => bytes;
    const read = await compileModule({ path: wasm, read: async () => replacement }, 'replaced-test', unchanged);
    assert.deepEqual(exportsOf(read), exportsOf(new WebAssembly.Module(replacement)), 'compiled from the bytes read');
    // The original bytes, loaded later in the process, get their own module, not the replacement's.
    const fromOriginal = await compileModule(original, 'replaced-test', unchanged);
    assert.ok(fromOriginal !== read, 'the original bytes got the module compiled from the replacement');
    assert.deepEqual(exportsOf(fromOriginal), exportsOf(new WebAssembly.Module(original)));
    // And the replacement's digest finds the module compiled from it.
    assert.ok((await compileModule(replacement, 'replaced-test', unchanged)) === read, 'the replacement was compiled again');
  });

  it('another memory ceiling is another module (the cap is written into the module)', async () => {
    await load('default-limit');
    const before = moduleCacheCounts().compiled;
    const capped = await load('capped', { limits: { memoryBytes: 48 * MIB } });
    assert.equal(moduleCacheCounts().compiled - before, 1);
    assert.match(await downloadUrl(capped), /\/capped\/v1\.0\.0\//);
  });
});
