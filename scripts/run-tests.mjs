#!/usr/bin/env node
// `npm test`: build the fixture plugins and the CLI (both only when their sources changed) and
// bundle the test files (scripts/bundle-tests.mjs, only those whose sources changed), all at once,
// then run every *.test.ts under test/ and the workspace packages with node's test runner, several
// files at a time, each from its bundle. The runner prints the closing pass/fail counts, then our
// summary says why tests were skipped or cancelled and which files were slowest; its exit code is ours.
// PROTO_TEST_BUNDLE=0 runs the sources through the TypeScript hooks instead (scripts/register-ts.mjs).
// A test file that does not bundle fails alone, after the bundler's error; the others run from their bundles.
//
// Where the CPU goes (one run, 897 tests, 2 cores, load 7-19: each Node process's own and waited
// children's CPU read from /proc/self/stat at its exit; 144 s in all, of it ~35 s system time, mostly
// process starts): the 594 CLI commands the e2e tests start ~68 s (~0.115 s each: Node's start, the
// CLI bundle, for 239 of them a plugin worker); the 125 test files' own processes ~45 s (Node and its
// test runner alone take ~0.08 s; the 40 plugin workers they and their children start run a bundle
// of src/host/plugin-worker.ts, PROTO_TEST_PLUGIN_WORKER, not the sources through the hooks); the 26
// TypeScript children they start ~8 s (generated suites ~3.5 s, install children ~1.6 s); other
// programs (tar, git, shells, docker-registry) and commands a test kills ~17 s; npm, this runner and
// the bundling ~5 s. Five files ran at once for 124 s of the 172 s, fewer than three for 4 s. So the
// run is CPU-bound: it takes about CPU / 2 on a quiet machine, and as long as the other load allows
// on a busy one. The CLI children share one V8 code cache (test/support/cli.ts, PROTO_CODE_CACHE_DIR):
// every test store is new, and each would compile the bundle again.
//
// Concurrency: each test file is its own process; part of their time is spent waiting (on CLI
// children, servers, plugin workers), so more files than CPUs run at once: PROTO_TEST_CONCURRENCY,
// default twice the CPUs plus one. Files start longest-first (durations of the previous run, kept in
// node_modules/.cache), so that a long file does not start last and run alone at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTests, pruneBundles } from './bundle-tests.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['test', 'test-utils', 'fixtures/plugins'];
const durationsFile = join(root, 'node_modules/.cache/proto-test-durations.json');

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

/** Runs a node script to completion with inherited output; resolves to its exit status. */
function runNode(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

// Extra arguments filter the test files by substring: `npm test -- host` runs test/**/host*.
const filters = process.argv.slice(2);
const files = roots
  .flatMap((dir) => findTests(join(root, dir)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

// The plugin workers that test processes start (src/host/worker-pool.ts) run this bundle, not the sources.
const PLUGIN_WORKER = 'src/host/plugin-worker.ts';
const bundled = [...files, PLUGIN_WORKER];

// The e2e files need dist/; building it here once spares them from waiting on each other's lock.
const needsCli = files.some((file) => file.startsWith('test/e2e/'));
const [fixtures, cli, bundles] = await Promise.all([
  runNode([join(root, 'scripts/build-fixtures.mjs')]),
  needsCli ? runNode(['--import', './scripts/register-ts.mjs', join(root, 'test/support/cli.ts')]) : 0,
  process.env.PROTO_TEST_BUNDLE === '0' ? undefined : bundleTests(root, bundled).then((bundles) => {
    if (filters.length === 0) pruneBundles(root);
    return bundles;
  }, (error) => {
    console.error(`could not bundle the test files, running their sources instead: ${error.message}`);
    return undefined;
  }),
]);
if (fixtures !== 0 || cli !== 0) {
  console.error(`${fixtures !== 0 ? 'fixture' : 'CLI'} build failed: no test was run`);
  process.exit(fixtures || cli);
}

const previous = readDurations();
// Unknown files first (a new file may be long), then the longest; names keep the order stable.
const ordered = [...files].sort((a, b) => (previous[b] ?? Infinity) - (previous[a] ?? Infinity) || a.localeCompare(b));
const bundleOf = new Map(bundles?.map((bundle, i) => [bundled[i], bundle]));
const workerBundle = bundleOf.get(PLUGIN_WORKER);
// Bundles need no TypeScript hooks: only what every test process needs.
const setup = bundles ? './scripts/test-process.mjs' : './scripts/register-ts.mjs';
const concurrency = Math.max(1, Number(process.env.PROTO_TEST_CONCURRENCY) || availableParallelism() * 2 + 1);

// The summary reporter writes to a file, printed after the spec reporter's closing counts.
const summaryDir = mkdtempSync(join(tmpdir(), 'proto-test-summary-'));
const summaryFile = join(summaryDir, 'summary.txt');
const status = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [
      '--import', setup, '--test', `--test-concurrency=${concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/test-summary-reporter.mjs', `--test-reporter-destination=${summaryFile}`,
      ...ordered.map((file) => bundleOf.get(file) ?? file),
    ],
    { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1', ...(workerBundle ? { PROTO_TEST_PLUGIN_WORKER: workerBundle } : {}) } },
  );
  child.on('error', () => resolve(1));
  child.on('close', (code) => resolve(code ?? 1));
});
const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8') || '{}') : {};
rmSync(summaryDir, { recursive: true, force: true });
saveDurations({ ...previous, ...summary.fileDurations });
process.exit(printSummary(summary, status));

function readDurations() {
  try {
    return JSON.parse(readFileSync(durationsFile, 'utf8'));
  } catch {
    return {};
  }
}

function saveDurations(durations) {
  try {
    mkdirSync(join(durationsFile, '..'), { recursive: true });
    writeFileSync(durationsFile, `${JSON.stringify(durations, null, 1)}\n`);
  } catch {
    // only an ordering hint
  }
}

/**
 * Prints why tests were skipped (grouped by reason), which hooks failed and the slowest files.
 * Tests skipped by skipWithout() say `needs the "<tool>" command`; with PROTO_TEST_REQUIRE_TOOLS=1
 * (set by .ci/run, which installs every tool) such a skip fails the run, so CI never skips silently.
 */
function printSummary({ skipped = {}, failedHooks = [], failed = 0, cancelled = 0, fileDurations = {} }, status) {
  const reasons = Object.entries(skipped).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    console.log('skipped (tests or whole suites):');
    for (const [reason, count] of reasons) console.log(`  ${String(count).padStart(3)} × ${reason}`);
  }
  const slowest = Object.entries(fileDurations).sort((a, b) => b[1] - a[1]).slice(0, 5);
  if (files.length > 5 && slowest.length > 0) {
    console.log(`slowest files (${concurrency} at a time):`);
    for (const [file, ms] of slowest) console.log(`  ${(ms / 1000).toFixed(1).padStart(5)} s  ${file}`);
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
