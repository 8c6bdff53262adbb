/**
 * Schema plugin benchmark: what `proto run` pays to get a tool's executables from a TOML plugin
 * (read + validate + register_tool + locate_executables, a fresh load each time, as each CLI run
 * does) against the same path through the disttool WASM fixture plugin, in the same run.
 *
 *   npm run fixtures && node --import ./scripts/register-ts.mjs bench/schema-plugin.ts [runs]
 */
import { join } from 'node:path';
import { Store } from '../src/store/index.js';
import { Tool } from '../src/tool/tool.js';
import { createSandbox } from '../test-utils/index.js';
import { fixturePlugin, repoRoot } from '../test/support/fixtures.js';
import { median } from './median.js';

const runs = Number(process.argv[2] ?? 30);
const sandbox = createSandbox('proto-bench-schema-');
const store = new Store({ root: sandbox.protoHome, env: sandbox.env });

async function loadAndLocate(id: string, wasm: string, toolConfig?: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  const tool = await Tool.load({ id, wasm, store, home: sandbox.home, cwd: sandbox.cwd, env: sandbox.env, toolConfig, host: { os: 'linux' } });
  await tool.locate('1.2.3');
  const elapsed = performance.now() - started;
  await tool.close();
  return elapsed;
}


try {
  const schema: number[] = [];
  const wasm: number[] = [];
  for (let i = 0; i < runs; i++) {
    schema.push(await loadAndLocate('protostar', join(repoRoot, 'fixtures/schema-plugins/protostar.toml')));
    wasm.push(await loadAndLocate('disttool', fixturePlugin('disttool'), { 'dist-url': 'https://dist.example' }));
  }
  const [s, w] = [median(schema), median(wasm)];
  console.log(`schema vs WASM plugin, load + register_tool + locate_executables, median of ${runs} (Node ${process.version})`);
  console.log(`  TOML schema plugin (host-side)  ${s.toFixed(2)} ms`);
  console.log(`  disttool WASM plugin (baseline) ${w.toFixed(2)} ms`);
  console.log(`  ratio schema/WASM               ${(s / w).toFixed(3)}`);
} finally {
  sandbox.cleanup();
}
