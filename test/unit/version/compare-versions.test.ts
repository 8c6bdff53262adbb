import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, compareVersionStrings, parseVersion, sortVersions, sortVersionStrings } from '../../../src/version/index.js';

const v = (text: string) => {
  const version = parseVersion(text);
  assert.ok(version, text);
  return version;
};

describe('ordering versions', () => {
  it('orders pre-releases by semver precedence, below their release', () => {
    const expected = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    assert.deepEqual(sortVersionStrings([...expected].reverse()), expected);
  });

  it('compares numbers numerically, not as text', () => {
    assert.deepEqual(sortVersionStrings(['1.10.0', '1.9.0', '1.2.10', '1.2.9', '10.0.0']), ['1.2.9', '1.2.10', '1.9.0', '1.10.0', '10.0.0']);
  });

  it('ranks a build above no build, and orders builds', () => {
    assert.ok(compareVersions(v('1.0.0+1'), v('1.0.0')) > 0);
    assert.ok(compareVersions(v('1.0.0+2'), v('1.0.0+10')) < 0);
    assert.ok(compareVersions(v('1.0.0+0'), v('1.0.0+00')) < 0);
  });

  it('sorts newest first on request and keeps non-versions last', () => {
    assert.deepEqual(sortVersionStrings(['1.0.0', 'junk', '3.0.0', '2.0.0'], 'descending'), ['3.0.0', '2.0.0', '1.0.0', 'junk']);
    assert.deepEqual(sortVersions([v('2024-01-02'), v('2023-12-31')]).map((x) => x.major), [2023, 2024]);
  });

  it('puts calendar versions before semantic ones, as proto does', () => {
    assert.ok(compareVersions(v('2024-01-01'), v('1.0.0')) < 0);
  });

  it('compareVersionStrings: what is not a version first (canary, then text order), then versions in version order, as proto', () => {
    const ordered = ['canary', '-x', '1.2', 'Canary', 'latest', '2024-01-01', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-rc.1', '1.0.0', '1.0.0+2', '1.0.0+10', '1.10.0', '10.0.0'];
    assert.deepEqual([...ordered].reverse().sort(compareVersionStrings), ordered);
    assert.deepEqual(['2.0.0', 'canary', '1.0.0'].sort(compareVersionStrings), ['canary', '1.0.0', '2.0.0']);
    assert.equal(compareVersionStrings('v1.2.3', '1.2.3'), 0, 'the v prefix is not part of the version');
    assert.equal(compareVersionStrings('nightly', 'nightly'), 0);
    assert.ok(compareVersionStrings('1.0.0', 'junk') > 0 && compareVersionStrings('junk', '1.0.0') < 0, 'antisymmetric across kinds');
  });

  it('sortVersionStrings sorts by compareVersionStrings: a listing newest first ends with the non-versions', () => {
    const mixed = ['nightly', '1.0.0', 'canary', '2.0.0-rc.1', '2.0.0', 'junk', '1.10.0'];
    assert.deepEqual(sortVersionStrings(mixed), [...mixed].sort(compareVersionStrings));
    assert.deepEqual(sortVersionStrings(mixed, 'descending'), ['2.0.0', '2.0.0-rc.1', '1.10.0', '1.0.0', 'nightly', 'junk', 'canary']);
    assert.deepEqual(sortVersionStrings(mixed, 'descending'), [...mixed].sort((a, b) => compareVersionStrings(b, a)));
  });
});
