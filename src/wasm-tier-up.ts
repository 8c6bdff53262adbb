/**
 * Turning V8's WebAssembly tier-up off for the rest of a command, and on again at its end.
 *
 * The first download compiles undici's HTTP parser (src/net/dispatcher.ts) with --liftoff-only,
 * --no-wasm-tier-up and --no-wasm-dynamic-tiering, and --no-liftoff-only then leaves the other two
 * off. Which is what the parser needs: V8 reads them when a function gets hot, not only when it
 * compiles, and with them on, the parser's hot functions are recompiled by TurboFan after all
 * (measured: +70 ms of CPU over five 5 MB downloads, and ~25 MB of memory for a moment). So they
 * stay off until the command ends; any WebAssembly that runs meanwhile (plugins) stays on V8's
 * baseline code too.
 * All three are named: V8 11-12 (Node 20, 22) turn the other two off by implication of
 * --liftoff-only, but V8 13 (Node 24) does not apply implications to a flag set at run time.
 * There the parser's one huge function was compiled by TurboFan in the background of every
 * command that downloads, and the process waited for that compile to end before it could exit:
 * `proto install` of one small tool took ~125 ms of its run (from the first line) instead of ~95,
 * 20-40 ms of it after its last line (Node 24.22, docs/benchmark-history.md).
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
  setFlagsFromString('--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering');
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
