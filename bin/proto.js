#!/usr/bin/env node
// The `proto` command. Kept tiny: it hides the one warning Node 20 prints for WASI, then starts
// the compiled CLI. Every plugin runs under WASI in a worker thread, and each worker prints
// "ExperimentalWarning: WASI is an experimental feature" through our stderr; it tells users nothing.
import module from 'node:module';

const WASI_WARNING = /^\(node:\d+\) ExperimentalWarning: WASI is an experimental feature.*\n(\(Use `node --trace-warnings[^\n]*\n)?/;
const writeStderr = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('WASI is an experimental feature') || text.startsWith('(Use `node --trace-warnings')) {
      const rest_ = text.replace(WASI_WARNING, '').replace(/^\(Use `node --trace-warnings[^\n]*\n/, '');
      if (rest_ === '') {
        const callback = rest.find((arg) => typeof arg === 'function');
        callback?.();
        return true;
      }
      return writeStderr(rest_, ...rest);
    }
  }
  return writeStderr(chunk, ...rest);
};

// Node ≥ 22.1 can cache compiled bytecode between runs; Node 20 simply lacks the API.
module.enableCompileCache?.();

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
