import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { isPluginName, parseManifest, selectPackage, type PluginManifest } from '../../../src/plugins/index.js';
import { SCHEMA_EXTENSIONS } from '../../../src/schema/read-schema.js';
import { SAMPLE_MANIFEST, SAMPLE_SHA256 } from '../../support/sample-manifest.js';

const SHA = SAMPLE_SHA256;
const base = SAMPLE_MANIFEST;

describe('plugin manifests', () => {
  it('fill in kind and tools, and keep fields this host does not know', async () => {
    const manifest = await parseManifest(JSON.stringify({ ...base, permissions: ['exec:git'], callTimeoutMs: 5000 }), 'm.json');
    assert.equal(manifest.kind, 'tool');
    assert.deepEqual(manifest.tools, ['disttool']);
    assert.deepEqual(manifest.raw.permissions, ['exec:git']);
    assert.equal(manifest.raw.callTimeoutMs, 5000);
    const hook = await parseManifest(JSON.stringify({ ...base, kind: 'hook', tools: ['a', 'b'] }), 'm.json');
    assert.equal(hook.kind, 'hook');
    assert.deepEqual(hook.tools, ['a', 'b']);
  });

  it('are refused with every problem, each naming its field', async () => {
    const broken = { ...base, name: 'Disttool', version: 'one', kind: 'daemon', license: '', homepage: 'ftp://x', packages: [{ os: 'linux', arch: 'x64', url: 'disttool.exe' }] };
    await assert.rejects(parseManifest(JSON.stringify(broken), 'm.json'), (error) => {
      assert.ok(isProtoError(error, 'plugin.invalid_manifest'));
      for (const field of ['"name"', '"version"', '"kind"', '"license"', '"homepage"', '"packages.0.url"', '"packages.0" lacks the required field "sha256"']) {
        assert.ok(error.message.includes(field), `${field} missing from:\n${error.message}`);
      }
      return true;
    });
    await assert.rejects(parseManifest('{ nope', 'm.json'), (error) => isProtoError(error, 'plugin.invalid_manifest') && /not valid JSON/.test(error.message));
  });

  it('accept a package of every schema plugin format the loader reads, as well as modules and archives', async () => {
    const urls = [...SCHEMA_EXTENSIONS.map((ext) => `tool${ext}`), 'tool.wasm', 'tool.tar.gz', 'https://example.com/tool.toml?raw=1'];
    for (const url of urls) {
      const manifest = await parseManifest(JSON.stringify({ ...base, packages: [{ os: 'any', arch: 'any', url, sha256: SHA }] }), 'm.json');
      assert.equal(manifest.packages[0]!.url, url);
    }
    for (const url of ['tool.txt', 'tool.toml.bak', 'tool.exe']) {
      await assert.rejects(parseManifest(JSON.stringify({ ...base, packages: [{ os: 'any', arch: 'any', url, sha256: SHA }] }), 'm.json'), /"packages\.0\.url"/);
    }
  });

  it('names follow the rule: lowercase letters, digits, _ and -, starting with a letter', () => {
    for (const name of ['node', 'my-tool', 'a_b2']) assert.equal(isPluginName(name), true, name);
    for (const name of ['Node', '1tool', '-x', 'a.b', 'a/b', '', 'x'.repeat(65)]) assert.equal(isPluginName(name), false, name);
  });
});

describe('package selection', () => {
  const withPackages = (platforms: Array<[string, string]>): PluginManifest =>
    ({ ...base, kind: 'tool', tools: ['disttool'], raw: {}, packages: platforms.map(([os, arch]) => ({ os, arch, url: `${os}-${arch}.wasm`, sha256: SHA })) }) as PluginManifest;

  it('prefers the exact platform, then any arch, then any os', () => {
    const linux = { os: 'linux', arch: 'x64' };
    assert.equal(selectPackage(withPackages([['any', 'any'], ['linux', 'any'], ['linux', 'x64']]), linux).url, 'linux-x64.wasm');
    assert.equal(selectPackage(withPackages([['any', 'any'], ['linux', 'any']]), linux).url, 'linux-any.wasm');
    assert.equal(selectPackage(withPackages([['any', 'x64'], ['any', 'any']]), linux).url, 'any-x64.wasm');
    assert.equal(selectPackage(withPackages([['macos', 'x64'], ['any', 'any']]), linux).url, 'any-any.wasm');
  });

  it('without one for this platform, lists the ones there are', () => {
    assert.throws(
      () => selectPackage(withPackages([['macos', 'arm64'], ['windows', 'x64']]), { os: 'linux', arch: 'arm64' }),
      (error) => isProtoError(error, 'plugin.no_package') && error.message.includes('no package for linux/arm64 (it has: macos/arm64, windows/x64)'),
    );
  });
});
