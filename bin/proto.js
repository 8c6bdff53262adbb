#!/usr/bin/env node
// The `proto` command. Kept tiny: it silences the one warning Node 20 prints for WASI (every
// plugin runs under WASI, the warning tells users nothing) and starts the compiled CLI.
import module from 'node:module';

const originalEmit = process.emitWarning;
process.emitWarning = function filterWasiWarning(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type ?? warning?.name;
  if (type === 'ExperimentalWarning' && /WASI/.test(text ?? '')) return;
  return originalEmit.call(process, warning, ...rest);
};

// Node ≥ 22.1 can cache compiled bytecode between runs; Node 20 simply lacks the API.
module.enableCompileCache?.();

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
