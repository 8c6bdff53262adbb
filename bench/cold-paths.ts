/**
 * CLI cold paths: each command as a fresh process, against `node -e 0` on the same Node in the
 * same run. Rounds alternate (baseline, then every command), and each command's figure is the
 * median over rounds of its time divided by that round's baseline, so a load spike hits both
 * sides of a ratio. Targets (issue 15): --version/--help ≤ 1.3×; list-remote (warm cache), bin,
 * list, status ≤ 1.6×; `proto run` with no shim cache entry ≤ 2.5×.
 *
 * Besides wall time, the CPU time the command's process used (user + system, from the kernel's
 * count of waited-for children) is summed over the rounds and divided by the baseline's: on a
 * machine shared with other work, wall times grow with the load, CPU times much less.
 *
 * `--compare <bin/proto.js>` times another build of proto (say, main's, built in a worktree) in
 * the same rounds, on the same store: its figures print as "before".
 *
 * The tool is the disttool fixture plugin (about 100 KB of WASM); the real node plugin (2.2 MB)
 * cannot be downloaded here. `--plugin <wasm>` measures another plugin of the same protocol shape.
 *
 *   npm run build && npm run fixtures && node --import ./scripts/register-ts.mjs bench/cold-paths.ts [rounds] [--node <path>] [--plugin <wasm>] [--only <name,...>] [--compare <bin/proto.js>]
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
import { measureChildren } from './child-cpu.js';
import { median } from './median.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { node: { type: 'string' }, plugin: { type: 'string' }, only: { type: 'string' }, compare: { type: 'string' } },
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
  /** Runs a command in the project and fails the benchmark if it fails. */
  const run = (command: string, args: string[]) => () => {
    const result = spawnSync(command, args, { cwd: project, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  };
  const clis = values.compare ? { before: values.compare, after: CLI } : { after: CLI };

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

  /** What one round times: the baseline, then each case with each CLI (a shim only runs ours). */
  const runs: Array<{ name: string; cli: string; before?: () => void; run: () => void }> = [
    { name: 'node -e 0 (baseline)', cli: 'baseline', run: run(node, ['-e', '0']) },
    ...selected.flatMap((entry) =>
      Object.entries(clis)
        .filter(([cli]) => !entry.command || cli === 'after')
        .map(([cli, path]) => ({ name: entry.name, cli, before: entry.before, run: entry.command ? run(entry.command, entry.args) : run(node, [path, ...entry.args]) })),
    ),
  ];
  // One untimed run of each: compile caches and first-run caches are what users have on the second run.
  for (const one of runs) {
    one.before?.();
    one.run();
  }
  if (!existsSync(shim)) throw new Error('the install wrote no shim');

  const key = (one: { name: string; cli: string }) => `${one.cli}\0${one.name}`;
  const times = new Map<string, number[]>(runs.map((one) => [key(one), []]));
  const ratios = new Map<string, number[]>(runs.map((one) => [key(one), []]));
  const cpu = new Map<string, number>(runs.map((one) => [key(one), 0]));
  let cpuCounted = true;
  for (let round = 0; round < rounds; round++) {
    let base = 0;
    for (const one of runs) {
      one.before?.();
      const measured = await measureChildren(one.run);
      if (one.cli === 'baseline') base = measured.wallMs;
      times.get(key(one))!.push(measured.wallMs);
      ratios.get(key(one))!.push(measured.wallMs / base);
      if (measured.cpuMs === undefined) cpuCounted = false;
      else cpu.set(key(one), cpu.get(key(one))! + measured.cpuMs);
    }
  }

  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`CLI cold paths, ${rounds} alternating rounds, Node ${version}, plugin ${plugin.replace(/.*\//, '')}`);
  console.log(`  wall: median ms and median ratio to the baseline of the same round; cpu: total CPU ratio to the baseline's`);
  const baseKey = key(runs[0]!);
  const baseCpu = cpu.get(baseKey)!;
  const cpuPerRun = (k: string) => (cpuCounted ? `, cpu ${(cpu.get(k)! / rounds).toFixed(0)} ms` : '');
  console.log(`  ${'node -e 0 (baseline)'.padEnd(34)} ${median(times.get(baseKey)!).toFixed(1).padStart(7)} ms${cpuPerRun(baseKey)}`);
  for (const entry of selected) {
    const cells = Object.keys(clis)
      .filter((cli) => times.has(key({ name: entry.name, cli })))
      .map((cli) => {
        const k = key({ name: entry.name, cli });
        const cpuRatio = cpuCounted && baseCpu > 0 ? ` (cpu ${(cpu.get(k)! / baseCpu).toFixed(2)})` : '';
        return `${values.compare ? `${cli} ` : ''}${median(times.get(k)!).toFixed(1).padStart(7)} ms ${median(ratios.get(k)!).toFixed(2)}×${cpuRatio}`;
      });
    const ratio = median(ratios.get(key({ name: entry.name, cli: 'after' }))!);
    console.log(`  ${entry.name.padEnd(34)} ${cells.join('   ')}   target <= ${entry.target}: ${ratio <= entry.target ? 'met' : 'NOT met'}`);
  }
} finally {
  await dist.close();
  sandbox.cleanup();
}
