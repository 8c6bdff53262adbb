/**
 * What plugins built with proto's Rust PDK rely on, checked with probes kept as readable .wat:
 * the exact import list of a real Rust plugin build (including the WASI functions Rust's std
 * pulls in), extism-pdk's way of moving bytes (u64 words, then bytes) and keeping vars, and the
 * four WASI mounts seen from inside the guest, with `..` confined to each mount.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PluginContainer } from '../../../src/host/index.js';
import { getLogLevel, setLogLevel, setLogSink } from '../../../src/log.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

describe('compatibility with plugins built for proto', () => {
  let sandbox: Sandbox;
  before(() => {
    sandbox = createSandbox();
  });
  after(() => sandbox?.cleanup());

  it('links and runs a module with the import list of a real Rust plugin build', async () => {
    const lines: string[] = [];
    const previousSink = setLogSink((line) => lines.push(line));
    const previousLevel = getLogLevel();
    setLogLevel('debug');
    const plugin = await PluginContainer.load({ id: 'rusty', wasm: fixturePlugin('probe/rust-shaped'), dirs: sandbox.dirs });
    try {
      // The plugin id comes from config_get("plugin_id"); "CLI" is a pre-0.40 plugin type spelling.
      assert.deepEqual(await plugin.registerTool(), { name: 'rusty', type: 'command-line' });
      assert.ok(lines.includes('[DEBUG plugin:rusty] registering'), `debug log through get_log_level + log_debug: ${lines.join(' | ')}`);
      const input = `${'ü'.repeat(700)}|tail`; // not a multiple of 8 bytes, not ASCII
      assert.equal(await plugin.callRaw('echo_input', input), input);
    } finally {
      setLogLevel(previousLevel);
      setLogSink(previousSink);
      await plugin.close();
    }
  });

  it('shows the guest /proto, /userhome, /temp and /cwd, and keeps `..` inside each', async () => {
    writeFileSync(join(sandbox.protoHome, 'probe.txt'), 'from the store\n');
    writeFileSync(join(sandbox.home, 'probe.txt'), 'from home\n');
    writeFileSync(join(sandbox.temp, 'probe.txt'), 'from temp\n');
    writeFileSync(join(sandbox.cwd, 'probe.txt'), 'from cwd\n');
    writeFileSync(join(sandbox.root, 'escape.txt'), 'outside every mount\n');
    const plugin = await PluginContainer.load({ id: 'mounts', wasm: fixturePlugin('probe/wasi-mounts'), dirs: sandbox.dirs });
    try {
      const lines = (await plugin.callRaw('list_mounts', '')).trim().split('\n').sort();
      // errno 76 is WASI's ENOTCAPABLE: the path would leave the preopened directory.
      assert.deepEqual(lines, [
        '/cwd from cwd errno=76',
        '/proto from the store errno=76',
        '/temp from temp errno=76',
        '/userhome from home errno=76',
      ]);
    } finally {
      await plugin.close();
    }
  });
});
