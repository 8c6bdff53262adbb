#!/usr/bin/env node
// The `proto` command. Kept tiny: it makes sure proto does not run on a Node it manages (see
// src/node-runtime.ts: the usual case costs two realpath calls, otherwise proto starts itself
// again on a suitable Node), hides the one warning Node 20 prints for WASI, then starts the
// compiled CLI.
import module from 'node:module';

let runtime;
try {
  runtime = await import('../dist/node-runtime.js');
} catch (error) {
  if (!(error instanceof SyntaxError)) throw error;
  // A Node too old to even read our code (the engines check below never ran).
  process.stderr.write(`error[cli.node_unsuitable]: proto cannot run on Node ${process.version} (${process.execPath}).\n` +
    'hint: Set PROTO_NODE to a newer Node that proto does not manage, or put one first on PATH.\n');
  process.exit(1);
}
const decision = runtime.decideNode({
  execPath: process.execPath,
  version: process.versions.node,
  env: process.env,
  required: runtime.requiredNode(),
  recordedNode: runtime.recordedInstallNode,
});
// The marker is for us only: tools proto runs (a node that runs proto again) must not inherit it.
delete process.env[runtime.RELAUNCH_MARKER];
if (decision.kind === 'refuse') {
  const { formatErrorReport } = await import('../dist/cli/output/format-error.js');
  process.stderr.write(formatErrorReport({ code: 'cli.node_unsuitable', message: decision.message, hint: decision.hint }));
  process.exit(1);
}
if (decision.kind === 'relaunch') await relaunch(decision.node);

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

/** Runs this same command on `node` and exits as it exits (signals passed on). Never returns. */
async function relaunch(node) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(node, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [runtime.RELAUNCH_MARKER]: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => child.kill(signal));
  await new Promise(() => {
    child.on('error', (error) => {
      process.stderr.write(`error[cli.node_unsuitable]: could not start proto on ${node}: ${error.message}\n`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      process.exit(code ?? 1);
    });
  });
}
