import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseHostLogTarget,
  parsePluginType,
  readLoadVersionsOutput,
  readLocateExecutablesOutput,
  readRegisterToolOutput,
  WireShapeError,
} from '../../../src/protocol/index.js';

describe('guest output readers accept every era', () => {
  it('maps legacy plugin type spellings', () => {
    assert.equal(parsePluginType('CLI'), 'command-line');
    assert.equal(parsePluginType('CommandLine'), 'command-line');
    assert.equal(parsePluginType('Language'), 'language');
    assert.equal(parsePluginType('DependencyManager'), 'dependency-manager');
    assert.equal(parsePluginType('pm'), 'dependency-manager');
    assert.equal(parsePluginType('VersionManager'), 'version-manager');
    assert.equal(parsePluginType('tool'), undefined);
  });

  it('reads register_tool with the old `inventory` name and a legacy type', () => {
    const output = readRegisterToolOutput({ name: 'Node', type: 'Language', inventory: { version_suffix: '-x' } });
    assert.deepEqual(output, { name: 'Node', type: 'language', inventory_options: { version_suffix: '-x' } });
  });

  it('rejects a register_tool output without a name, naming the field', () => {
    assert.throws(() => readRegisterToolOutput({ type: 'language' }), (error: Error) => {
      assert.ok(error instanceof WireShapeError);
      assert.match(error.message, /"name"/);
      return true;
    });
  });

  it('folds legacy primary/secondary and exes_dir into exes and exes_dirs', () => {
    const output = readLocateExecutablesOutput(
      {
        primary: { exe_path: 'bin/node' },
        secondary: { npx: { exe_path: 'bin/npx', shim_before_args: '--yes' } },
        exes_dir: 'bin',
        globals_lookup_dirs: ['$HOME/.npm/bin'],
      },
      'node',
    );
    assert.deepEqual(output, {
      exes: {
        node: { exe_path: 'bin/node', primary: true },
        npx: { exe_path: 'bin/npx', shim_before_args: '--yes' },
      },
      exes_dirs: ['bin'],
      globals_lookup_dirs: ['$HOME/.npm/bin'],
    });
  });

  it('prefers current exes over legacy primary when both are present', () => {
    const output = readLocateExecutablesOutput(
      { exes: { deno: { exe_path: 'deno', primary: true } }, primary: { exe_path: 'old' }, exes_dirs: ['.'], exes_dir: '.' },
      'deno',
    );
    assert.deepEqual(Object.keys(output.exes), ['deno']);
    assert.deepEqual(output.exes_dirs, ['.']);
  });

  it('defaults load_versions fields and checks their types', () => {
    assert.deepEqual(readLoadVersionsOutput({}), { aliases: {}, versions: [] });
    assert.deepEqual(readLoadVersionsOutput({ versions: ['1.0.0'], latest: '1.0.0', aliases: { stable: '1.0.0' } }), {
      latest: '1.0.0',
      aliases: { stable: '1.0.0' },
      versions: ['1.0.0'],
    });
    assert.throws(() => readLoadVersionsOutput({ versions: [1, 2] }), /"versions" must be an array of strings/);
  });

  it('treats the `tracing` log target as trace, in any case', () => {
    assert.equal(parseHostLogTarget('tracing'), 'trace');
    assert.equal(parseHostLogTarget('Stderr'), 'stderr');
    assert.equal(parseHostLogTarget(undefined), 'trace');
  });
});
