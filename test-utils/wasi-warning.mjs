// Silences Node 20's "WASI is an experimental feature" warning (plugins run under WASI), in every
// thread that imports this: the one warning test output would otherwise repeat for each plugin.
const originalEmit = process.emitWarning;
process.emitWarning = function filterWasiWarning(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (/WASI is an experimental feature/.test(text ?? '')) return;
  return originalEmit.call(process, warning, ...rest);
};
