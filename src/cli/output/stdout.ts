/**
 * stdout for results. Node builds `process.stdout` on first use, and for a pipe (`$(proto bin
 * node)`, a script reading the output) that is a net.Socket and the stream modules behind it:
 * 3 ms and more, as much as everything else a cached `proto bin` does. When the launcher says this
 * process is the CLI and stdout is a pipe or a file, results are written with write(2) instead.
 *
 * The stream takes over for good as soon as anything creates it (help, a plugin's output, a
 * write(2) refused: a full non-blocking pipe, a closed one, which the stream then handles or
 * reports as it always did), so writes never overtake what the stream still holds. Without the
 * launcher's word (tests calling `main` in-process), everything goes through `process.stdout`.
 */
import { fstatSync, writeSync } from 'node:fs';

let direct = false;
/** Output held back (see `holdOutput`): each piece with the descriptor it is for. */
let held: Array<[1 | 2, string]> | undefined;

/**
 * Called by the launcher (bin/proto.js) before the program runs: write results directly while
 * stdout is a pipe or a file and no one has created `process.stdout`.
 */
export function writeStdoutDirectly(): void {
  const descriptor = Object.getOwnPropertyDescriptor(process, 'stdout');
  if (typeof descriptor?.get !== 'function' || !descriptor.configurable || !stdoutIsPipeOrFile()) return;
  const create = descriptor.get;
  direct = true;
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: descriptor.enumerable,
    get() {
      direct = false;
      const stream = create.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, 'stdout', { configurable: true, enumerable: descriptor.enumerable, get: () => stream });
      return stream;
    },
  });
}

/** Writes `text` to stdout, after everything written before. */
export function writeStdout(text: string): void {
  if (held) {
    held.push([1, text]);
    return;
  }
  if (!direct) {
    process.stdout.write(text);
    return;
  }
  writeThroughFd(text);
}

/** Writes `text` to fd 1 with write(2); what that refuses goes through `process.stdout`. */
export function writeThroughFd(text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written, bytes.length - written);
  } catch {
    process.stdout.write(bytes.subarray(written));
  }
}

/** Writes `text` to stderr (notes, log lines), after everything written before. */
export function writeStderr(text: string): void {
  if (held) held.push([2, text]);
  else process.stderr.write(text);
}

/**
 * From now on, stdout and stderr output is held until `writeHeldOutput` writes it or
 * `discardHeldOutput` drops it: the cached answers (cached-answers.ts) write nothing until they
 * know they can answer. Nothing of `process` changes meanwhile.
 */
export function holdOutput(): void {
  held ??= [];
}

/** Writes what was held, in order, and stops holding: results as `writeStdoutDirectly` allows. */
export function writeHeldOutput(): void {
  const pieces = held ?? [];
  held = undefined;
  if (pieces.some(([fd]) => fd === 1)) writeStdoutDirectly();
  for (const [fd, text] of pieces) (fd === 1 ? writeStdout : writeStderr)(text);
}

/** Drops what was held and stops holding. */
export function discardHeldOutput(): void {
  held = undefined;
}

/** What colour decisions need to know about stdout: a pipe or a file is no terminal. */
export function stdoutTerminal(): { isTTY?: boolean } {
  if (held && stdoutIsPipeOrFile()) return { isTTY: false };
  return direct ? { isTTY: false } : process.stdout;
}

/** Whether stdout is a pipe or a file (not a terminal, not a socket). */
export function stdoutIsPipeOrFile(): boolean {
  try {
    const stats = fstatSync(1);
    return stats.isFIFO() || stats.isFile();
  } catch {
    return false;
  }
}
