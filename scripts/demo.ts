/**
 * `npm run demo`: the main job on a built-in default, with no internet. Starts a local dist
 * server for the fixture tool "disttool", loads its WASM plugin into a temp PROTO_HOME, and walks
 * the calls proto makes for `proto install disttool 2`, printing what each returned.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginContainer } from '../src/host/index.js';
import { createSandbox } from '../test-utils/index.js';
import { fixturePlugin } from '../test/support/fixtures.js';

const index = {
  versions: [{ version: '1.0.0', lts: 'argon' }, { version: '1.4.2', lts: 'argon' }, { version: '2.0.0' }, { version: '2.1.0' }, { version: '3.0.0-rc.1' }],
  canary: '3.1.0-canary.1',
};
const server = createServer((request, response) => {
  if (request.url === '/index.json') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(index));
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const distUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sandbox = createSandbox('proto-demo-');
const show = (title: string, value: unknown) => console.log(`\n# ${title}\n${JSON.stringify(value, null, 2)}`);

try {
  console.log(`dist server: ${distUrl}\nPROTO_HOME:  ${sandbox.protoHome}`);
  const plugin = await PluginContainer.load({ id: 'disttool', wasm: fixturePlugin('disttool'), dirs: sandbox.dirs, toolConfig: { 'dist-url': distUrl } });
  show('register_tool', await plugin.registerTool());
  const unresolved = plugin.context();
  show('resolve_version "lts/*"', await plugin.resolveVersion({ context: unresolved, initial: 'lts/*' }));
  const versions = await plugin.loadVersions({ context: unresolved, initial: '2' });
  show('load_versions', versions);
  const version = versions.versions.filter((v) => v.startsWith('2.')).sort().at(-1)!;
  const toolDir = `${sandbox.protoHome}/tools/disttool/${version}`;
  const context = plugin.context({ version, toolDir });
  show(`download_prebuilt ${version}`, await plugin.downloadPrebuilt({ context, install_dir: plugin.toWire(toolDir) }));
  show(`locate_executables ${version}`, await plugin.locateExecutables({ context, install_dir: plugin.toWire(toolDir) }));
  await plugin.close();
} finally {
  server.close();
  sandbox.cleanup();
}
