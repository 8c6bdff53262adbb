// Loads TypeScript through tsx in the MAIN thread only. Extism runs plugins in worker threads
// whose code is a data: URL; with tsx (and so source maps) active in a worker, Node 20 fails to
// resolve that module's relative source map URL and the worker dies. Workers need no TypeScript.
// Also silences Node 20's "WASI is an experimental feature" warning, in every thread.
import { isMainThread } from 'node:worker_threads';

const originalEmit = process.emitWarning;
process.emitWarning = function filterWasiWarning(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (/WASI is an experimental feature/.test(text ?? '')) return;
  return originalEmit.call(process, warning, ...rest);
};

if (isMainThread) {
  const { register } = await import('tsx/esm/api');
  register();
}
