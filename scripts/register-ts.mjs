// Our tests, benchmarks and demo load TypeScript through scripts/ts-hooks.mjs: the sources as they
// are (no build step), `proto-ts/<module>` resolved to them, for a fraction of tsx's cost per
// process (a test run starts hundreds). Plugin authors' tests use `@proto-ts/test-utils/register`
// (tsx), which `npm run check-packages` runs.
//
// As there, the hooks are registered in the main thread only: Extism runs each plugin in a worker
// whose code is a data: URL and needs no TypeScript. Node 20's WASI warning is hidden in every thread.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import '../test-utils/wasi-warning.mjs';

if (isMainThread) {
  // Stack traces of a failing test point into the .ts sources (the transpiled code maps to them).
  process.setSourceMapsEnabled(true);
  register('./ts-hooks.mjs', import.meta.url);
}
