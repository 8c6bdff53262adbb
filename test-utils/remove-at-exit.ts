/**
 * Temp dirs removed even when the process ends before their owner's cleanup: at `process.exit`,
 * and on SIGINT, SIGTERM or SIGHUP (a test run stopped with Ctrl-C, a CI job cancelled), after
 * which the signal is raised again so that the process still ends by it. Without this, every
 * stopped run left its sandboxes in the temp dir.
 * SIGKILL cannot be caught: what a killed process owned stays.
 */
import { rmSync } from 'node:fs';

const owned = new Set<string>();
let listening = false;

/** Removes `dir` when the process ends early; the returned function removes it now (the owner's own cleanup). */
export function removeAtExit(dir: string): () => void {
  listen();
  owned.add(dir);
  return () => {
    owned.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}

function removeOwned(): void {
  for (const dir of owned) rmSync(dir, { recursive: true, force: true });
  owned.clear();
}

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('exit', removeOwned);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      removeOwned();
      process.removeListener(signal, onSignal);
      // Ended by the signal, as without this listener (unless another one handles it).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
