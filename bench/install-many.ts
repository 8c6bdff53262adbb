/**
 * `proto install` of ten configured tools against the install of one, in the same rounds (issue
 * 15's target: ten ≤ 1.3× the slowest single install). Every tool is the disttool fixture plugin
 * under its own id, with its own release served from 127.0.0.1; each timed run starts from an
 * empty store (`PROTO_HOME`), so both sides pay for loading their plugins and for their locks.
 * The single installs are each of the ten tools alone; the slowest median of them is the baseline.
 *
 *   npm run fixtures && node --import ./scripts/register-ts.mjs bench/install-many.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSandbox } from '../test-utils/index.js';
import { CLI, ensureCliBuilt } from '../test/support/cli.js';
import { DEFAULT_RELEASES, startDisttoolDist } from '../test/support/disttool-dist.js';
import { fixturePlugin } from '../test/support/fixtures.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const TOOLS = Array.from({ length: 10 }, (_, i) => `tool${i}`);
const releases = DEFAULT_RELEASES.filter((release) => !release.version.includes('-'));

await ensureCliBuilt();
const sandbox = createSandbox('proto-install-many-');
const dist = await startDisttoolDist();
try {
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

  /** One `proto install` in `cwd` with an empty store; wall ms. Async: the dist server lives in this process. */
  const install = async (cwd: string): Promise<number> => {
    rmSync(sandbox.protoHome, { recursive: true, force: true });
    mkdirSync(join(sandbox.protoHome, 'temp'), { recursive: true });
    const started = performance.now();
    await promisify(execFile)(process.execPath, [CLI, 'install'], { cwd, env: sandbox.env });
    return performance.now() - started;
  };

  // One untimed run of each side: compile caches are what users have from the second run on.
  await install(all);
  await install(singles[0]!.dir);
  const allTimes: number[] = [];
  const singleTimes = new Map<string, number[]>(TOOLS.map((id) => [id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    allTimes.push(await install(all));
    for (const single of singles) singleTimes.get(single.id)!.push(await install(single.dir));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const medians = [...singleTimes].map(([id, times]) => ({ id, ms: median(times) }));
  const slowest = medians.reduce((a, b) => (b.ms > a.ms ? b : a));
  const fastest = medians.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ten = median(allTimes);
  console.log(`proto install, 10 configured tools: ${ten.toFixed(0)} ms (median of ${ROUNDS})`);
  console.log(`one tool alone: ${fastest.ms.toFixed(0)}–${slowest.ms.toFixed(0)} ms (medians; slowest ${slowest.id})`);
  console.log(`ratio 10 tools / slowest single: ${(ten / slowest.ms).toFixed(2)} (target ≤ 1.3)`);
} finally {
  await dist.close();
  sandbox.cleanup();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
