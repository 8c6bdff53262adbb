import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireLock, isProcessAlive, readLiveLockOwner } from '../../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'proto-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited and been reaped. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(result.stdout);
}

function writeLock(path: string, pid: number, host = hostname()): void {
  writeFileSync(path, JSON.stringify({ pid, host, started: null, nonce: 'someone-else', created: Date.now() }));
}

describe('acquireLock', () => {
  it('writes the owner pid into the lock and removes it on release', async () => {
    const path = join(dir, 'basic.lock');
    const lock = await acquireLock(path);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
    assert.equal((await readLiveLockOwner(path))?.pid, process.pid);
    await lock.release();
    assert.equal(existsSync(path), false);
    await lock.release(); // twice is fine
  });

  it('makes a second taker wait until the first releases', async () => {
    const path = join(dir, 'wait.lock');
    const first = await acquireLock(path);
    const order: string[] = [];
    let reportWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => (reportWaiting = resolve));
    const second = acquireLock(path, { onWait: () => reportWaiting() }).then((lock) => {
      order.push('second acquired');
      return lock;
    });
    await waiting;
    order.push('first releasing');
    await first.release();
    const lock = await second;
    assert.deepEqual(order, ['first releasing', 'second acquired']);
    await lock.release();
  });

  it('takes over a lock whose owner is dead', async () => {
    const path = join(dir, 'stale.lock');
    writeLock(path, deadPid());
    assert.equal(await readLiveLockOwner(path), undefined);
    const lock = await acquireLock(path, { timeoutMs: 5_000 });
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('takes over a garbled lock once it is old, never a fresh one', async () => {
    const path = join(dir, 'garbled.lock');
    writeFileSync(path, 'garbage');
    await assert.rejects(acquireLock(path, { timeoutMs: 50 }), { code: 'store.lock_timeout' });
    const old = Date.now() / 1000 - 60;
    utimesSync(path, old, old);
    const lock = await acquireLock(path, { timeoutMs: 5_000 });
    await lock.release();
  });

  it('waits for a live owner in another process, and times out with a clear error', async () => {
    const path = join(dir, 'live.lock');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeLock(path, sleeper.pid!);
      assert.equal(isProcessAlive({ pid: sleeper.pid!, host: hostname(), started: null }), true);
      await assert.rejects(acquireLock(path, { timeoutMs: 100 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'store.lock_timeout');
        assert.match(error.message, new RegExp(`process ${sleeper.pid}`));
        return true;
      });
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('never presumes an owner on another host dead', async () => {
    assert.equal(isProcessAlive({ pid: deadPid(), host: `not-${hostname()}`, started: null }), true);
  });

  it('hands the lock to the takers of this process in turn, each taking the file once', async () => {
    const path = join(dir, 'turns.lock');
    const first = await acquireLock(path);
    const order: number[] = [];
    const takers = [1, 2, 3].map((n) =>
      acquireLock(path).then(async (lock) => {
        order.push(n);
        // The lock file is ours alone while we hold it: the next taker has not replaced it.
        assert.equal(JSON.parse(readFileSync(path, 'utf8')).nonce, lock.owner.nonce);
        await lock.release();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(order, []);
    await first.release();
    await Promise.all(takers);
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(existsSync(path), false);
  });

  it('times out a taker queued behind a holder of this process, and lets the next one through', async () => {
    const path = join(dir, 'queued.lock');
    const first = await acquireLock(path);
    let waitedFor: number | undefined;
    const timedOut = acquireLock(path, { timeoutMs: 50, onWait: (owner) => (waitedFor = owner?.pid) });
    const aborts = new AbortController();
    const aborted = acquireLock(path, { signal: aborts.signal });
    const next = acquireLock(path, { timeoutMs: 5_000 });
    await assert.rejects(timedOut, (error: Error & { code?: string }) => {
      assert.equal(error.code, 'store.lock_timeout');
      assert.match(error.message, new RegExp(`process ${process.pid}`));
      return true;
    });
    assert.equal(waitedFor, process.pid);
    aborts.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    await first.release();
    const lock = await next;
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).nonce, lock.owner.nonce);
    await lock.release();
  });

  it('lets exactly one of many concurrent takers in at a time', async () => {
    const path = join(dir, 'many.lock');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const lock = await acquireLock(path);
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((resolve) => setImmediate(resolve));
        inside--;
        await lock.release();
      }),
    );
    assert.equal(maxInside, 1);
  });
});
