/**
 * Plugin host benchmark: how long the disttool fixture plugin takes to load, and what one call
 * costs, median of ≥1000 calls. Baselines from the same run: an undici GET of the same URL
 * (what `send_request` wraps) and a plain JSON round trip (what a call must do at least).
 *
 *   npm run fixtures && node --import ./scripts/register-ts.mjs bench/plugin-host.ts [calls]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginContainer } from '../src/host/index.js';
import { defaultHttpGet } from '../src/host/http-get.js';
import { createSandbox } from '../test-utils/index.js';
import { fixturePlugin } from '../test/support/fixtures.js';

const calls = Number(process.argv[2] ?? 1000);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function time(n: number, work: () => Promise<unknown> | unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

const index = JSON.stringify({
  versions: Array.from({ length: 200 }, (_, i) => ({ version: `${Math.floor(i / 20)}.${i % 20}.0`, ...(i % 7 === 0 ? { lts: 'argon' } : {}) })),
});
const server = createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(index));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const distUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sandbox = createSandbox('proto-bench-');

try {
  const wasm = fixturePlugin('disttool');
  const loadStarted = performance.now();
  const plugin = await PluginContainer.load({ id: 'disttool', wasm, dirs: sandbox.dirs, toolConfig: { 'dist-url': distUrl } });
  const loadMs = performance.now() - loadStarted;
  const firstStarted = performance.now();
  await plugin.registerTool();
  const firstCallMs = performance.now() - firstStarted;

  const context = plugin.context();
  const registerSamples = await time(calls, () => plugin.call('register_tool', { id: 'disttool' }));
  const loadVersionsSamples = await time(calls, () => plugin.loadVersions({ context, initial: 'latest' }));
  const getSamples = await time(calls, () => defaultHttpGet(`${distUrl}/index.json`, {}));
  const jsonSamples = await time(calls, () => JSON.parse(JSON.stringify({ context, initial: 'latest' })));
  await plugin.close();

  const ms = (value: number) => `${value.toFixed(3)} ms`;
  const rows: Array<[string, string, string, string]> = [];
  const register = stats(registerSamples);
  const loadVersions = stats(loadVersionsSamples);
  const get = stats(getSamples);
  const json = stats(jsonSamples);
  rows.push(['compile + check (load)', ms(loadMs), '', '']);
  rows.push(['first call (worker start + instantiate + register_tool)', ms(firstCallMs), '', '']);
  rows.push(['register_tool (no host calls)', ms(register.median), ms(register.p95), `${(register.median / json.median).toFixed(0)}x JSON round trip`]);
  rows.push(['load_versions (1 send_request)', ms(loadVersions.median), ms(loadVersions.p95), `${(loadVersions.median / get.median).toFixed(2)}x direct GET`]);
  rows.push(['baseline: undici GET of index.json', ms(get.median), ms(get.p95), '']);
  rows.push(['baseline: JSON stringify+parse of the input', ms(json.median), ms(json.p95), '']);

  console.log(`plugin host, ${calls} calls each (Node ${process.version}, ${process.platform}/${process.arch})`);
  console.log(['what', 'median', 'p95', 'ratio'].map((h, i) => h.padEnd(i === 0 ? 58 : 14)).join(''));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(i === 0 ? 58 : 14)).join(''));
} finally {
  server.close();
  sandbox.cleanup();
}
