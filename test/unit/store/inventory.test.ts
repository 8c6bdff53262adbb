/** Where a tool's records and versions live when its plugin moves them (register_tool inventory_options). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Store } from '../../../src/store/index.js';

describe('Inventory', () => {
  const store = new Store({ root: '/p', env: {} });

  it('is the default layout without options', () => {
    const inventory = store.inventory('node');
    assert.equal(inventory.dir, '/p/tools/node');
    assert.equal(inventory.productDir('20.0.0'), '/p/tools/node/20.0.0');
    assert.equal(inventory.stagingDir('20.0.0'), '/p/tools/node/.partial-20.0.0');
    assert.equal(inventory.manifestPath, '/p/tools/node/manifest.json');
  });

  it('override_dir moves the product dirs only; the manifest and caches stay in the store', () => {
    const inventory = store.inventory('rust', { overrideDir: '/home/me/.rustup/toolchains', versionSuffix: '-x86_64-unknown-linux-gnu' });
    assert.equal(inventory.productDir('1.80.0'), '/home/me/.rustup/toolchains/1.80.0-x86_64-unknown-linux-gnu');
    assert.equal(inventory.manifestPath, '/p/tools/rust/manifest.json');
    assert.equal(inventory.remoteVersionsPath(), '/p/tools/rust/remote-versions.json');
    // Staging and trash sit next to the product dir (one file system for the renames).
    assert.equal(inventory.trashDir('1.80.0'), '/home/me/.rustup/toolchains/.trash-1.80.0-x86_64-unknown-linux-gnu');
  });

  it('override_dir_name renames the inventory dir, encoded like an id', () => {
    const inventory = store.inventory('asdf:zig', { dirName: 'zig/asdf' });
    assert.equal(inventory.dir, '/p/tools/zig-asdf');
    assert.equal(inventory.productDir('0.14.0'), '/p/tools/zig-asdf/0.14.0');
  });

  it('a suffix cannot climb out of the products dir', () => {
    assert.equal(store.inventory('x', { versionSuffix: '/../../etc' }).productDir('1.0.0'), '/p/tools/x/1.0.0-..-..-etc');
  });
});
