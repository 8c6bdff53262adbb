// What every process of our tests, benchmarks and demo needs, with or without the TypeScript hooks
// in its main thread (scripts/register-ts.mjs adds them; `npm test` imports this alone into its
// bundled test files, see scripts/bundle-tests.mjs). Node imports it into every thread.
import { register } from 'node:module';
import { isMainThread, workerData } from 'node:worker_threads';
import '../test-utils/wasi-warning.mjs';

if (isMainThread) {
  // Stack traces point into the .ts sources (through the transpiled or bundled code's source maps);
  // test-utils' callerFile reads them. Main thread only: with --enable-source-maps (every thread)
  // a plugin test hung.
  process.setSourceMapsEnabled(true);
} else if (workerData?.typeScript) {
  // A plugin worker of src/host/worker-pool.ts run from the sources: its code is TypeScript.
  register('./ts-hooks.mjs', import.meta.url);
}
