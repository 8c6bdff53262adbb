import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeComponent, encodeVersionForTemp } from '../../../src/store/index.js';

describe('encodeComponent', () => {
  it("follows proto's rules", () => {
    assert.equal(encodeComponent('node'), 'node');
    assert.equal(encodeComponent('20.10.0'), '20.10.0');
    assert.equal(encodeComponent('@scope/pkg'), 'scope-pkg');
    assert.equal(encodeComponent('asdf:zig'), 'asdf-zig');
    assert.equal(encodeComponent('lts/*'), 'lts');
    assert.equal(encodeComponent('-.name.-'), 'name');
    assert.equal(encodeComponent('a\uFFFDb'), 'ab');
  });

  it('cannot produce a path that leaves its parent', () => {
    assert.equal(encodeComponent('../../etc'), 'etc');
    assert.equal(encodeComponent('a/../b'), 'a-..-b');
    for (const hostile of ['..', '.', '', '@*', 'a\\b', 'a\0b']) {
      assert.throws(() => encodeComponent(hostile), { code: 'store.invalid_component' }, JSON.stringify(hostile));
    }
  });

  it('base64-encodes versions for temp dirs', () => {
    assert.equal(encodeVersionForTemp('20.0.0'), 'MjAuMC4w');
    assert.ok(!encodeVersionForTemp('?>?>').includes('/'));
  });
});
