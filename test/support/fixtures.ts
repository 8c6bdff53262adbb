/** Where the test setup (`scripts/build-fixtures.mjs`) puts the fixture plugins it built. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Path of a built fixture plugin, e.g. `fixturePlugin('hostile/trap')`; fails loudly when unbuilt. */
export function fixturePlugin(name: string): string {
  const path = fileURLToPath(new URL(`../../fixtures/build/${name}.wasm`, import.meta.url));
  if (!existsSync(path)) throw new Error(`fixture plugin ${name} is not built: run \`node scripts/build-fixtures.mjs\``);
  return path;
}
