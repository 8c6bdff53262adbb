// Child process for finding 2: a probe plugin runs one command through exec_command under a short
// bound. Prints the outcome (`plugin.timeout`, or the command's exit code) as one line, then just
// returns: the parent checks how soon this process exits and whether the command's processes live.
import { PluginContainer } from '../../../src/host/index.js';
import { createSandbox } from '../../../test-utils/index.js';
import { fixturePlugin } from '../../support/fixtures.js';

const [script, boundMs] = process.argv.slice(2) as [string, string];
const sandbox = createSandbox('proto-rel-exec-');
try {
  const plugin = await PluginContainer.load({ id: 'probe', wasm: fixturePlugin('probe/host-probe'), dirs: sandbox.dirs, timeoutMs: Number(boundMs) });
  const started = performance.now();
  try {
    const output = JSON.parse(await plugin.callRaw('probe_exec_command', JSON.stringify({ command: 'sh', args: ['-c', script] })));
    console.log(JSON.stringify({ outcome: `exit ${output.exit_code}`, stdout: output.stdout }));
  } catch (error) {
    console.log(JSON.stringify({ outcome: (error as { code?: string }).code ?? String(error) }));
  }
  console.log(JSON.stringify({ callMs: Math.round(performance.now() - started), endedAt: Date.now() }));
  await plugin.close();
} finally {
  sandbox.cleanup();
}
