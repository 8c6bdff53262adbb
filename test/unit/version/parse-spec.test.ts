import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { canonicalSpec, classifySpec, formatSpec, parseSpec, parseVersion, tryParseSpec } from '../../../src/version/index.js';

/** Every row of plugin-api §4.2's table: input → [kind, canonical string sent to plugins]. */
const TABLE: [input: string, kind: string, canonical: string][] = [
  ['1.2.3', 'version', '1.2.3'],
  ['v1.2.3', 'version', '1.2.3'],
  ['1.2.3-rc.1+build', 'version', '1.2.3-rc.1+build'],
  ['2024-02-26', 'version', '2024-02-26'],
  ['2024-02', 'version', '2024-02'],
  ['1.2', 'requirement', '~1.2'],
  ['1', 'requirement', '~1'],
  ['^1.2', 'requirement', '^1.2'],
  ['~1', 'requirement', '~1'],
  ['>=1.0.0', 'requirement', '>=1.0.0'],
  ['<2', 'requirement', '<2'],
  ['=1.2.3', 'requirement', '=1.2.3'],
  ['==1.2.3', 'requirement', '=1.2.3'],
  ['1.2.*', 'requirement', '1.2.*'],
  ['1.x', 'requirement', '1.*'],
  ['1.X', 'requirement', '1.*'],
  ['*', 'requirement', '*'],
  ['>=1 <2', 'range', '>=1 && <2'],
  ['>=1, <2', 'range', '>=1 && <2'],
  ['>=1 && <2', 'range', '>=1 && <2'],
  ['^1 || ^2', 'range', '^1 || ^2'],
  ['1.2.3 - 2.0.0', 'range', '1.2.3 - 2.0.0'],
  ['latest', 'alias', 'latest'],
  ['stable', 'alias', 'stable'],
  ['lts-hydrogen', 'alias', 'lts-hydrogen'],
  ['lts/fermium', 'alias', 'lts/fermium'],
  ['future/202x', 'alias', 'future/202x'],
  ['canary', 'canary', 'canary'],
];

describe('version spec grammar (plugin-api §4.2 table)', () => {
  for (const [input, kind, canonical] of TABLE) {
    it(`${JSON.stringify(input)} is a ${kind} printed as ${JSON.stringify(canonical)}`, () => {
      assert.equal(classifySpec(input), kind);
      assert.equal(canonicalSpec(input), canonical);
    });
  }

  it('prints canonical strings that parse back to the same value', () => {
    for (const [input] of TABLE) {
      const spec = parseSpec(input);
      assert.deepEqual(parseSpec(formatSpec(spec)), spec, input);
    }
  });

  it('classifies lts-* and lts/* as aliases, as proto before 0.59 (and the node plugin) do', () => {
    assert.deepEqual(parseSpec('lts-*'), { kind: 'alias', name: 'lts-*' });
    assert.deepEqual(parseSpec('lts/*'), { kind: 'alias', name: 'lts/*' });
  });

  it('keeps scoped forms like node-1.2.3 as aliases, text unchanged', () => {
    assert.deepEqual(parseSpec('node-1.2.3'), { kind: 'alias', name: 'node-1.2.3' });
    assert.equal(canonicalSpec('nightly-2024-01-01'), 'nightly-2024-01-01');
  });

  it('pads calendar versions and expands short years from 2000', () => {
    assert.equal(canonicalSpec('24-2-6'), '2024-02-06');
    assert.equal(canonicalSpec('2024-2'), '2024-02');
    assert.deepEqual(parseVersion('2024-02-26'), { calendar: true, major: 2024, minor: 2, patch: 26 });
    assert.deepEqual(parseVersion('2024-02'), { calendar: true, major: 2024, minor: 2, patch: 0 });
  });

  it('reads calendar requirements and pre-releases', () => {
    assert.equal(canonicalSpec('~2024-02'), '~2024-02');
    assert.equal(canonicalSpec('2024-*'), '2024-*');
    assert.equal(canonicalSpec('2024-02-26-beta'), '2024-02-26-beta');
  });

  it('reads structured values', () => {
    assert.deepEqual(parseSpec('^1.2'), { kind: 'requirement', calendar: false, op: '^', major: 1, minor: 2 });
    assert.deepEqual(parseSpec('1.2.3-rc.1+b5'), {
      kind: 'version',
      version: { calendar: false, major: 1, minor: 2, patch: 3, prerelease: 'rc.1', build: 'b5' },
    });
    assert.deepEqual(parseSpec('^1 || >=2 <3'), {
      kind: 'range',
      anyOf: [
        { kind: 'all', requirements: [{ calendar: false, op: '^', major: 1 }] },
        {
          kind: 'all',
          requirements: [
            { calendar: false, op: '>=', major: 2 },
            { calendar: false, op: '<', major: 3 },
          ],
        },
      ],
    });
  });

  it('accepts spaces after operators, a v prefix in requirements, and trims', () => {
    assert.equal(canonicalSpec('>= 1.2'), '>=1.2');
    assert.equal(canonicalSpec('  ^v1.2  '), '^1.2');
    assert.equal(canonicalSpec('v20'), '~20');
    assert.equal(canonicalSpec('>= 1 , < 2'), '>=1 && <2');
    assert.equal(canonicalSpec('1.x.x'), '1.*');
    assert.equal(canonicalSpec('x'), '*');
  });

  it('keeps a requirement pre-release and drops its build metadata', () => {
    assert.equal(canonicalSpec('>=1.2.3-rc.1+build'), '>=1.2.3-rc.1');
    assert.equal(canonicalSpec('~1.2-beta'), '~1.2-beta');
  });

  it('rejects what is not a spec', () => {
    for (const bad of ['', '   ', '1.2.3.4', '*.1', '1.*.3', '>=', '^1 ||', '|| ^1', '1 - 2', 'not a spec', '^temurin-21', '1-2', '-1']) {
      assert.equal(tryParseSpec(bad), undefined, JSON.stringify(bad));
    }
  });

  it('throws version.invalid_spec naming the input', () => {
    assert.throws(
      () => parseSpec('1.2.3.4'),
      (error: unknown) => isProtoError(error, 'version.invalid_spec') && error.message.includes('"1.2.3.4"') && error.hint !== undefined,
    );
  });
});
