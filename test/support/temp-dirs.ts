/**
 * Temp dirs that test helpers own (served dist trees, CLI sandboxes, plugin indexes), removed even
 * when the process ends before the helper's own cleanup: at `process.exit`, and on SIGINT, SIGTERM
 * or SIGHUP (a run or a bench interrupted, a session's processes stopped), after which the signal
 * is raised again so that the process still ends by it. Without this, every stopped run left its
 * dirs in /tmp (hundreds of proto-e2e-* and some disttool-dist-* accumulated).
 * SIGKILL cannot be caught: what a killed process owned stays.
 */
import { rmSync } from 'node:fs';
import { createSandbox, type Sandbox } from '../../test-utils/index.js';

const owned = new Set<string>();
let listening = false;

/** Removes `dir` when the process ends early; the returned function removes it now (the helper's own cleanup). */
export function removeAtExit(dir: string): () => void {
  listen();
  owned.add(dir);
  return () => {
    owned.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}

/** test-utils' sandbox under `prefix`, removed by its `cleanup` and also when the process ends early. */
export function ownedSandbox(prefix: string): Sandbox {
  const sandbox = createSandbox(prefix);
  const remove = removeAtExit(sandbox.root);
  const cleanup = sandbox.cleanup;
  return Object.assign(sandbox, {
    cleanup: () => {
      cleanup();
      remove();
    },
  });
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
