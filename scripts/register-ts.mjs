// Our tests, benchmarks and demo load TypeScript through scripts/ts-hooks.mjs: the sources as they
// are (no build step), `proto-ts/<module>` resolved to them, for a fraction of tsx's cost per
// process (a test run starts hundreds). Plugin authors' tests use `@proto-ts/test-utils/register`
// (tsx), which `npm run check-packages` runs.
//
// The hooks are registered in the main thread here, and by scripts/test-process.mjs (which hides Node
// 20's WASI warning in every thread and turns source maps on) in the plugin workers of
// src/host/worker-pool.ts run from the sources (their code is TypeScript too).
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import './test-process.mjs';

if (isMainThread) register('./ts-hooks.mjs', import.meta.url);
