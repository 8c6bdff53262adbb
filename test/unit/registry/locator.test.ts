import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { builtinPluginUrl, parseLocator } from '../../../src/registry/index.js';

describe('plugin locators', () => {
  it('resolves file:// relative to the config file dir', () => {
    assert.deepEqual(parseLocator('file://./plugins/x.wasm', '/repo'), { kind: 'file', path: '/repo/plugins/x.wasm', original: 'file://./plugins/x.wasm' });
    assert.equal((parseLocator('file:///abs/x.wasm', '/repo') as { path: string }).path, '/abs/x.wasm');
  });

  it('accepts the legacy source: and github: prefixes', () => {
    assert.deepEqual(parseLocator('source:https://x.dev/p.wasm', '/r'), { kind: 'url', url: 'https://x.dev/p.wasm', original: 'source:https://x.dev/p.wasm' });
    assert.equal((parseLocator('source:./p.wasm', '/r') as { path: string }).path, '/r/p.wasm');
    assert.deepEqual(parseLocator('github:org/repo@v1.0.0', '/r'), { kind: 'github', owner: 'org', repo: 'repo', project: undefined, tag: 'v1.0.0', original: 'github:org/repo@v1.0.0' });
  });

  it('parses github://owner/repo/project', () => {
    assert.deepEqual(parseLocator('github://moonrepo/plugins/node_tool', '/r'), {
      kind: 'github', owner: 'moonrepo', repo: 'plugins', project: 'node_tool', tag: undefined, original: 'github://moonrepo/plugins/node_tool',
    });
  });

  it('refuses plain http except on loopback, and unknown schemes', () => {
    assert.equal(parseLocator('http://127.0.0.1:8080/p.wasm', '/r').kind, 'url');
    assert.throws(() => parseLocator('http://example.com/p.wasm', '/r'), (error) => isProtoError(error, 'plugin.insecure_locator'));
    assert.throws(() => parseLocator('ftp://x/p.wasm', '/r'), (error) => isProtoError(error, 'plugin.invalid_locator'));
    assert.throws(() => parseLocator('github://just-owner', '/r'), (error) => isProtoError(error, 'plugin.invalid_locator'));
  });

  it('knows the official release of built-in tools', () => {
    assert.equal(builtinPluginUrl('node'), 'https://github.com/moonrepo/plugins/releases/download/node_tool-v0.17.11/node_tool.wasm');
    assert.equal(builtinPluginUrl('npm'), builtinPluginUrl('pnpm'));
    assert.equal(builtinPluginUrl('disttool'), undefined);
  });
});
