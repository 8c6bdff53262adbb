// Child process for the "a stopped plugin never keeps the process alive" tests. It provokes one
// timeout, prints the error code, and then simply returns: the parent checks that the process
// exits by itself.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginContainer } from '../../src/host/index.js';
import { createSandbox } from '../../test-utils/index.js';
import { fixturePlugin } from './fixtures.js';

const scenario = process.argv[2];
const sandbox = createSandbox('proto-stop-');
const report = (error: unknown) => console.log((error as { code?: string }).code ?? String(error));

try {
  if (scenario === 'exec') {
    const plugin = await PluginContainer.load({ id: 'probe', wasm: fixturePlugin('probe/host-probe'), dirs: sandbox.dirs, timeoutMs: 500 });
    await plugin.callRaw('probe_exec_command', JSON.stringify({ command: 'sleep', args: ['30'] })).catch(report);
    await plugin.close();
  } else if (scenario === 'request') {
    // A server that accepts and never answers.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const plugin = await PluginContainer.load({ id: 'probe', wasm: fixturePlugin('probe/host-probe'), dirs: sandbox.dirs, timeoutMs: 500 });
    await plugin.callRaw('probe_send_request', JSON.stringify({ url })).catch(report);
    await plugin.close();
    server.closeAllConnections();
    server.close();
  } else if (scenario === 'startup') {
    // A bound so short that it expires while the worker is still starting.
    const plugin = await PluginContainer.load({ id: 'loop', wasm: fixturePlugin('hostile/loop'), dirs: sandbox.dirs, timeoutMs: 5 });
    await plugin.registerTool().catch(report);
    await plugin.close();
  }
} finally {
  sandbox.cleanup();
}
