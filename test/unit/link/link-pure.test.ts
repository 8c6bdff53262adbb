import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteShellWord, shimEntryFor, splitShellWords, versionBuckets } from '../../../src/link/index.js';

describe('shell words', () => {
  it('splits like a POSIX shell without expanding', () => {
    assert.deepEqual(splitShellWords(`run "a b" 'c d' e\\ f $HOME`), ['run', 'a b', 'c d', 'e f', '$HOME']);
    assert.deepEqual(splitShellWords('  '), []);
    assert.deepEqual(splitShellWords(`""`), ['']);
    assert.throws(() => splitShellWords(`"open`), /unterminated " quote/);
  });

  it('quotes so that sh gives the word back byte for byte', () => {
    assert.equal(quoteShellWord('plain-word_1.2/x'), 'plain-word_1.2/x');
    assert.equal(quoteShellWord("it's $x"), `'it'\\''s $x'`);
  });
});

describe('shim registry entries (proto format)', () => {
  it('a primary exe named after its tool has an empty entry', () => {
    assert.deepEqual(shimEntryFor('node', 'node', { exe_path: 'bin/node', primary: true }), {});
  });

  it('a secondary exe names its tool and carries args and env', () => {
    assert.deepEqual(shimEntryFor('bun', 'bunx', { exe_path: 'bin/bun', shim_before_args: 'x --bun', shim_env_vars: { A: '1' } }), {
      alt_exe: true,
      before_args: ['x', '--bun'],
      context: 'bun',
      env_vars: { A: '1' },
    });
    assert.deepEqual(shimEntryFor('npm', 'npx', { shim_after_args: ['--yes'] }), { after_args: ['--yes'], context: 'npm' });
  });
});

describe('bin buckets', () => {
  it('links the highest version of each bucket; aliases are ignored', () => {
    const buckets = versionBuckets(['18.1.0', '20.10.0', '20.9.0', '18.20.4', 'canary', 'latest']);
    assert.deepEqual(Object.fromEntries(buckets), {
      '': '20.10.0',
      '-20': '20.10.0',
      '-20.10': '20.10.0',
      '-20.9': '20.9.0',
      '-18': '18.20.4',
      '-18.20': '18.20.4',
      '-18.1': '18.1.0',
      '-canary': 'canary',
    });
  });
});
