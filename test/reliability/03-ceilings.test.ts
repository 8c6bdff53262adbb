/**
 * Finding 3: no resource ceilings. A plugin allocating memory reached 6.3 GB; 500 MB of plugin
 * output cost 2.5 GB; command output, checksum files, version files and downloads had no size
 * cap; a 23 MB zip of 200,000 entries took 2.1 GB. Each ceiling must be a clear error that names
 * the limit and the `[settings.limits]` key that raises it (a key the config parser accepts).
 *
 * The hostile plugin is fixtures/plugins/hostile/hog.wat; the limits are set low so that the
 * test never needs much memory.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { detectVersion } from '../../src/detect/index.js';
import { PluginContainer } from '../../src/host/index.js';
import { installTool } from '../../src/install/index.js';
import { MIB } from '../../src/limits.js';
import { createSandbox, startDistServer, type DistServer, type Sandbox } from '../../test-utils/index.js';
import { makeZip } from '../support/archives.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { fixturePlugin } from '../support/fixtures.js';
import { hasCommand, skipWithout } from '../support/system-commands.js';
import { createTempStore, type TempStore } from '../support/temp-store.js';
import { assertHintNamesLimit } from './support/limit-hints.js';

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  assert.fail('expected the call to fail');
}

describe('finding 3: ceilings on what plugins take', () => {
  let sandbox: Sandbox;
  let hog: PluginContainer;
  let probe: PluginContainer;
  const limits = { memoryBytes: 64 * MIB, outputBytes: 16 * MIB, commandOutputBytes: 8 * MIB };

  before(async () => {
    sandbox = createSandbox('proto-rel-ceil-');
    hog = await PluginContainer.load({ id: 'hog', wasm: fixturePlugin('hostile/hog'), dirs: sandbox.dirs, limits, timeoutMs: 60_000 });
    probe = await PluginContainer.load({ id: 'probe', wasm: fixturePlugin('probe/host-probe'), dirs: sandbox.dirs, limits, timeoutMs: 60_000 });
  });
  after(async () => {
    await hog.close();
    await probe.close();
    sandbox.cleanup();
  });

  it('linear memory stops growing at the limit (the guest then fails like an allocator out of memory)', async () => {
    const error = await failure(hog.callRaw('grow_memory', '300'));
    assert.equal(error.code, 'plugin.trap', error.message);
    assert.match(error.message, /Plugin "hog" failed in function "grow_memory"/);
    assertHintNamesLimit(error, 'plugin-memory');
  });

  it('memory blocks (Extism alloc) past the limit stop the call', async () => {
    const error = await failure(hog.callRaw('alloc_blocks', '400'));
    assert.equal(error.code, 'plugin.memory_limit', error.message);
    assert.match(error.message, /failed in function "alloc_blocks".*more than the plugin limit of 64\.0 MiB/);
    assertHintNamesLimit(error, 'plugin-memory');
    // The plugin is usable again afterwards (a fresh instance).
    assert.equal(await hog.callRaw('grow_memory', '1'), '');
  });

  it('an output above the limit is refused before it is decoded', async () => {
    const error = await failure(hog.callRaw('big_output', '40'));
    assert.equal(error.code, 'plugin.output_too_large', error.message);
    assert.match(error.message, /returned 40\.0 MiB, more than the limit of 16\.0 MiB/);
    assertHintNamesLimit(error, 'plugin-output');
  });

  it('a block above the limit handed to a host function is refused unread', async () => {
    const error = await failure(hog.callRaw('big_host_input', '32'));
    assert.equal(error.code, 'plugin.host_function_failed', error.message);
    assert.match(error.message, /exec_command.*32\.0 MiB, more than the limit of 16\.0 MiB/);
    assertHintNamesLimit(error, 'plugin-output');
  });

  it("a command's output above the limit stops the command", async () => {
    const error = await failure(probe.callRaw('probe_exec_command', JSON.stringify({ command: 'head', args: ['-c', '50000000', '/dev/zero'] })));
    assert.equal(error.code, 'plugin.host_function_failed', error.message);
    assert.match(error.message, /"head" printed more than 8\.0 MiB/);
    assertHintNamesLimit(error, 'command-output');
  });
});

describe('finding 3: ceilings on files from servers and projects', () => {
  let server: DistServer;
  let temp: TempStore;
  let sandbox: Sandbox;

  before(async () => {
    sandbox = createSandbox('proto-rel-files-');
    server = await startDistServer({
      files: {
        '/tool.tar.gz': Buffer.alloc(3 * MIB, 1),
        '/SHASUMS256.txt': 'x'.repeat(2 * MIB),
      },
    });
    // A zip of 3,000 entries, made by the real zip tool (the zip test is skipped without it).
    if (hasCommand('zip')) {
      const tree = join(sandbox.root, 'many');
      for (let i = 0; i < 3000; i++) {
        mkdirSync(join(tree, `d${i % 30}`), { recursive: true });
        writeFileSync(join(tree, `d${i % 30}`, `f${i}.txt`), `${i}\n`);
      }
      server.setFile('/many.zip', readFileSync(makeZip(sandbox.root, join(sandbox.root, 'many.zip'), ['many'])));
    }
  });
  after(async () => {
    await server.close();
    sandbox.cleanup();
  });
  beforeEach(() => {
    temp = createTempStore('proto-rel-files-');
  });
  afterEach(() => temp.cleanup());

  const plugin = (download: Record<string, unknown>) => createFakePlugin({ download: { download_url: server.urlFor('/tool.tar.gz'), ...download } });

  it('a checksum file above the limit', async () => {
    const error = await failure(
      installTool({
        store: temp.store,
        plugin: plugin({ checksum_url: server.urlFor('/SHASUMS256.txt') }),
        version: '1.0.0',
        settings: { checksumFileMaxBytes: 1 * MIB },
      }),
    );
    assert.equal(error.code, 'net.too_large', error.message);
    assert.match(error.message, /SHASUMS256\.txt is 2\.0 MiB \(its declared length\), more than the limit of 1\.0 MiB/);
    assertHintNamesLimit(error, 'checksum-file');
    assert.deepEqual(temp.leftoverFiles(), []);
  });

  it('a download whose declared length is above the limit is refused before any byte is written', async () => {
    const error = await failure(installTool({ store: temp.store, plugin: plugin({}), version: '1.0.0', settings: { downloadMaxBytes: 2 * MIB } }));
    assert.equal(error.code, 'net.too_large', error.message);
    assertHintNamesLimit(error, 'download-size');
    assert.deepEqual(temp.leftoverFiles(), []);
  });

  it('a zip that declares more entries than the limit is refused before its first entry is read', skipWithout('zip'), async () => {
    const error = await failure(
      installTool({
        store: temp.store,
        plugin: plugin({ download_url: server.urlFor('/many.zip') }),
        version: '1.0.0',
        settings: { unpack: { maxEntries: 1000 } },
      }),
    );
    assert.equal(error.code, 'install.archive_too_large', error.message);
    assert.match(error.message, /many\.zip has 30\d\d entries; the limit is 1000/);
    assertHintNamesLimit(error, 'archive-entries');
    assert.deepEqual(temp.leftoverFiles(), []);
  });

  it('a version file above the limit is not read', async () => {
    const dir = join(sandbox.root, 'project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.nvmrc'), `20\n${' '.repeat(2 * MIB)}`);
    const error = await failure(
      detectVersion({
        toolId: 'node',
        env: {},
        configFiles: [{ path: join(dir, '.prototools'), config: { versions: {} } }],
        plugin: { detectVersionFiles: async () => ({ files: ['.nvmrc'] }) },
        maxVersionFileBytes: 1 * MIB,
      }),
    );
    assert.equal(error.code, 'detect.version_file_too_large', error.message);
    assert.match(error.message, /\.nvmrc is 2\.0 MiB; a version file may have at most 1\.0 MiB/);
    assertHintNamesLimit(error, 'version-file');
  });
});
