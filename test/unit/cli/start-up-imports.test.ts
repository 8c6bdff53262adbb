/**
 * What every command loads before it runs: the static import graph of the CLI's entry modules
 * (the launcher's node-runtime and fast path, and main.ts with every command registered). The
 * plugin host, the install pipeline, the network, TOML editing and the plugin manager load on
 * first use; a static import of one of them from a command module would put it back on every
 * command's start-up, which is what this test catches. No timing: the graph itself is checked.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/fixtures.js';

/** Static imports of a TypeScript module: `import … from`, `export … from`, bare `import '…'`; not `import type`, not `import()`. */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^;]*?\sfrom\s+)?['"]([^'"]+)['"]/gms)) found.push(match[1]!);
  return found;
}

/** Every module reachable from `entries` by static imports: source files (repo-relative) and packages/builtins by name. */
function startUpGraph(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = entries.map((entry) => join(repoRoot, entry));
  while (pending.length > 0) {
    const file = pending.pop()!;
    const name = relative(repoRoot, file);
    if (seen.has(name)) continue;
    seen.add(name);
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith('.')) {
        seen.add(specifier);
        continue;
      }
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      assert.ok(existsSync(target), `${name} imports ${specifier}, which is not a source file`);
      pending.push(target);
    }
  }
  return seen;
}

/** Loaded on first use by the program; in the cached answers' bundle, reaching one hands over. */
const LAZY = [
  'src/host/plugin-container.ts', // the WASM runtime: only when a plugin must answer
  'src/host/index.ts',
  'src/install/index.ts',
  'src/net/index.ts',
  'src/config/edit-config.ts',
  'src/config/index.ts',
  'src/plugins/index.ts',
  'src/link/index.ts',
  'src/schema/schema-plugin.ts',
  '@extism/extism',
  'undici',
  'tar',
  'yauzl',
  'yaml',
  'ajv',
  'toml-eslint-parser',
  // Builtins that load dozens of Node's own modules (see src/lazy-builtins.ts).
  'node:crypto',
  'node:child_process',
  'node:worker_threads',
  // Its readline modules; node:fs's `promises` is read only when used (in the bundle).
  'node:fs/promises',
];

describe('start-up imports', () => {
  const graph = startUpGraph(['src/node-runtime.ts', 'src/cli/fast-path.ts', 'src/cli/main.ts']);

  it('reaches the session and the command modules', () => {
    // The test must see the graph it guards: main registers commands, commands open sessions.
    for (const module of ['src/cli/commands/list-remote.ts', 'src/cli/commands/run.ts', 'src/cli/session.ts', 'src/tool/tool.ts', 'commander']) {
      assert.ok(graph.has(module), `${module} is not in the start-up graph`);
    }
  });

  it('leaves out what only some commands need', () => {
    const loaded = LAZY.filter((module) => graph.has(module));
    assert.deepEqual(loaded, [], `loaded by every command: ${loaded.join(', ')}`);
  });

  it('keeps the cached answers to the commands they answer: no commander, no other command', () => {
    const cached = startUpGraph(['src/cli/cached-answers.ts']);
    for (const module of ['src/cli/commands/status.ts', 'src/cli/session.ts', 'src/tool/plugin-metadata.ts']) assert.ok(cached.has(module), `${module} is not in its graph`);
    const commands = [...cached].filter((module) => /^src\/cli\/commands\/[^/]+\.ts$/.test(module)).sort();
    assert.deepEqual(commands, ['src/cli/commands/bin.ts', 'src/cli/commands/list-remote.ts', 'src/cli/commands/list.ts', 'src/cli/commands/status.ts']);
    const loaded = [...LAZY, 'commander', 'src/cli/main.ts'].filter((module) => cached.has(module));
    assert.deepEqual(loaded, [], `loaded by the cached answers: ${loaded.join(', ')}`);
  });
});
