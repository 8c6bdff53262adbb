/**
 * Finding 4: no deadlines. A 1 byte/s server kept an install going forever while it held the
 * version lock; other installs of that version waited forever ("waiting for proto process N");
 * Ctrl-C left the download and the lock behind.
 *
 * Through the built CLI, against the disttool dist server with a trickling archive.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHost } from '../../src/host/index.js';
import { acquireLock, Store } from '../../src/store/index.js';
import { CLI } from '../support/cli.js';
import { listFiles } from '../support/temp-store.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from '../e2e/support/cli-sandbox.js';
import { assertHintNamesLimit } from './support/limit-hints.js';

const fixture = useCliFixture();
const host = detectHost();
const ARCHIVE = `/v1.0.0/disttool-v1.0.0-${host.os}-${host.arch}.tar.gz`;

/** Runs the CLI with a guard: a run that would go on forever is killed after `guardMs`. */
/** Runs `args` while this process holds disttool 1.0.0's version lock: the command must give up with store.lock_timeout, naming lock-wait. */
async function assertGivesUpOnLock(sandbox: CliSandbox, store: Store, args: string[]): Promise<void> {
  const lock = await acquireLock(store.versionLockPath('disttool', '1.0.0'));
  try {
    const run = await startCli(sandbox, args, 60_000).exited;
    assert.equal(run.signal, null, `still waiting after 60 s:\n${run.stderr}`);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /error\[store\.lock_timeout\]/);
    assertHintNamesLimit({ hint: /hint: (.*)/.exec(run.stderr)?.[1] ?? '' }, 'lock-wait');
  } finally {
    await lock.release();
  }
}

function startCli(sandbox: CliSandbox, args: string[], guardMs: number) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: sandbox.cwd, env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.resume();
  const guard = setTimeout(() => child.kill('SIGKILL'), guardMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr });
    }),
  );
  return { child, exited };
}

/** What an install leaves in the store besides a finished install: temp files, partial dirs, locks. */
function leftovers(sandbox: CliSandbox): string[] {
  return [...listFiles(join(sandbox.protoHome, 'temp')), ...listFiles(join(sandbox.protoHome, 'tools')).filter((file) => !/\/(manifest|remote-versions[^/]*)\.json$/.test(file))];
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('finding 4: deadlines', { concurrency: true }, () => {
  it('a server below the minimum speed is given up (once, not retried) and nothing is left', async () => {
    fixture.dist.server.fault(ARCHIVE, { trickleBytes: 1, trickleEveryMs: 200 });
    const sandbox = fixture.sandboxWith((url) =>
      fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings.limits]\ndownload-min-speed = 1024\ndownload-min-speed-window = 2\n'),
    );
    const before = fixture.dist.server.requestsFor(ARCHIVE).length;
    const run = await startCli(sandbox, ['install', 'disttool', '1.0.0'], 60_000).exited;
    assert.equal(run.signal, null, `still downloading after 60 s:\n${run.stderr}`);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /error\[net\.too_slow\]/);
    assert.match(run.stderr, /download-min-speed/);
    assert.equal(fixture.dist.server.requestsFor(ARCHIVE).length - before, 1, 'a slow server is not asked again');
    assert.deepEqual(leftovers(sandbox), []);
  });

  it('an install waiting for another live install of the same version gives up after lock-wait, naming the setting', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings.limits]\nlock-wait = 1\n'));
    const store = new Store({ root: sandbox.protoHome, env: {} });
    // This test process is the "other install": alive, holding the lock.
    await assertGivesUpOnLock(sandbox, store, ['install', 'disttool', '1.0.0', '--json']);
  });

  it('an uninstall waiting for a live install of the same version gives up after lock-wait, naming the setting', async () => {
    // A path of its own, so the trickle of the first test does not interfere.
    for (const file of [ARCHIVE, '/index.json', '/v1.0.0/SHASUMS256.txt']) fixture.dist.server.setFile(`/uninstall${file}`, readDist(file));
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: `${url}/uninstall` } }, '[settings.limits]\nlock-wait = 1\n'));
    const installed = await startCli(sandbox, ['install', 'disttool', '1.0.0'], 60_000).exited;
    assert.equal(installed.code, 0, installed.stderr);
    const store = new Store({ root: sandbox.protoHome, env: {} });
    await assertGivesUpOnLock(sandbox, store, ['uninstall', 'disttool', '1.0.0', '--yes']);
  });

  it('Ctrl-C during a download stops it, removes the partial download and the lock, and exits 130', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: `${url}/slow` } }));
    // A path of its own, so the trickle of the first test does not interfere.
    fixture.dist.server.setFile(`/slow${ARCHIVE}`, readDist(ARCHIVE));
    fixture.dist.server.setFile('/slow/index.json', readDist('/index.json'));
    fixture.dist.server.setFile('/slow/v1.0.0/SHASUMS256.txt', readDist('/v1.0.0/SHASUMS256.txt'));
    fixture.dist.server.fault(`/slow${ARCHIVE}`, { trickleBytes: 10, trickleEveryMs: 100 });
    const { child, exited } = startCli(sandbox, ['install', 'disttool', '1.0.0'], 60_000);
    // Mid-body: the archive was asked for, and unpacking has begun (the staging dir is made before
    // the request); a small archive is kept in memory, a larger one would be in the temp dir.
    const stagingDir = join(sandbox.protoHome, 'tools/disttool/.partial-1.0.0');
    await until(() => fixture.dist.server.requestsFor(`/slow${ARCHIVE}`).length > 0 && existsSync(stagingDir), 'the download to start');
    child.kill('SIGINT');
    const run = await exited;
    assert.equal(run.signal, null, `the CLI died of the signal instead of cleaning up:\n${run.stderr}`);
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted/);
    assert.deepEqual(leftovers(sandbox), [], 'no partial download, no lock');
    assert.ok(!existsSync(join(sandbox.protoHome, 'tools/disttool/1.0.0')));
  });
});

function readDist(path: string): Buffer {
  return readFileSync(join(fixture.dist.dir, path));
}
