// Loads TypeScript through tsx in the MAIN thread only. Extism runs plugins in worker threads
// whose code is a data: URL; with tsx (and so source maps) active in a worker, Node 20 fails to
// resolve that module's relative source map URL and the worker dies. Workers need no TypeScript.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const { register } = await import('tsx/esm/api');
  register();
}
