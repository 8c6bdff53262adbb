/**
 * Cross-process locks made of one file whose content names the owner.
 *
 * How a lock is taken: the owner record is written to a private temp file, which is then
 * hard-linked to the lock path. `link(2)` fails with EEXIST when the lock exists, so taking the
 * lock is atomic and a lock file is never seen half-written.
 *
 * Stale locks: a lock whose owner runs on this host and is dead (no such pid, a zombie, or a pid
 * reused by a process that started later) is stale. Breaking it happens under a second, short
 * "reap" lock and only after re-reading the lock and finding the very same owner record (each
 * record carries a random nonce), so two processes can never both break a lock and both think
 * they own it. Residual window: a process SIGKILLed while it holds the reap lock (for the few
 * microseconds between its link and unlink) leaves a reap lock that the next reaper deletes
 * without this double check. Owners on other hosts (shared home over NFS) are never presumed dead.
 *
 * Nothing here is trusted from the lock file beyond "someone claims it": a garbled record is
 * waited on for a short grace period and then treated as stale.
 */
import { linkSync, promises as fs, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { ProtoError } from '../errors.js';
import { lazyCrypto, lazyTimersPromises } from '../lazy-builtins.js';
import { writeSiblingTemp } from './atomic-write.js';

export interface LockOwner {
  pid: number;
  host: string;
  /** Process start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22), when known. */
  started: number | null;
  nonce: string;
  created: number;
}

export interface LockHandle {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** Give up after this long with `store.lock_timeout` (default: wait forever). */
  timeoutMs?: number;
  /** Called once when the lock is busy, with the current owner (to tell the user why we wait). */
  onWait?: (owner: LockOwner | undefined) => void;
  /** Aborts the wait. */
  signal?: AbortSignal;
  /** The hint of the timeout error (default: wait, or delete the lock of a gone process). */
  timeoutHint?: string;
}

/** A lock record that cannot be parsed is waited on this long (by its mtime) before being broken. */
const GARBLED_GRACE_MS = 5_000;

/** This process's start time, read when first needed: most commands (cached answers) take no lock. */
let ownStartTimeRead: number | null | undefined;
function ownStartTime(): number | null {
  if (ownStartTimeRead === undefined) ownStartTimeRead = readProcessStartTime(process.pid);
  return ownStartTimeRead;
}

/** node:timers/promises' setTimeout, loaded on first use for the same reason. */
const sleep: typeof import('node:timers/promises').setTimeout = (delay, value, options) => lazyTimersPromises().setTimeout(delay, value, options);

/**
 * Takes the lock at `path`, waiting (polling with backoff) while a live process holds it. Takers
 * in this process queue behind each other (see `localTurns`) before they try the lock file.
 */
export async function acquireLock(path: string, options: AcquireLockOptions = {}): Promise<LockHandle> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: ownStartTime(),
    nonce: lazyCrypto().randomBytes(12).toString('hex'),
    created: Date.now(),
  };
  const record = JSON.stringify(owner);
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let notified = false;
  const notifyWait = (current: LockOwner | 'garbled') => {
    if (notified) return;
    notified = true;
    options.onWait?.(current === 'garbled' ? undefined : current);
  };
  const previous = localTurns.get(path);
  const ahead = previous ?? Promise.resolve();
  let passTurn!: () => void;
  const turn = new Promise<void>((resolve) => (passTurn = resolve));
  const queued = ahead.then(() => turn);
  localTurns.set(path, queued);
  void queued.then(() => {
    if (localTurns.get(path) === queued) localTurns.delete(path);
  });
  try {
    if (previous) {
      const holder = localHolders.get(path);
      if (holder) notifyWait(holder);
      await waitForTurn(previous, path, deadline, options);
    }
    let delay = 10;
    for (;;) {
      options.signal?.throwIfAborted();
      if (await tryCreate(path, record)) {
        localHolders.set(path, owner);
        return makeHandle(path, owner, record, passTurn);
      }
      const current = await readOwner(path);
      if (current === 'missing') continue; // released between our attempt and the read: retry now
      if (await isStale(path, current)) {
        await breakStaleLock(path, current);
        continue;
      }
      notifyWait(current);
      if (Date.now() >= deadline) throw lockTimeout(path, current, options);
      await sleep(delay, undefined, { signal: options.signal });
      delay = Math.min(delay * 2, 200);
    }
  } catch (error) {
    // Whoever queued behind us gets the turn once it comes to us (at once if it has).
    void ahead.then(passTurn);
    throw error;
  }
}

/** The current owner of the lock at `path`, or undefined when it is free or stale. */
export async function readLiveLockOwner(path: string): Promise<LockOwner | undefined> {
  const current = await readOwner(path);
  if (current === 'missing' || current === 'garbled') return undefined;
  return (await isStale(path, current)) ? undefined : current;
}

async function tryCreate(path: string, record: string): Promise<boolean> {
  // The lock's directory may not exist yet, or may have been removed by a cleanup that saw it empty.
  const temp = await writeSiblingTemp(path, record);
  // Synchronous from here: link and unlink take microseconds, and each fs.promises call would add
  // a trip through libuv's thread pool and a callback (every install takes two locks per tool).
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (errorCode(error) === 'ENOENT') return false; // directory removed under us: the caller retries
    throw error;
  } finally {
    removeFile(temp);
  }
}

function makeHandle(path: string, owner: LockOwner, record: string, passTurn: () => void): LockHandle {
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      try {
        // Only remove the file if it still holds our record: if someone broke our lock (we were
        // presumed dead), the file now belongs to them.
        if (readText(path) === record) removeFile(path);
      } finally {
        if (localHolders.get(path) === owner) localHolders.delete(path);
        passTurn();
      }
    },
  };
}

/**
 * Takers in this process line up per lock path, and only the one whose turn it is tries the lock
 * file: a release hands the lock to the next taker at once. (Woken all together, they raced for
 * the file: `proto install` of ten tools made dozens of failed attempts on the shim registry's
 * lock, each a temp file, a link, a read of the owner and a look at /proc.) Each entry is the
 * turn of the last taker in line; `localHolders` names the holder of each lock taken here.
 */
const localTurns = new Map<string, Promise<void>>();
const localHolders = new Map<string, LockOwner>();

/** Waits until the takers ahead in this process are done with the lock, within the deadline. */
async function waitForTurn(ahead: Promise<void>, path: string, deadline: number, options: AcquireLockOptions): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  const stop = new AbortController();
  const timedOut = Symbol('timed out');
  const aborted = Symbol('aborted');
  try {
    const outcome = await Promise.race([
      ahead,
      ...(deadline === Infinity ? [] : [sleep(Math.max(0, deadline - Date.now()), timedOut, { signal: stop.signal })]),
      ...(signal ? [new Promise<symbol>((resolve) => signal.addEventListener('abort', () => resolve(aborted), { once: true, signal: stop.signal }))] : []),
    ]);
    if (outcome === aborted) signal?.throwIfAborted();
    if (outcome === timedOut) throw lockTimeout(path, localHolders.get(path) ?? 'garbled', options);
  } finally {
    stop.abort();
  }
}

function lockTimeout(path: string, current: LockOwner | 'garbled', options: AcquireLockOptions): ProtoError {
  const who = current === 'garbled' ? 'an unknown process' : `process ${current.pid} on ${current.host}`;
  return new ProtoError('store.lock_timeout', `Timed out waiting for the lock ${path}, held by ${who}.`, {
    hint: options.timeoutHint ?? 'Wait for the other proto process to finish, or delete the lock file if that process is gone.',
  });
}

async function readOwner(path: string): Promise<LockOwner | 'missing' | 'garbled'> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.nonce === 'string') {
      return {
        pid: value.pid,
        host: value.host,
        started: typeof value.started === 'number' ? value.started : null,
        nonce: value.nonce,
        created: typeof value.created === 'number' ? value.created : 0,
      };
    }
  } catch {
    // fall through
  }
  return 'garbled';
}

async function isStale(path: string, owner: LockOwner | 'garbled'): Promise<boolean> {
  if (owner === 'garbled') {
    const stat = await fs.stat(path).catch(() => undefined);
    return stat !== undefined && Date.now() - stat.mtimeMs > GARBLED_GRACE_MS;
  }
  return !isProcessAlive(owner);
}

/** True unless we can prove the owner process is gone. */
export function isProcessAlive(owner: Pick<LockOwner, 'pid' | 'host' | 'started'>): boolean {
  if (owner.host !== hostname()) return true;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false;
    // EPERM: the pid exists but belongs to another user; fall through to the /proc checks.
  }
  const stat = readProcStat(owner.pid);
  if (stat === undefined) return true; // not Linux, or raced with exit: assume alive, poll again
  if (stat.state === 'Z' || stat.state === 'X') return false; // killed but not yet reaped
  if (owner.started !== null && stat.startTime !== owner.started) return false; // pid reused
  return true;
}

async function breakStaleLock(path: string, seen: LockOwner | 'garbled'): Promise<void> {
  const reapPath = `${path}.reap`;
  const reapRecord = JSON.stringify({ pid: process.pid, host: hostname(), started: ownStartTime(), nonce: lazyCrypto().randomBytes(12).toString('hex'), created: Date.now() });
  if (!(await tryCreate(reapPath, reapRecord))) {
    const reaper = await readOwner(reapPath);
    // A dead reaper's lock is removed directly (see the residual window in the header comment).
    if (reaper !== 'missing' && (await isStale(reapPath, reaper))) removeFile(reapPath);
    else await sleep(5);
    return; // the caller loops and looks again
  }
  try {
    const current = await readOwner(path);
    const same =
      current !== 'missing' &&
      (seen === 'garbled' ? current === 'garbled' : current !== 'garbled' && current.nonce === seen.nonce);
    if (same) removeFile(path);
  } finally {
    if (readText(reapPath) === reapRecord) removeFile(reapPath);
  }
}

function readProcStat(pid: number): { state: string; startTime: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid ...`: comm may contain spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = Number(fields[19]);
  if (state === undefined || !Number.isFinite(startTime)) return undefined;
  return { state, startTime };
}

function readProcessStartTime(pid: number): number | null {
  return readProcStat(pid)?.startTime ?? null;
}

/** A lock file's text, or undefined when it cannot be read (gone). */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes one file; already gone is fine (`fs.rm` with force, without its lstats and JS). */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
