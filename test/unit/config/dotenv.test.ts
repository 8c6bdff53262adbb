import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDotenv } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';

describe('env files', () => {
  it('reads KEY=value lines, quotes, export, comments; expands nothing', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value with spaces   # trailing comment',
      'export EXPORTED=yes',
      "SINGLE='kept $HOME \\n as is'",
      'DOUBLE="line\\nnext \\"quoted\\""',
      'EMPTY=',
      'HASH=a#b',
    ].join('\n');
    assert.deepEqual(parseDotenv(text, '.env'), {
      PLAIN: 'value with spaces',
      EXPORTED: 'yes',
      SINGLE: 'kept $HOME \\n as is',
      DOUBLE: 'line\nnext "quoted"',
      EMPTY: '',
      HASH: 'a#b',
    });
  });

  it('names the file and line of a line it cannot read', () => {
    assert.throws(
      () => parseDotenv('GOOD=1\nnot a variable\n', '/repo/.env'),
      (error) => isProtoError(error, 'config.invalid_env_file') && error.message.startsWith('/repo/.env:2: expected KEY=value'),
    );
  });
});
