/**
 * The generated suites catch broken plugins: the same suite (suites/disttool-generated.ts) runs
 * in child processes — the way a plugin author runs it — once against the DistTool fixture
 * plugin, where every test must pass, and once against broken-disttool (one deliberate bug per
 * suite, see fixtures/plugins/broken-disttool/src/plugin.ts), where every named test must fail,
 * and for the reason its bug implies.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, before, it } from 'node:test';
import { repoRoot } from '../../support/fixtures.js';
import { tsChildArgs } from '../../support/ts-child.js';
import { parseTap, type TapResult } from './tap-results.js';

const SUITE = 'test/integration/test-utils/suites/disttool-generated.ts';

/** Outer describe → the tests its generator must produce, and how each fails on broken-disttool. */
const EXPECTED: Record<string, Record<string, RegExp | 'passes'>> = {
  'download-install latest': {
    // `latest` → 9.9.9, which the plugin does not list.
    installs_tool: /9\.9\.9/,
    downloads_prebuilt_and_checksum_to_temp: /9\.9\.9/,
    doesnt_install_if_already_installed: /9\.9\.9/,
  },
  'download-install 2.1.0': {
    installs_tool: /cannot install natively/,
    downloads_prebuilt_and_checksum_to_temp: /checksum/i,
    // The plugin takes no part once the version is known to be installed (as in proto).
    doesnt_install_if_already_installed: 'passes',
  },
  'resolve-versions': {
    resolves_latest_alias: /9\.9\.9/,
    resolve_version_or_alias: /stable → 2\.0\.0/,
    errors_invalid_alias: /"unknown" resolved to/,
    errors_invalid_version: /"99\.99\.99" resolved to 99\.99\.99/,
  },
  shims: { creates_shims: /shims not created: dtx/ },
  globals: { installs_and_uninstalls_globals: /reported success, but none of these exists/ },
  'native-install': { installs_tool: /cannot install natively/ },
};

async function runSuite(plugin: string, suite = SUITE, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ results: TapResult[]; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, GENERATED_SUITE_PLUGIN: plugin, NODE_NO_WARNINGS: '1', ...extraEnv };
  // Set by our own test runner; a child that sees it reports in the runner's binary protocol, not TAP.
  delete env.NODE_TEST_CONTEXT;
  // A broken run must never write the suite's snapshots.
  if (plugin !== 'disttool') delete env.UPDATE_SNAPSHOTS;
  const nodeArgs = await tsChildArgs(suite);
  const script = nodeArgs.pop()!;
  return new Promise((resolve, reject) => {
    // The timeout catches a hung child, not a slow one: `npm test` runs several files at once,
    // and a loaded 2-core machine made a run take over 70 s.
    execFile(
      process.execPath,
      // The suite file itself, not `--test <file>`, which would start it in yet another process.
      [...nodeArgs, '--test-reporter=tap', script],
      { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
      (error, stdout, stderr) => {
        // A failing suite exits 1; anything else (a crash, a timeout) is our problem.
        if (error && typeof error.code !== 'number') reject(new Error(`${plugin} suite did not run: ${error.message}\n${stderr}`));
        else resolve({ results: parseTap(stdout), output: stdout + stderr });
      },
    );
  });
}

/** The results of generated tests: path = [outer describe, tool id, test name]. */
function generatedTests(results: TapResult[], block: string): Map<string, TapResult> {
  return new Map(results.filter((r) => r.path.length === 3 && r.path[0] === block && r.path[1] === 'disttool').map((r) => [r.path[2]!, r]));
}

describe('generated suites against a good and a broken plugin', () => {
  let good: { results: TapResult[]; output: string };
  let broken: { results: TapResult[]; output: string };

  before(async () => {
    [good, broken] = await Promise.all([runSuite('disttool'), runSuite('broken-disttool')]);
  });

  for (const [block, tests] of Object.entries(EXPECTED)) {
    it(`${block}: produces exactly the named tests, all passing for disttool`, () => {
      const results = generatedTests(good.results, block);
      assert.deepEqual([...results.keys()].sort(), Object.keys(tests).sort(), good.output);
      for (const [name, result] of results) assert.ok(result.ok && !result.skipped, `${block} › ${name} did not pass:\n${result.detail}`);
    });

    it(`${block}: each test fails for broken-disttool, for the planted bug`, () => {
      const results = generatedTests(broken.results, block);
      assert.deepEqual([...results.keys()].sort(), Object.keys(tests).sort(), broken.output);
      for (const [name, expected] of Object.entries(tests)) {
        const result = results.get(name)!;
        if (expected === 'passes') {
          assert.ok(result.ok, `${block} › ${name} should pass:\n${result.detail}`);
          continue;
        }
        assert.equal(result.ok, false, `${block} › ${name} passed against broken-disttool`);
        assert.match(result.detail, expected, `${block} › ${name} failed for another reason`);
      }
    });
  }
});

// A plugin shaped like node_depman writes its executable through WASI; unless it asks for
// update_perms the tool cannot run, and installs_tool must say so.
describe('installs_tool of a plugin whose executable is written through WASI', () => {
  const DEPMAN_SUITE = 'test/integration/test-utils/suites/depman-generated.ts';
  const installsTool = (results: TapResult[]) =>
    results.find((r) => r.path.length === 3 && r.path[0] === 'depman download-install 2.1.0' && r.path[2] === 'installs_tool');

  it('passes when the plugin asks for update_perms', async () => {
    const { results, output } = await runSuite('depman', DEPMAN_SUITE, { DEPMAN_UPDATE_PERMS: 'true' });
    const result = installsTool(results);
    assert.ok(result?.ok && !result.skipped, output);
  });

  it('fails, naming the executable, when it does not', async () => {
    const { results, output } = await runSuite('depman', DEPMAN_SUITE, { DEPMAN_UPDATE_PERMS: 'false' });
    const result = installsTool(results);
    assert.ok(result, output);
    assert.equal(result.ok, false, 'installs_tool passed although the executable cannot run');
    assert.match(result.detail, /shims\/depman is not executable/);
  });
});
