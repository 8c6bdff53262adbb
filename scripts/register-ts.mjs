// Our tests, benchmarks and demo load TypeScript through scripts/ts-hooks.mjs: the sources as they
// are (no build step), `proto-ts/<module>` resolved to them, for a fraction of tsx's cost per
// process (a test run starts hundreds). Plugin authors' tests use `@proto-ts/test-utils/register`
// (tsx), which `npm run check-packages` runs.
//
// The hooks are registered in the main thread, and in the plugin workers of src/host/worker-pool.ts
// run from the sources (their code is TypeScript too). Node 20's WASI warning is hidden in every thread.
import { register } from 'node:module';
import { isMainThread, workerData } from 'node:worker_threads';
import '../test-utils/wasi-warning.mjs';

if (isMainThread) {
  // Stack traces of a failing test point into the .ts sources (the transpiled code maps to them).
  process.setSourceMapsEnabled(true);
  register('./ts-hooks.mjs', import.meta.url);
} else if (workerData?.typeScript) {
  register('./ts-hooks.mjs', import.meta.url);
}
