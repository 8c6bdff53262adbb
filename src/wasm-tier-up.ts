/**
 * Turning V8's WebAssembly tier-up off for the rest of a command, and on again at its end.
 *
 * The first download compiles undici's HTTP parser (src/net/dispatcher.ts) with --liftoff-only.
 * That flag also turns off, by implication, --wasm-tier-up and --wasm-dynamic-tiering, and
 * --no-liftoff-only leaves them off (V8 11-13, Node 20-24). Which is what the parser needs: V8
 * reads them when a function gets hot, not only when it compiles, and with them on, the parser's
 * hot functions are recompiled by TurboFan after all (measured: +70 ms of CPU over five 5 MB
 * downloads, and ~25 MB of memory for a moment). So they stay off until the command ends; any
 * WebAssembly that runs meanwhile (plugins) stays on V8's baseline code too.
 *
 * But V8 refuses a code cache made under other flags than its own: the program's, which
 * bin/proto.js writes after the command, would be refused by every later run (which would then
 * compile the whole bundle from source, and write it again). So `restoreWasmTierUp` turns them on
 * again as the command ends, unless Node was started with a say about tier-up.
 */
import { setFlagsFromString } from 'node:v8';

let tierUpOff = false;

/** Runs `work` with --liftoff-only; tier-up stays off after it, until `restoreWasmTierUp`. */
export function withLiftoffOnly<T>(work: () => T): T {
  tierUpOff = true;
  setFlagsFromString('--liftoff-only');
  try {
    return work();
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}

/** V8's flags as they were before `withLiftoffOnly`: call it when no more WebAssembly runs in the command. */
export function restoreWasmTierUp(): void {
  if (!tierUpOff) return;
  tierUpOff = false;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (!/--(no-)?wasm[-_](dynamic[-_])?tier/.test(given)) setFlagsFromString('--wasm-tier-up --wasm-dynamic-tiering');
}
