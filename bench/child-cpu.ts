/**
 * The CPU time of the commands a benchmark runs, one way for every bench: the user + system time
 * of this process's waited-for children and of theirs (the kernel's `cutime` + `cstime`, what
 * GNU time and bash's `times` report too), read from /proc/self/stat before and after a run. It
 * needs no tool on the machine (the benches used to wrap commands in /usr/bin/time, and printed
 * NaN without it) and counts a whole pipeline: curl, tee, xz and tar under a bash, Node with its
 * xz helper.
 *
 * Only what ran during `run` and was waited for counts: run one child at a time, and keep servers
 * the commands talk to in this process. Clock ticks are 10 ms: sum or take medians over runs.
 * Without /proc (not Linux) the CPU time is undefined and the benches print wall time alone.
 */
import { readFileSync } from 'node:fs';

/** CPU ms used so far by this process's waited-for children, or undefined without /proc. */
function childrenCpuMs(): number | undefined {
  try {
    // The fields after the command name (which may hold spaces): cutime and cstime are the 14th and
    // 15th of them, in clock ticks, which Linux reports to user space at 100 per second.
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Wall ms of `run` (which starts and waits for child processes), and the CPU ms they used. */
export async function measureChildren<T>(run: () => T | Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number | undefined }> {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  return { result, wallMs, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}
