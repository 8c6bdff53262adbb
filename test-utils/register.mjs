// `node --import @proto-ts/test-utils/register --test`: runs TypeScript test files through tsx,
// registered in the MAIN thread only.
//
// Why not `node --import tsx`: Extism runs each plugin in a worker thread whose code is a data:
// URL. With tsx (and its source-map support) active inside that worker, Node 20 fails to resolve
// the worker module's relative source map URL and the worker dies before the plugin runs.
// Workers need no TypeScript, so registering only in the main thread avoids the problem.
// Also silences Node 20's "WASI is an experimental feature" warning, in every thread.
import { isMainThread } from 'node:worker_threads';
import './wasi-warning.mjs';

if (isMainThread) {
  const { register } = await import('tsx/esm/api');
  register();
}
