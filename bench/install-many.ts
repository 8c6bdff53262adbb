/**
 * `proto install` of ten configured tools against the install of one, in the same rounds (issue
 * 15's target: ten ≤ 1.3× the slowest single install). Every tool is the disttool fixture plugin
 * under its own id, with its own release served from 127.0.0.1; each timed run starts from an
 * empty store (`PROTO_HOME`), so both sides pay for loading their plugins, with no plugin metadata
 * cached, and for their locks. Only V8's code cache of the CLI bundle (`cache/code`, used on
 * Node 20) is kept between runs: every user has it from their second proto command on.
 * The single installs are each of the ten tools alone; the slowest median of them is the baseline.
 * Wall time is the target; the CPU time of the command (user + system, all its threads) is
 * printed beside it, the steadier figure when other work loads the machine.
 *
 * `--compare <bin/proto.js>` runs another build (say, main's, built in a worktree) in the same
 * rounds, alternating with this one. `--delay <ms>` has the dist server wait that long before
 * each response (default 0): a request to 127.0.0.1 takes ~3 ms, one over a real network 20-150 ms,
 * and the plugins' `load_versions` requests must not run one after another then.
 *
 * The sandbox (store, dist tree) goes to the OS temp dir. To compare builds, put it on tmpfs
 * (`TMPDIR=/dev/shm`): on an ext4 without a journal (the 2-core machine's /), the kernel's inode
 * allocator skips every inode of a group deleted in the last 60 s (300 s while its block is dirty,
 * `recently_deleted`), and each round deletes the store of the one before, so file creation gets
 * slower the longer the bench runs (~13% of all CPU of the ten-tool install in `perf`). A user's
 * disk (ext4 with a journal, xfs, btrfs, APFS) does not do that.
 *
 *   npm run build && npm run fixtures && node --import ./scripts/register-ts.mjs bench/install-many.ts [rounds] [--compare <bin/proto.js>] [--delay <ms>]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createSandbox } from '../test-utils/index.js';
import { CLI, ensureCliBuilt } from '../test/support/cli.js';
import { DEFAULT_RELEASES, startDisttoolDist } from '../test/support/disttool-dist.js';
import { fixturePlugin } from '../test/support/fixtures.js';
import { measureChildren } from './child-cpu.js';
import { median } from './median.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { compare: { type: 'string' }, delay: { type: 'string', default: '0' } } });
const ROUNDS = Number(positionals[0] ?? 5);
const DELAY_MS = Number(values.delay);
if (!Number.isInteger(DELAY_MS) || DELAY_MS < 0) throw new Error(`--delay takes a whole number of milliseconds, not "${values.delay}"`);
const TOOLS = Array.from({ length: 10 }, (_, i) => `tool${i}`);
const releases = DEFAULT_RELEASES.filter((release) => !release.version.includes('-'));
const clis = values.compare ? { before: values.compare, after: CLI } : { after: CLI };

await ensureCliBuilt();
const sandbox = createSandbox('proto-install-many-');
const dist = await startDisttoolDist();
try {
  // Every file it serves answers late (a fault is set per path).
  if (DELAY_MS > 0) {
    for (const file of readdirSync(dist.dir, { recursive: true, encoding: 'utf8' })) {
      if (statSync(join(dist.dir, file)).isFile()) dist.server.fault(`/${file}`, { delayMs: DELAY_MS });
    }
  }
  const plugin = fixturePlugin('disttool');
  /** A project directory whose .prototools pins the tools numbered `indexes` (tool i: the i-th release, round robin). */
  const project = (name: string, indexes: number[]): string => {
    const dir = join(sandbox.root, name);
    mkdirSync(dir, { recursive: true });
    const ids = indexes.map((i) => TOOLS[i]!);
    const pins = indexes.map((i) => `${TOOLS[i]} = "${releases[i % releases.length]!.version}"`);
    const plugins = ids.map((id) => `${id} = "file://${plugin}"`);
    const settings = ids.map((id) => `[tools.${id}]\ndist-url = "${dist.url}"\n`);
    writeFileSync(join(dir, '.prototools'), [...pins, '', '[plugins.tools]', ...plugins, '', ...settings].join('\n'));
    return dir;
  };
  const all = project('all', TOOLS.map((_, i) => i));
  const singles = TOOLS.map((id, i) => ({ id, dir: project(`single-${id}`, [i]) }));

  /** Empties the store except the CLI's code cache (see the top). */
  const emptyStore = (): void => {
    const { protoHome } = sandbox;
    mkdirSync(join(protoHome, 'cache'), { recursive: true });
    for (const entry of readdirSync(protoHome)) if (entry !== 'cache') rmSync(join(protoHome, entry), { recursive: true, force: true });
    for (const entry of readdirSync(join(protoHome, 'cache'))) if (entry !== 'code') rmSync(join(protoHome, 'cache', entry), { recursive: true, force: true });
    mkdirSync(join(protoHome, 'temp'), { recursive: true });
  };

  /** One `proto install` in `cwd` with an empty store: wall and CPU ms. Async: the dist server lives in this process. */
  const install = async (cli: string, cwd: string): Promise<{ wall: number; cpu: number }> => {
    emptyStore();
    const { wallMs, cpuMs } = await measureChildren(() => promisify(execFile)(process.execPath, [cli, 'install'], { cwd, env: sandbox.env }));
    // Without /proc (bench/child-cpu.ts) the CPU figures print as NaN: wall time alone then.
    return { wall: wallMs, cpu: cpuMs ?? NaN };
  };

  const results = Object.fromEntries(
    Object.entries(clis).map(([name, cli]) => [name, { cli, all: [] as Array<{ wall: number; cpu: number }>, singles: new Map(TOOLS.map((id) => [id, [] as Array<{ wall: number; cpu: number }>])) }]),
  );
  // One untimed run of each side: compile caches are what users have from the second run on.
  for (const side of Object.values(results)) {
    await install(side.cli, all);
    await install(side.cli, singles[0]!.dir);
  }
  const loads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    loads.push(loadavg()[0]!);
    for (const side of Object.values(results)) side.all.push(await install(side.cli, all));
    for (const single of singles) {
      for (const side of Object.values(results)) side.singles.get(single.id)!.push(await install(side.cli, single.dir));
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  console.log(`load average (1 min) during the rounds: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
  console.log(`dist server delay per response: ${DELAY_MS} ms${DELAY_MS > 0 ? ' (--delay)' : ' (127.0.0.1 as is; --delay <ms> to simulate a network)'}`);
  for (const [name, side] of Object.entries(results)) {
    const label = Object.keys(results).length > 1 ? `${name}: ` : '';
    const medians = [...side.singles].map(([id, runs]) => ({ id, wall: median(runs.map((run) => run.wall)), cpu: median(runs.map((run) => run.cpu)) }));
    const slowest = medians.reduce((a, b) => (b.wall > a.wall ? b : a));
    const fastest = medians.reduce((a, b) => (b.wall < a.wall ? b : a));
    const slowestCpu = Math.max(...medians.map((entry) => entry.cpu));
    const ten = { wall: median(side.all.map((run) => run.wall)), cpu: median(side.all.map((run) => run.cpu)) };
    console.log(`${label}proto install, 10 configured tools: ${ten.wall.toFixed(0)} ms, CPU ${ten.cpu.toFixed(0)} ms (medians of ${ROUNDS})`);
    console.log(`${label}one tool alone: ${fastest.wall.toFixed(0)}–${slowest.wall.toFixed(0)} ms (medians; slowest ${slowest.id}), CPU up to ${slowestCpu.toFixed(0)} ms`);
    console.log(`${label}ratio 10 tools / slowest single: ${(ten.wall / slowest.wall).toFixed(2)} (target ≤ 1.3); CPU ${(ten.cpu / slowestCpu).toFixed(2)}`);
    // The ten singles do the same work, so the slowest of their medians is partly the noisiest;
    // the median of every single run is the steadier baseline on a loaded machine.
    const everySingle = median([...side.singles.values()].flat().map((run) => run.wall));
    console.log(`${label}ratio 10 tools / median of all single runs (${everySingle.toFixed(0)} ms): ${(ten.wall / everySingle).toFixed(2)}`);
  }
} finally {
  await dist.close();
  sandbox.cleanup();
}
