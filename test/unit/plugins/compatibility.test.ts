import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { checkCompatibility, COMPATIBILITY_PATTERN, parseCompatibility } from '../../../src/plugins/index.js';
import { loadSchema } from '../../../src/plugins/schema-validator.js';

const compatible = (rule: string, version: string) => checkCompatibility(rule, version).compatible;

describe('protoCompatibility (Spin\'s spinCompatibility grammar, semver crate rules)', () => {
  it('is the same rule in the JSON Schema and in the parser', () => {
    const schema = loadSchema('plugin-manifest') as { properties: { protoCompatibility: { pattern: string } } };
    assert.equal(schema.properties.protoCompatibility.pattern, COMPATIBILITY_PATTERN);
  });

  it('reads each operator as the semver crate does (a bare version is a caret requirement)', () => {
    const cases: Array<[string, string, boolean]> = [
      ['=0.4', '0.4.9', true],
      ['=0.4', '0.5.0', false],
      ['=0.4.1', '0.4.1', true],
      ['>0.4', '0.4.9', false],
      ['>0.4', '0.5.0', true],
      ['>=0.4', '0.4.0', true],
      ['<0.4', '0.3.9', true],
      ['<0.4', '0.4.0', false],
      ['<=0.4', '0.4.7', true],
      ['<=0.4', '0.5.0', false],
      ['~0.4.2', '0.4.9', true],
      ['~0.4.2', '0.5.0', false],
      ['^0.4.2', '0.4.3', true],
      ['^0.4.2', '0.5.0', false],
      ['^1.2', '1.9.0', true],
      ['^1.2', '2.0.0', false],
      ['0.4', '0.4.5', true],
      ['0.4', '0.5.0', false],
      ['1', '1.9.9', true],
      ['1.2', '1.9.0', true],
      ['1.2.3', '1.5.0', true],
      ['1.2.3', '2.0.0', false],
      ['*', '0.1.0', true],
      ['0.*', '0.9.0', true],
      ['0.*', '1.0.0', false],
      ['v0.1', '0.1.0', true],
    ];
    for (const [rule, version, expected] of cases) assert.equal(compatible(rule, version), expected, `${rule} vs ${version}`);
  });

  it('requires every comma-separated comparator to hold', () => {
    assert.equal(compatible('>=0.2, <0.5', '0.3.0'), true);
    assert.equal(compatible('>=0.2, <0.5', '0.5.0'), false);
    assert.equal(compatible('>=0.2,<0.5', '0.1.9'), false);
    assert.deepEqual(checkCompatibility('>=1000', '0.1.0'), { compatible: false, rule: '>=1000', hostVersion: '0.1.0' });
  });

  it('matches a pre-release of proto only when a comparator names one of the same version', () => {
    assert.equal(compatible('>=0.1', '0.2.0-rc.1'), false);
    assert.equal(compatible('>=0.2.0-rc.0', '0.2.0-rc.1'), true);
  });

  it('refuses what is not the grammar, naming the rule', () => {
    for (const rule of ['', '>>1', '1.2.3.4', '>= 1 <2', 'latest', '^', '1,', '01.2']) {
      assert.throws(
        () => parseCompatibility(rule),
        (error) => isProtoError(error, 'plugin.invalid_compatibility') && error.message.includes(`"${rule}"`),
        rule,
      );
      assert.equal(new RegExp(COMPATIBILITY_PATTERN, 'u').test(rule), false, `the schema accepts ${rule}`);
    }
  });
});
