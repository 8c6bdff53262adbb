/**
 * Keeps the memory of a large transfer flat: the buffers a download or an unpack passes along
 * (each socket read, pipe read and decompressed chunk is a fresh 64–256 KiB buffer, used once) are
 * freed every few MiB instead of when V8 gets round to them.
 *
 * Why: V8 frees such buffers only when it collects the young generation, which their small
 * JavaScript handles hardly fill; it forces a collection for their memory only once 32 MiB of it
 * piles up (2 × the default semi-space, whatever the flags). A streamed install therefore carried
 * ~35 MiB of dead buffers at its peak on top of Node and our modules (bench/install.ts: 51 MB
 * .tar.xz, 100 MB peak RSS, 59 of them before the install began). A young-generation collection
 * costs ~1 ms here, so one every STEP bytes costs well under 1% of the transfer.
 *
 * Node offers no call that asks for one without `--expose-gc`; proto is started by a plain
 * `node`, so the flag is turned on just long enough to take `gc` from a new, private context
 * (the main context, and workers started later, see no `gc`). Where that fails, nothing is
 * collected early and everything works as before.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const STEP = 8 * 1024 * 1024;

type Collect = (options: { type: 'minor' | 'major' }) => void;

let collect: Collect | null | undefined;
let since = 0;

/** `bytes` more of short-lived buffers have passed through (and been let go by) the caller. */
export function passedTransientBytes(bytes: number): void {
  since += bytes;
  if (since < STEP) return;
  since = 0;
  collect ??= takeCollector();
  collect?.({ type: 'minor' });
}

function takeCollector(): Collect | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
