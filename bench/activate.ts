/**
 * Cost of the `proto activate` hook per prompt, when nothing changed (the common case): one bash
 * process runs the hook N times and, in the same process, `true` N times; the difference per
 * iteration is what each prompt pays. A project 4 directories below its `.prototools`, with one
 * installed tool, so the freshness check walks a realistic number of candidate files.
 * Goal: under 15 ms per prompt. Also shown: a full re-activation (`activate bash --export`), what
 * a prompt pays after `cd` or an edit.
 *
 *   npm run build && node --import ./scripts/register-ts.mjs bench/activate.ts [iterations]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../src/cli/session.js';
import { createSandbox } from '../test-utils/index.js';
import { CLI, ensureCliBuilt } from '../test/support/cli.js';
import { startDisttoolDist } from '../test/support/disttool-dist.js';
import { fixturePlugin } from '../test/support/fixtures.js';

const iterations = Number(process.argv[2] ?? 2000);
await ensureCliBuilt();
const sandbox = createSandbox('proto-activate-bench-');
const dist = await startDisttoolDist([{ version: '2.1.0' }]);

try {
  const project = join(sandbox.cwd, 'project');
  const nested = join(project, 'a/b/c/d');
  mkdirSync(nested, { recursive: true });
  const config = join(project, '.prototools');
  writeFileSync(
    config,
    `disttool = "2.1.0"\n[env]\nPROJECT = "bench"\n[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n[tools.disttool]\ndist-url = "${dist.url}"\n`,
  );
  const session = await Session.open({ cwd: project, env: sandbox.env });
  await (await session.tool('disttool')).install('2.1.0');
  await session.close();
  const past = new Date(Date.now() - 60_000);
  utimesSync(config, past, past);

  const env = { ...sandbox.env, PROTO_NODE: process.execPath, PROTO_CLI: CLI, PWD: nested };
  const loop = (body: string) => `s=$(date +%s%N); for ((i = 0; i < ${iterations}; i++)); do ${body}; done; e=$(date +%s%N); echo $(( (e - s) / ${iterations} ))`;
  const script = [
    'eval "$("$PROTO_NODE" "$PROTO_CLI" activate bash)"',
    // The hook must not need proto again: count its runs by wrapping the command.
    '[ "$(command -v disttool)" != "" ] || exit 3',
    loop('true'),
    loop('_proto_activate_hook'),
    's=$(date +%s%N); eval "$("$PROTO_NODE" "$PROTO_CLI" activate bash --export)"; e=$(date +%s%N); echo $(( e - s ))',
    '_proto_activate_fresh || exit 4',
  ].join('\n');
  const result = spawnSync('bash', ['-c', script], { cwd: nested, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bash exited ${result.status}: ${result.stderr}`);
  const [trueNs, hookNs, exportNs] = result.stdout.trim().split('\n').map(Number) as [number, number, number];
  const perPrompt = (hookNs - trueNs) / 1e6;
  const ms = (value: number) => `${value.toFixed(3)} ms`.padStart(11);
  console.log(`activation hook per prompt, bash, ${iterations} iterations in one shell (Node ${process.version})`);
  console.log(`  true (baseline)                         ${ms(trueNs / 1e6)}`);
  console.log(`  _proto_activate_hook, nothing changed   ${ms(hookNs / 1e6)}   ratio to true ${(hookNs / trueNs).toFixed(1)}`);
  console.log(`  cost per prompt (hook - true)           ${ms(perPrompt)}   goal < 15 ms: ${perPrompt < 15 ? 'met' : 'NOT met'}`);
  console.log(`  full re-activation (after cd or edit)   ${ms(exportNs / 1e6)}`);
} finally {
  await dist.close();
  sandbox.cleanup();
}
