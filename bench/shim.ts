/**
 * Shim overhead: a warm shim run minus a direct exec of the same binary, median of many runs,
 * printed beside `node -e 0` (what any Node-based shim pays at least) and a full `proto run`.
 * Target: median overhead ≤ 10 ms on the warm path.
 *
 *   npm run build && node --import ./scripts/register-ts.mjs bench/shim.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../src/cli/session.js';
import { shimCacheEntryPath } from '../src/link/index.js';
import { createSandbox } from '../test-utils/index.js';
import { CLI, ensureCliBuilt } from '../test/support/cli.js';
import { startDisttoolDist } from '../test/support/disttool-dist.js';
import { fixturePlugin } from '../test/support/fixtures.js';
import { median } from './median.js';

const runs = Number(process.argv[2] ?? 200);
await ensureCliBuilt();
const sandbox = createSandbox('proto-shim-bench-');
const dist = await startDisttoolDist([{ version: '2.1.0' }]);


function time(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, count = runs): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd, env, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  }
  return samples;
}

try {
  const project = join(sandbox.cwd, 'project');
  const nested = join(project, 'a/b/c');
  mkdirSync(nested, { recursive: true });
  const config = join(project, '.prototools');
  writeFileSync(config, `disttool = "2.1.0"\n[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n[tools.disttool]\ndist-url = "${dist.url}"\n`);
  const session = await Session.open({ cwd: project, env: sandbox.env });
  const tool = await session.tool('disttool');
  await tool.install('2.1.0');
  const exe = join(tool.productDir('2.1.0'), 'bin/disttool');
  await session.close();

  const past = new Date(Date.now() - 60_000);
  utimesSync(config, past, past);
  const shim = join(sandbox.protoHome, 'shims/disttool');
  spawnSync(shim, [], { cwd: nested, env: sandbox.env, stdio: 'ignore' }); // cold run writes the cache entry
  const entry = readFileSync(shimCacheEntryPath(session.store, 'disttool', nested)!, 'utf8');
  if (!entry.includes('_proto_exe')) throw new Error('the shim cache entry was not written');

  const direct = median(time(exe, [], nested, sandbox.env));
  const warm = median(time(shim, [], nested, sandbox.env));
  const nodeStart = median(time(process.execPath, ['-e', '0'], nested, sandbox.env));
  const fullRun = median(time(process.execPath, [CLI, 'run', 'disttool'], nested, sandbox.env, Math.min(runs, 30)));

  const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(10);
  console.log(`shim overhead, median of ${runs} runs (Node ${process.version}, ${process.platform}/${process.arch})`);
  console.log(`  direct exec of the tool        ${ms(direct)}`);
  console.log(`  warm shim                      ${ms(warm)}`);
  console.log(`  shim overhead (warm - direct)  ${ms(warm - direct)}   target <= 10 ms: ${warm - direct <= 10 ? 'met' : 'NOT met'}`);
  console.log(`  node -e 0 (baseline)           ${ms(nodeStart)}   overhead / node start = ${((warm - direct) / nodeStart).toFixed(2)}`);
  console.log(`  proto run disttool (cold CLI)  ${ms(fullRun)}`);
} finally {
  await dist.close();
  sandbox.cleanup();
}
