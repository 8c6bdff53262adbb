/**
 * Commands run by plugins, each in a process group of its own, so that ending a command ends
 * everything it started: `sh -c 'sleep 45'` has a grandchild that a signal to the shell alone
 * would leave running (holding our pipes open, and the CLI with them).
 *
 * Ending a group: SIGTERM to the whole group, then SIGKILL to whatever is left after a grace
 * period (a process that ignores SIGTERM does not get to finish its work). The KILL timer keeps
 * the event loop alive on purpose: proto does not exit while a group it started is still up.
 * If proto exits anyway (a second Ctrl-C), every group still known gets SIGKILL on the way out.
 *
 * Windows has no process groups in this sense: there only the direct child is killed.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { lazyChildProcess } from '../../lazy-builtins.js';

/** How long a group may take to exit after SIGTERM before it gets SIGKILL. */
const TERM_GRACE_MS = 1000;
const POLL_MS = 25;
const GROUPS = process.platform !== 'win32';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** `spawn`, with the child leading a new process group (POSIX). */
export function spawnInGroup(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  // Loaded on first use: every plugin's host functions import this module, few plugins run commands.
  const child = lazyChildProcess().spawn(file, args, { ...options, detached: GROUPS });
  if (GROUPS && child.pid !== undefined) {
    liveGroups.add(child.pid);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
      });
    }
  }
  return child;
}

/**
 * Ends the child's group: SIGTERM now, SIGKILL after the grace period to any member left.
 * Resolves once the group is gone (a member that died but was not reaped yet, a zombie, counts
 * until the grace period ends). Safe to call more than once, and after the child exited.
 */
export function endGroup(child: ChildProcess): Promise<void> {
  let ending = endings.get(child);
  if (!ending) {
    ending = endGroupOnce(child);
    endings.set(child, ending);
  }
  return ending;
}

const endings = new WeakMap<ChildProcess, Promise<void>>();

function endGroupOnce(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return Promise.resolve();
  if (!GROUPS) {
    child.kill('SIGTERM');
    return Promise.resolve();
  }
  if (!signalGroup(pgid, 'SIGTERM')) {
    liveGroups.delete(pgid);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const started = performance.now();
    const timer = setInterval(() => {
      const alive = performance.now() - started < TERM_GRACE_MS ? signalGroup(pgid, 0) : signalGroup(pgid, 'SIGKILL') && false;
      if (alive) return;
      clearInterval(timer);
      liveGroups.delete(pgid);
      resolve();
    }, POLL_MS);
  });
}

/** Sends `signal` to every member of the group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left (EPERM cannot happen: the members are our own children)
  }
}
