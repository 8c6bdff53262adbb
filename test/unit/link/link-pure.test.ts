import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteShellWord, renderShim, shimEntryFor, shimLauncher, splitShellWords, versionBuckets } from '../../../src/link/index.js';
import { Store } from '../../../src/store/index.js';

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

describe('shimLauncher', () => {
  it('reads back the node and CLI a rendered shim starts, whatever characters their paths hold', () => {
    const store = new Store({ root: '/p/.proto', env: {} });
    for (const launcher of [
      { node: '/usr/bin/node', cli: '/opt/proto/bin/proto.js' },
      { node: "/home/o'neil/my node/bin/node", cli: '/opt/my proto/bin/proto.js' },
    ]) {
      const script = renderShim(store, 'disttool', 'disttool', { before_args: ['--x y'] }, launcher);
      assert.deepEqual(shimLauncher(script), launcher);
    }
  });

  it('says nothing about a script proto did not write', () => {
    assert.equal(shimLauncher('#!/bin/sh\n'), undefined);
    assert.equal(shimLauncher('#!/bin/sh\nexec /usr/bin/env node "$@"\n'), undefined);
    assert.equal(shimLauncher("#!/bin/sh\nexec 'unbalanced run\n"), undefined);
  });
});
