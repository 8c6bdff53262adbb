#!/usr/bin/env node
// `npm test`: build the fixture plugins from source, then run every *.test.ts under test/ and the
// workspace packages with node's test runner (TypeScript through tsx). The runner prints the closing
// pass/fail counts; its exit code is ours.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['test', 'test-utils', 'fixtures/plugins'];

function findTests(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'build') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const build = spawnSync(process.execPath, [join(root, 'scripts/build-fixtures.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) {
  console.error('fixture build failed: no test was run');
  process.exit(build.status ?? 1);
}

// Extra arguments filter the test files by substring: `npm test -- host` runs test/**/host*.
const filters = process.argv.slice(2);
const files = roots
  .flatMap((dir) => findTests(join(root, dir)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', './scripts/register-ts.mjs', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
process.exit(result.status ?? 1);
