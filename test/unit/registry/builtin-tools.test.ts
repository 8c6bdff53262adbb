import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinPluginUrl } from '../../../src/registry/index.js';

describe('built-in tools', () => {
  it('resolve to the official plugin release', () => {
    assert.equal(builtinPluginUrl('node'), 'https://github.com/moonrepo/plugins/releases/download/node_tool-v0.17.11/node_tool.wasm');
    assert.equal(builtinPluginUrl('npm'), builtinPluginUrl('pnpm'));
    assert.equal(builtinPluginUrl('disttool'), undefined);
  });
});
