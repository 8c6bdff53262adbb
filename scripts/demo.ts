/**
 * `npm run demo`: the main job on a built-in default, with no internet. A local dist server
 * serves releases of the fixture tool "disttool" (archives made by system tar, SHASUMS256.txt by
 * sha256sum); a project pins `disttool = "^2"`; then the real CLI, in a temporary PROTO_HOME,
 * lists the versions, installs what the project pins, runs it, and runs it again through its shim.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox } from '../test-utils/index.js';
import { CLI, ensureCliBuilt } from '../test/support/cli.js';
import { startDisttoolDist } from '../test/support/disttool-dist.js';
import { fixturePlugin } from '../test/support/fixtures.js';

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, shown: string): Promise<number> {
  console.log(`\n$ ${shown}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

await ensureCliBuilt();
const sandbox = createSandbox('proto-demo-');
const dist = await startDisttoolDist();
try {
  const project = join(sandbox.cwd, 'my-project');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(
    join(project, '.prototools'),
    `disttool = "^2"\n\n[plugins.tools]\ndisttool = "file://${fixturePlugin('disttool')}"\n\n[tools.disttool]\ndist-url = "${dist.url}"\n`,
  );
  const env = { ...sandbox.env, PATH: `${join(sandbox.protoHome, 'shims')}:${sandbox.env.PATH}` };
  console.log(`dist server:  ${dist.url} (releases ${dist.releases.map((r) => r.version).join(', ')})`);
  console.log(`PROTO_HOME:   ${sandbox.protoHome}`);
  console.log(`project:      ${project} (.prototools pins disttool = "^2")`);

  const steps: Array<[string[], string]> = [
    [['list-remote', 'disttool'], 'proto list-remote disttool'],
    [['install'], 'proto install            # everything the project pins'],
    [['list', 'disttool'], 'proto list disttool'],
    [['run', 'disttool', '--', 'hello'], 'proto run disttool -- hello'],
  ];
  for (const [args, shown] of steps) {
    const code = await run(process.execPath, [CLI, ...args], project, env, shown);
    if (code !== 0) throw new Error(`\`${shown}\` exited with ${code}`);
  }
  for (const round of ['first run resolves the version', 'second run is served from the shim cache']) {
    await run('disttool', ['from', 'the', 'shim'], join(project, 'src'), env, `disttool from the shim   # ${round}`);
  }
  console.log('\nThe demo installed into a temporary PROTO_HOME, which is removed now.');
} finally {
  await dist.close();
  sandbox.cleanup();
}
