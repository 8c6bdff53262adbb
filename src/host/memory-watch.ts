/**
 * The second line of the plugin memory ceiling: while a plugin call runs, the process's resident
 * memory is sampled, and a call during which it grew by more than the plugin's ceiling is stopped.
 *
 * Why: a declared memory maximum (memory-cap.ts) bounds the guest's linear memory, but Extism's
 * kernel memory blocks (`alloc`) are ArrayBuffers in the SDK's worker, and nothing bounds those
 * (a worker's `resourceLimits` do not: measured). Node 20 cannot measure one worker's memory, so
 * the process is measured: growth caused by something else at the same time (another tool's
 * unpack) counts too, which is why the ceiling has headroom (`HEADROOM_BYTES`).
 */
const SAMPLE_MS = 50;
/** Room for what a call legitimately brings along: the worker itself, the SDK's copies of inputs and outputs. */
const HEADROOM_BYTES = 64 * 1024 * 1024;

interface Watch {
  startRss: number;
  limit: number;
  onExceeded: (grownBy: number) => void;
}

const watches = new Set<Watch>();
let timer: NodeJS.Timeout | undefined;
/** The last reading, and when: a call that starts within a sampling period of it starts from it. */
let last = { rss: 0, at: -Infinity };

/**
 * The process's resident memory. Each reading is a read of /proc/self/stat on the main thread
 * (~0.1 ms); plugin calls start by the dozen in an install of ten tools, so one reading serves
 * every call that starts within a sampling period (the headroom dwarfs what changes in it).
 */
function residentMemory(reuse: boolean): number {
  const now = performance.now();
  if (!reuse || now - last.at >= SAMPLE_MS) last = { rss: process.memoryUsage.rss(), at: now };
  return last.rss;
}

/** Calls `onExceeded` once if the process grows by more than `limitBytes` + headroom; returns the stop function. */
export function watchMemory(limitBytes: number, onExceeded: (grownBy: number) => void): () => void {
  const watch: Watch = { startRss: residentMemory(true), limit: limitBytes + HEADROOM_BYTES, onExceeded };
  watches.add(watch);
  timer ??= setInterval(sample, SAMPLE_MS).unref();
  return () => {
    watches.delete(watch);
    if (watches.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function sample(): void {
  const rss = residentMemory(false);
  for (const watch of [...watches]) {
    const grown = rss - watch.startRss;
    if (grown > watch.limit) {
      watches.delete(watch);
      watch.onExceeded(grown);
    }
  }
}
