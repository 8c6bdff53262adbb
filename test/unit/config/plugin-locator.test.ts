import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePluginLocator } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';

const parse = (value: string) => parsePluginLocator(value, '/cfg', 'test');

describe('plugin locators', () => {
  it('resolves file:// paths against the config directory', () => {
    assert.deepEqual(parse('file://./a/b.wasm'), { kind: 'file', written: 'file://./a/b.wasm', path: '/cfg/a/b.wasm' });
    assert.deepEqual(parse('file://../up.wasm'), { kind: 'file', written: 'file://../up.wasm', path: '/up.wasm' });
    assert.deepEqual(parse('file:///abs/x.wasm'), { kind: 'file', written: 'file:///abs/x.wasm', path: '/abs/x.wasm' });
  });

  it('reads legacy source: and github: prefixes', () => {
    assert.deepEqual(parse('source:https://e.com/p.wasm'), { kind: 'url', written: 'source:https://e.com/p.wasm', url: 'https://e.com/p.wasm' });
    assert.deepEqual(parse('source:p.wasm'), { kind: 'file', written: 'source:p.wasm', path: '/cfg/p.wasm' });
    assert.deepEqual(parse('github:o/r@v2'), { kind: 'github', written: 'github:o/r@v2', owner: 'o', repo: 'r', tag: 'v2' });
  });

  it('reads github:// with a project and a tag', () => {
    assert.deepEqual(parse('github://moonrepo/plugins/node_tool@node_tool-v1'), {
      kind: 'github',
      written: 'github://moonrepo/plugins/node_tool@node_tool-v1',
      owner: 'moonrepo',
      repo: 'plugins',
      project: 'node_tool',
      tag: 'node_tool-v1',
    });
  });

  it('reads registry:// like warpgate (a dotted first segment is the host)', () => {
    assert.deepEqual(parse('registry://ghcr.io/moonrepo/tools/node:1.0'), {
      kind: 'registry',
      written: 'registry://ghcr.io/moonrepo/tools/node:1.0',
      registry: 'ghcr.io',
      namespace: 'moonrepo/tools',
      image: 'node',
      tag: '1.0',
    });
    assert.deepEqual(parse('registry://plugins/python'), { kind: 'registry', written: 'registry://plugins/python', namespace: 'plugins', image: 'python' });
  });

  it('reads a registry host with a port, and localhost, apart from the tag', () => {
    assert.deepEqual(parse('registry://127.0.0.1:5000/team/node:v1.2'), {
      kind: 'registry',
      written: 'registry://127.0.0.1:5000/team/node:v1.2',
      registry: '127.0.0.1:5000',
      namespace: 'team',
      image: 'node',
      tag: 'v1.2',
    });
    assert.deepEqual(parse('registry://localhost/node'), { kind: 'registry', written: 'registry://localhost/node', registry: 'localhost', image: 'node' });
    assert.deepEqual(parse('registry://node:latest'), { kind: 'registry', written: 'registry://node:latest', image: 'node', tag: 'latest' });
  });

  it('refuses registry names and tags an OCI registry would refuse', () => {
    for (const bad of ['registry://Node', 'registry://ns/../x', 'registry://node:', 'registry://node:a b', 'registry://ghcr.io/']) {
      assert.throws(() => parse(bad), (error: unknown) => isProtoError(error, 'config.invalid_locator'), bad);
    }
  });

  it('allows http:// only to loopback hosts', () => {
    assert.deepEqual(parse('http://127.0.0.1:8080/p.wasm'), { kind: 'url', written: 'http://127.0.0.1:8080/p.wasm', url: 'http://127.0.0.1:8080/p.wasm' });
    assert.equal(parse('http://localhost/p.wasm').kind, 'url');
    for (const insecure of ['http://example.com/p.wasm', 'http://127.0.0.1.evil.com/p.wasm', 'source:http://example.com/p.wasm']) {
      assert.throws(() => parse(insecure), (error: unknown) => isProtoError(error, 'config.invalid_locator') && /https/.test(error.message), insecure);
    }
  });

  it('rejects locators without a protocol, with an unknown one, or incomplete', () => {
    for (const bad of ['./plugin.wasm', 'ftp://x/y', 'github://only-owner', 'https://', 'registry://:tag']) {
      assert.throws(() => parse(bad), (error: unknown) => isProtoError(error, 'config.invalid_locator'), bad);
    }
  });
});
