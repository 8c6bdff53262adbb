import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileArchivePrefix, resolveSymlinkTarget, splitEntryName, stripArchivePrefix } from '../../../src/install/entry-path.js';

describe('splitEntryName', () => {
  it('splits safe names, dropping . and empty components', () => {
    assert.deepEqual(splitEntryName('pkg/bin/tool'), ['pkg', 'bin', 'tool']);
    assert.deepEqual(splitEntryName('./pkg//bin/'), ['pkg', 'bin']);
    assert.deepEqual(splitEntryName('./'), []);
    assert.deepEqual(splitEntryName('a\\b'), ['a\\b'], 'a backslash is a plain character in tar');
    assert.deepEqual(splitEntryName('a\\b', { backslashIsSeparator: true }), ['a', 'b']);
  });

  it('refuses absolute names, .. anywhere and NUL', () => {
    for (const name of ['/etc/passwd', '../x', 'a/../../x', 'a/..', 'C:\\x', 'c:/x', 'a\0b']) {
      assert.equal(splitEntryName(name), undefined, name);
    }
    assert.equal(splitEntryName('..\\..\\x', { backslashIsSeparator: true }), undefined);
  });
});

describe('archive_prefix', () => {
  it('strips a matching prefix component-wise, with * inside one component', () => {
    const prefix = compileArchivePrefix('node-v20.0.0-linux-x64', 'node');
    assert.deepEqual(stripArchivePrefix(['node-v20.0.0-linux-x64', 'bin', 'node'], prefix), ['bin', 'node']);
    assert.deepEqual(stripArchivePrefix(['node-v20.0.0-linux-x64'], prefix), []);
    assert.deepEqual(stripArchivePrefix(['node-v20.0.0-linux-x64x', 'bin'], prefix), ['node-v20.0.0-linux-x64x', 'bin'], 'no partial match');
    assert.deepEqual(stripArchivePrefix(['README'], prefix), ['README'], 'other entries unchanged');
    const wildcard = compileArchivePrefix('tool-*/dist', 't');
    assert.deepEqual(stripArchivePrefix(['tool-1.2.3', 'dist', 'bin'], wildcard), ['bin']);
    assert.deepEqual(stripArchivePrefix(['tool-1.2.3', 'src', 'bin'], wildcard), ['tool-1.2.3', 'src', 'bin']);
    assert.deepEqual(stripArchivePrefix(['tool-1', 'x', 'dist'], compileArchivePrefix('tool-*', 't')), ['x', 'dist'], '* stays in one component');
    assert.deepEqual(stripArchivePrefix(['a.b'], compileArchivePrefix('a?b', 't')), ['a.b'], 'other regex characters are literal');
  });

  it('treats empty and ./ prefixes as none, and refuses hostile ones', () => {
    assert.equal(compileArchivePrefix(undefined, 't'), undefined);
    assert.equal(compileArchivePrefix('', 't'), undefined);
    assert.equal(compileArchivePrefix('./', 't'), undefined);
    for (const prefix of ['..', '../x', 'a/../..', '/abs', 'C:\\x', 'a\0']) {
      assert.throws(() => compileArchivePrefix(prefix, 't'), { code: 'install.invalid_archive_prefix' }, prefix);
    }
  });
});

describe('resolveSymlinkTarget', () => {
  it('resolves relative targets from the link directory', () => {
    assert.deepEqual(resolveSymlinkTarget(['bin', 'python'], 'python3'), ['bin', 'python3']);
    assert.deepEqual(resolveSymlinkTarget(['bin', 'node'], '../lib/node'), ['lib', 'node']);
    assert.deepEqual(resolveSymlinkTarget(['link'], '.'), []);
  });

  it('refuses absolute targets and targets above the root', () => {
    assert.equal(resolveSymlinkTarget(['bin', 'x'], '/usr/bin/env'), undefined);
    assert.equal(resolveSymlinkTarget(['bin', 'x'], '../../etc'), undefined);
    assert.equal(resolveSymlinkTarget(['x'], '..'), undefined);
    assert.equal(resolveSymlinkTarget(['x'], ''), undefined);
  });
});
