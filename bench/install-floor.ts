/**
 * What ten installs cost over one when a Node process does only the work no install can skip
 * (bench/install-floor-child.mjs: the plugin calls as bare worker round trips, the three requests,
 * a sha256, a synchronous unpack, a few small writes), against the same ten disttool releases
 * from 127.0.0.1 that bench/install-many.ts installs with `proto install`.
 *
 * Why: issue 15 asks ten configured tools to install in ≤ 1.3× the time of one. With one tool
 * taking S ms, that leaves 0.3·S/9 ms per extra tool (~4.7 ms for S = 140). This bench measures how
 * much of that a bare Node process already spends on this machine: the part that does not depend
 * on how proto is written. Each run is a fresh process (Node's start and the worker's included,
 * as in `proto install`), alternating one and ten. Only the difference counts: the child loads
 * undici from node_modules without a code cache, so its one-tool time is no baseline.
 *
 *   npm run build && node --import ./scripts/register-ts.mjs bench/install-floor.ts [rounds]
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadavg } from 'node:os';
import { createSandbox } from '../test-utils/index.js';
import { DEFAULT_RELEASES, disttoolArchiveName, startDisttoolDist } from '../test/support/disttool-dist.js';
import { measureChildren } from './child-cpu.js';
import { median } from './median.js';

const ROUNDS = Number(process.argv[2] ?? 15);
const child = join(import.meta.dirname, 'install-floor-child.mjs');

const sandbox = createSandbox('proto-install-floor-');
const dist = await startDisttoolDist();
try {
  const output = join(sandbox.root, 'out');
  // The releases bench/install-many.ts installs (no pre-releases), with this platform's archive names.
  const releases = JSON.stringify(
    DEFAULT_RELEASES.filter((release) => !release.version.includes('-')).map(({ version }) => ({ version, archive: `${disttoolArchiveName(version)}.tar.gz` })),
  );
  const run = async (count: number) => {
    const { wallMs, cpuMs } = await measureChildren(() => promisify(execFile)(process.execPath, [child, String(count), dist.url, output, releases]));
    return { wall: wallMs, cpu: cpuMs ?? NaN };
  };
  await run(10); // untimed: the page cache and the dist server warmed up
  const runs = { 1: [] as Array<{ wall: number; cpu: number }>, 10: [] as Array<{ wall: number; cpu: number }> };
  const loads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    loads.push(loadavg()[0]!);
    for (const count of [1, 10] as const) runs[count].push(await run(count));
  }
  const one = { wall: median(runs[1].map((r) => r.wall)), cpu: median(runs[1].map((r) => r.cpu)) };
  const ten = { wall: median(runs[10].map((r) => r.wall)), cpu: median(runs[10].map((r) => r.cpu)) };
  console.log(`load average (1 min) during the rounds: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
  console.log(`bare install, one tool: ${one.wall.toFixed(0)} ms, CPU ${one.cpu.toFixed(0)} ms; ten: ${ten.wall.toFixed(0)} ms, CPU ${ten.cpu.toFixed(0)} ms (medians of ${ROUNDS})`);
  console.log(`per extra tool: ${((ten.wall - one.wall) / 9).toFixed(1)} ms of wall time, ${((ten.cpu - one.cpu) / 9).toFixed(1)} ms of CPU`);
  console.log('compare: 1.3× a one-tool `proto install` of S ms (bench/install-many.ts) leaves 0.3·S/9 ms per extra tool (~4.7 ms for S = 140)');
} finally {
  await dist.close();
  sandbox.cleanup();
}
