import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpec, specMatches } from '../../../src/version/index.js';

function check(spec: string, matching: string[], notMatching: string[]): void {
  const parsed = parseSpec(spec);
  for (const version of matching) assert.equal(specMatches(parsed, version), true, `${spec} should match ${version}`);
  for (const version of notMatching) assert.equal(specMatches(parsed, version), false, `${spec} should not match ${version}`);
}

describe('matching versions against specs (cargo-semver rules)', () => {
  it('~1.2.3 is >=1.2.3 <1.3.0', () => check('~1.2.3', ['1.2.3', '1.2.9'], ['1.2.2', '1.3.0', '2.0.0']));
  it('~1.2 is 1.2.x', () => check('~1.2', ['1.2.0', '1.2.99'], ['1.1.9', '1.3.0']));
  it('~1 (and a bare 1) is 1.x', () => {
    check('~1', ['1.0.0', '1.99.0'], ['0.9.9', '2.0.0']);
    check('1', ['1.5.0'], ['2.0.0']);
  });
  it('^1.2.3 is <2.0.0', () => check('^1.2.3', ['1.2.3', '1.9.0'], ['1.2.2', '2.0.0']));
  it('^1.2 is >=1.2.0 <2', () => check('^1.2', ['1.2.0', '1.9.9'], ['1.1.0', '2.0.0']));
  it('^0.2.3 is <0.3.0', () => check('^0.2.3', ['0.2.3', '0.2.9'], ['0.2.2', '0.3.0', '1.0.0']));
  it('^0.2 is 0.2.x', () => check('^0.2', ['0.2.0', '0.2.7'], ['0.3.0']));
  it('^0.0.3 is =0.0.3', () => check('^0.0.3', ['0.0.3'], ['0.0.4', '0.1.0', '0.0.2']));
  it('=, > and < compare only the written parts', () => {
    check('=1.2', ['1.2.0', '1.2.5'], ['1.3.0']);
    check('>1', ['2.0.0'], ['1.5.0', '1.0.0']);
    check('>=1.2', ['1.2.0', '3.0.0'], ['1.1.9']);
    check('<2', ['1.99.99'], ['2.0.0', '2.0.1']);
    check('<=1.2', ['1.2.9', '1.0.0'], ['1.3.0']);
  });
  it('wildcards match any value of the open parts', () => {
    check('1.2.*', ['1.2.0', '1.2.8'], ['1.3.0']);
    check('1.x', ['1.0.0', '1.9.0'], ['2.0.0']);
    check('*', ['0.0.1', '99.0.0'], ['1.0.0-rc.1']);
  });

  it('pre-releases only match a requirement naming a pre-release on the same major.minor.patch', () => {
    check('^1.2.3', ['1.2.4'], ['1.2.4-rc.1', '1.3.0-beta']);
    check('>=1.2.3-rc.1', ['1.2.3-rc.1', '1.2.3-rc.2', '1.2.3', '1.5.0'], ['1.2.3-beta', '1.2.4-rc.1', '1.2.3-alpha.9']);
    check('~1.2.3-beta.2', ['1.2.3-beta.2', '1.2.3-beta.10', '1.2.3'], ['1.2.3-beta.1', '1.2.4-beta.3']);
    check('<2', ['1.9.0'], ['2.0.0-rc.1', '1.9.0-rc.1']);
  });

  it('AND needs every comparator; the pre-release door opens if any names it', () => {
    check('>=1.2 <1.5', ['1.2.0', '1.4.9'], ['1.5.0', '1.1.0']);
    check('>=1.0.0-rc.1 <2', ['1.0.0-rc.2', '1.0.0'], ['1.1.0-rc.1', '2.0.0']);
  });

  it('OR needs one clause', () => {
    check('^1 || ^3', ['1.5.0', '3.0.1'], ['2.0.0', '4.0.0']);
  });

  it('a between range is inclusive on both ends', () => {
    check('1.2.3 - 2.0.0', ['1.2.3', '1.9.0', '2.0.0'], ['1.2.2', '2.0.1', '2.0.0-rc.1']);
  });

  it('an exact version matches itself only, build metadata included', () => {
    check('1.2.3', ['1.2.3', 'v1.2.3'], ['1.2.4', '1.2.3+b1', '1.2.3-rc.1']);
  });

  it('calendar versions match calendar requirements', () => {
    check('~2024-02', ['2024-02-01', '2024-02-29'], ['2024-03-01', '2023-02-01']);
    check('>=2024-01-15', ['2024-01-15', '2024-06-01'], ['2024-01-14']);
  });

  it('aliases, canary and unparsable versions match nothing', () => {
    assert.equal(specMatches(parseSpec('latest'), '1.0.0'), false);
    assert.equal(specMatches(parseSpec('canary'), '1.0.0'), false);
    assert.equal(specMatches(parseSpec('*'), 'not-a-version'), false);
  });
});
