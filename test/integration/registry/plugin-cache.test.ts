/**
 * Remote plugins are fetched once into the plugin cache and reused, offline too. The "internet"
 * is a dist server on 127.0.0.1 reached through url-rewrites, as a mirror would be.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { parsePluginLocator } from '../../../src/config/index.js';
import { MIB } from '../../../src/limits.js';
import { builtinPluginUrl, pluginFile } from '../../../src/registry/index.js';

const parseLocator = (value: string, baseDir: string) => parsePluginLocator(value, baseDir, 'test');
import { startDistServer, type DistServer } from '../../../test-utils/index.js';
import { createTempStore, type TempStore } from '../../support/temp-store.js';

describe('plugin cache', () => {
  let server: DistServer;
  let temp: TempStore;
  let settings: { urlRewrites: Array<[string, string]> };
  const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

  before(async () => {
    server = await startDistServer({
      files: {
        '/releases/download/node_tool-v0.17.11/node_tool.wasm': wasm,
        '/repos/org/tool/releases/tags/v1.2.0': JSON.stringify({ tag_name: 'v1.2.0', assets: [{ name: 'tool.wasm', browser_download_url: 'https://github.com/org/tool/releases/download/v1.2.0/tool.wasm' }] }),
        '/org/tool/releases/download/v1.2.0/tool.wasm': wasm,
        '/big/plugin.wasm': new Uint8Array(2 * MIB),
      },
    });
    temp = createTempStore('proto-plugins-');
    settings = {
      urlRewrites: [
        ['^https://github\\.com/moonrepo/plugins/', `${server.url}/`],
        ['^https://api\\.github\\.com/', `${server.url}/`],
        ['^https://github\\.com/org/', `${server.url}/org/`],
      ],
    };
  });
  after(async () => {
    await server?.close();
    temp?.cleanup();
  });

  it('downloads a built-in tool plugin once, then reuses it', async () => {
    const locator = parseLocator(builtinPluginUrl('node')!, temp.dir);
    const first = await pluginFile('node', locator, { store: temp.store, settings });
    assert.deepEqual(new Uint8Array(readFileSync(first)), wasm);
    const second = await pluginFile('node', locator, { store: temp.store, settings });
    assert.equal(second, first);
    assert.equal(server.requestsFor('/releases/download/node_tool-v0.17.11/node_tool.wasm').length, 1);
  });

  it('uses a stale cached plugin when offline, and refreshes it when online', async () => {
    const locator = parseLocator(builtinPluginUrl('node')!, temp.dir);
    const path = await pluginFile('node', locator, { store: temp.store, settings });
    const old = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(path, old, old);
    await pluginFile('node', locator, { store: temp.store, settings: { ...settings, offline: true } } as never);
    assert.equal(server.requestsFor('/releases/download/node_tool-v0.17.11/node_tool.wasm').length, 1);
    await pluginFile('node', locator, { store: temp.store, settings });
    assert.equal(server.requestsFor('/releases/download/node_tool-v0.17.11/node_tool.wasm').length, 2);
  });

  it('says so when offline and nothing is cached', async () => {
    const locator = parseLocator('https://plugins.example.com/never.wasm', temp.dir);
    await assert.rejects(
      pluginFile('never', locator, { store: temp.store, settings: { offline: true } }),
      (error) => isProtoError(error, 'plugin.offline') && /"never" is not cached/.test(error.message),
    );
  });

  it('finds the .wasm asset of a tagged GitHub release', async () => {
    const path = await pluginFile('tool', parseLocator('github://org/tool@v1.2.0', temp.dir), { store: temp.store, settings });
    assert.ok(existsSync(path));
    assert.match(path, /tool-[0-9a-f]{64}\.wasm$/);
  });

  it('refuses a plugin above [settings.limits] download-size, naming it, and writes nothing', async () => {
    const locator = parseLocator(`${server.url}/big/plugin.wasm`, temp.dir);
    await assert.rejects(
      pluginFile('big', locator, { store: temp.store, settings: { ...settings, downloadMaxBytes: 1 * MIB } }),
      (error) => isProtoError(error, 'net.too_large') && /\[settings\.limits\] download-size \(MiB\)/.test(error.hint ?? ''),
    );
    assert.deepEqual(readdirSync(temp.store.pluginsDir).filter((name) => name.startsWith('big-')), []);
    // Within the limit it downloads.
    assert.equal(readFileSync(await pluginFile('big', locator, { store: temp.store, settings: { ...settings, downloadMaxBytes: 4 * MIB } })).length, 2 * MIB);
  });

  it('names a missing file:// plugin and where it was looked for', async () => {
    await assert.rejects(
      pluginFile('x', parseLocator('file://./missing.wasm', '/nowhere'), { store: temp.store }),
      (error) => isProtoError(error, 'plugin.not_found') && error.message.includes('/nowhere/missing.wasm'),
    );
  });
});
