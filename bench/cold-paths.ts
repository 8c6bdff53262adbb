/**
 * CLI cold paths: each command as a fresh process, against `node -e 0` on the same Node in the
 * same run. Rounds alternate (baseline, then every command), and each command's figure is the
 * median over rounds of its time divided by that round's baseline, so a load spike hits both
 * sides of a ratio. Targets (issue 15): --version/--help ≤ 1.3×; list-remote (warm cache), bin,
 * list, status ≤ 1.6×; `proto run` with no shim cache entry ≤ 2.5×.
 *
 * The tool is the disttool fixture plugin (about 100 KB of WASM); the real node plugin (2.2 MB)
 * cannot be downloaded here. `--plugin <wasm>` measures another plugin of the same protocol shape.
 *
 *   npm run build && npm run fixtures && node --import ./scripts/register-ts.mjs bench/cold-paths.ts [rounds] [--node <path>] [--plugin <wasm>] [--only <name,...>]
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { shimCacheEntryPath } from '../src/link/index.js';
import { Store } from '../src/store/index.js';
import { createSandbox } from '../test-utils/index.js';
import { CLI, ensureCliBuilt } from '../test/support/cli.js';
import { startDisttoolDist } from '../test/support/disttool-dist.js';
import { fixturePlugin } from '../test/support/fixtures.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { node: { type: 'string' }, plugin: { type: 'string' }, only: { type: 'string' } },
});
const rounds = Number(positionals[0] ?? 21);
const node = values.node ?? process.execPath;
const plugin = values.plugin ?? fixturePlugin('disttool');

interface Case {
  name: string;
  args: string[];
  target: number;
  /** Run before each timed run, outside the timing. */
  before?: () => void;
  /** Start through this file instead of `node bin/proto.js` (the shim). */
  command?: string;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

await ensureCliBuilt();
const sandbox = createSandbox('proto-cold-bench-');
const dist = await startDisttoolDist();
try {
  const project = sandbox.cwd;
  writeFileSync(
    join(project, '.prototools'),
    `disttool = "2.1.0"\n[plugins.tools]\ndisttool = "file://${plugin}"\n[tools.disttool]\ndist-url = "${dist.url}"\n`,
  );
  const env = { ...sandbox.env };
  const proto = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(node, [CLI, ...args], { cwd: project, env: { ...env, ...extraEnv }, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`proto ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return ms;
  };
  const timed = (command: string, args: string[]) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: project, env, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
    return ms;
  };

  // These two reach the dist server in this process: they must not block its event loop.
  const setup = (args: string[]) => promisify(execFile)(node, [CLI, ...args], { cwd: project, env });
  await setup(['install', 'disttool']);
  await setup(['list-remote', 'disttool']); // the remote-versions cache is warm from here on

  const store = new Store({ env });
  const shim = join(sandbox.protoHome, 'shims/disttool');
  const shimEntry = shimCacheEntryPath(store, 'disttool', project);
  if (!shimEntry) throw new Error(`${project} is not a canonical directory: shims keep no cache entry for it`);
  const cases: Case[] = [
    { name: 'proto --version', args: ['--version'], target: 1.3 },
    { name: 'proto --help', args: ['--help'], target: 1.3 },
    { name: 'proto list-remote disttool', args: ['list-remote', 'disttool'], target: 1.6 },
    { name: 'proto bin disttool', args: ['bin', 'disttool'], target: 1.6 },
    { name: 'proto list', args: ['list'], target: 1.6 },
    { name: 'proto status', args: ['status'], target: 1.6 },
    { name: 'proto run disttool -- --version', args: ['run', 'disttool', '--', '--version'], target: 2.5 },
    // The shim's slow path: the same `proto run`, plus writing the cache entry it then deletes.
    { name: 'shim, no cache entry', args: ['--version'], target: 2.5, command: shim, before: () => rmSync(shimEntry, { force: true }) },
  ];
  const only = values.only?.split(',');
  const selected = only ? cases.filter((entry) => only.some((name) => entry.name.includes(name))) : cases;

  // One untimed run of each: compile caches and first-run caches are what users have on the second run.
  for (const entry of selected) {
    entry.before?.();
    if (entry.command) timed(entry.command, entry.args);
    else proto(entry.args);
  }
  if (!existsSync(shim)) throw new Error('the install wrote no shim');

  const baseline: number[] = [];
  const times = new Map<string, number[]>(selected.map((entry) => [entry.name, []]));
  const ratios = new Map<string, number[]>(selected.map((entry) => [entry.name, []]));
  for (let round = 0; round < rounds; round++) {
    const base = timed(node, ['-e', '0']);
    baseline.push(base);
    for (const entry of selected) {
      entry.before?.();
      const ms = entry.command ? timed(entry.command, entry.args) : proto(entry.args);
      times.get(entry.name)!.push(ms);
      ratios.get(entry.name)!.push(ms / base);
    }
  }

  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`CLI cold paths, ${rounds} alternating rounds, Node ${version}, plugin ${plugin.replace(/.*\//, '')}`);
  console.log(`  ${'node -e 0 (baseline)'.padEnd(34)} ${median(baseline).toFixed(1).padStart(7)} ms`);
  for (const entry of selected) {
    const ratio = median(ratios.get(entry.name)!);
    const verdict = ratio <= entry.target ? 'met' : 'NOT met';
    console.log(
      `  ${entry.name.padEnd(34)} ${median(times.get(entry.name)!).toFixed(1).padStart(7)} ms   ratio ${ratio.toFixed(2)}   target <= ${entry.target}: ${verdict}`,
    );
  }
} finally {
  await dist.close();
  sandbox.cleanup();
}
