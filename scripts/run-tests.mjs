#!/usr/bin/env node
// `npm test`: build the fixture plugins from source, then run every *.test.ts under test/ and the
// workspace packages with node's test runner (TypeScript through tsx). The runner prints the closing
// pass/fail counts, then our summary says why tests were skipped or cancelled; its exit code is ours.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// The summary reporter writes to a file, printed after the spec reporter's closing counts.
const summaryDir = mkdtempSync(join(tmpdir(), 'proto-test-summary-'));
const summaryFile = join(summaryDir, 'summary.txt');
const result = spawnSync(
  process.execPath,
  [
    '--import', './scripts/register-ts.mjs', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/test-summary-reporter.mjs', `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8') || '{}') : {};
rmSync(summaryDir, { recursive: true, force: true });
process.exit(printSummary(summary, result.status ?? 1));

/**
 * Prints why tests were skipped (grouped by reason) and which hooks failed. Tests skipped by
 * skipWithout() say `needs the "<tool>" command`; with PROTO_TEST_REQUIRE_TOOLS=1 (set by .ci/run,
 * which installs every tool) such a skip fails the run, so CI never skips silently.
 */
function printSummary({ skipped = {}, failedHooks = [], failed = 0, cancelled = 0 }, status) {
  const reasons = Object.entries(skipped).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    console.log('skipped (tests or whole suites):');
    for (const [reason, count] of reasons) console.log(`  ${String(count).padStart(3)} × ${reason}`);
  }
  for (const hook of failedHooks) console.log(`✖ a before/after hook of ${hook} failed, so its tests were cancelled`);
  if (failed > 0 || cancelled > 0) console.log(`✖ ${failed} failed, ${cancelled} cancelled`);
  const missingTools = reasons.filter(([reason]) => reason.startsWith('needs the "'));
  if (process.env.PROTO_TEST_REQUIRE_TOOLS === '1' && missingTools.length > 0) {
    console.log('✖ PROTO_TEST_REQUIRE_TOOLS=1: tests were skipped for missing tools (add their packages to .ci/run)');
    return status || 1;
  }
  return status;
}
