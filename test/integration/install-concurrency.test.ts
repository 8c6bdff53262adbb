/**
 * Real processes racing for one install: the per-version lock makes exactly one of them
 * download, the others wait and then find it installed. A process killed with SIGKILL mid-install
 * leaves a stale lock and partial files; the next install takes the lock over and succeeds.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installTool } from '../../src/install/index.js';
import { Store } from '../../src/store/index.js';
import { startDistServer, type DistServer } from '../../test-utils/dist-server.js';
import { makeTar, writeTree } from '../support/archives.js';
import { spawnInstallChild } from '../support/child-process.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { listFiles } from '../support/temp-store.js';

const NAME = 'demo-1.0.0.tar.gz';
let server: DistServer;
let work: string;
let blobHash: string;

before(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'proto-concurrency-')));
  const blob = randomBytes(2 * 1024 * 1024);
  blobHash = createHash('sha256').update(blob).digest('hex');
  writeTree(join(work, 'src'), {
    'demo-1.0.0/bin/demo': { content: '#!/bin/sh\necho concurrent\n', mode: 0o755 },
    'demo-1.0.0/lib/blob.bin': blob,
  });
  const dist = join(work, 'dist');
  execFileSync('mkdir', ['-p', dist]);
  makeTar(join(work, 'src'), join(dist, NAME), 'tar.gz', { members: ['demo-1.0.0'] });
  execFileSync('sh', ['-c', `sha256sum ${NAME} > SHASUMS256.txt`], { cwd: dist });
  server = await startDistServer({ root: dist });
});
after(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function childConfig(storeRoot: string) {
  return {
    storeRoot,
    version: '1.0.0',
    downloadUrl: server.urlFor(`/${NAME}`),
    checksumUrl: server.urlFor('/SHASUMS256.txt'),
    archivePrefix: 'demo-1.0.0',
  };
}

function assertCompleteInstall(dir: string): void {
  assert.equal(execFileSync(join(dir, 'bin/demo'), { encoding: 'utf8' }).trim(), 'concurrent');
  assert.equal(createHash('sha256').update(readFileSync(join(dir, 'lib/blob.bin'))).digest('hex'), blobHash);
}

describe('cross-process installs', () => {
  it('8 processes install one version: one download, all exit 0, one complete install', async () => {
    const storeRoot = join(work, 'store-8');
    const mark = server.requests.length;
    let release!: () => void;
    // Hold the archive's response until every other process is waiting for the lock.
    server.fault(`/${NAME}`, { hold: new Promise<void>((resolve) => (release = resolve)) });
    const children = await Promise.all(Array.from({ length: 8 }, () => spawnInstallChild(childConfig(storeRoot))));
    try {
      // Seven must wait for the lock (the eighth holds it): watch their output, not the clock.
      const waiting = () => children.filter((c) => c.lines.includes('waiting-for-lock')).length;
      while (waiting() < 7 && children.every((c) => c.process.exitCode === null)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(waiting(), 7, children.map((c) => c.stderr).join('\n'));
      release();
      const codes = await Promise.all(children.map((c) => c.exited));
      assert.deepEqual(codes, Array(8).fill(0), children.map((c) => c.stderr).join('\n'));
    } finally {
      release();
      server.clearFaults();
      for (const child of children) child.process.kill('SIGKILL');
    }
    const archiveRequests = server.requests.slice(mark).filter((r) => r.path === `/${NAME}`);
    assert.equal(archiveRequests.length, 1, 'exactly one download');
    const results = children.map((c) => JSON.parse(c.lines.at(-1)!) as { installed: boolean; dir: string });
    assert.equal(results.filter((r) => r.installed).length, 1, 'one process installed, the others found it installed');
    const store = new Store({ root: storeRoot, env: {} });
    assertCompleteInstall(store.inventory('demo').productDir('1.0.0'));
    assert.deepEqual((await store.inventory('demo').readManifest()).installed_versions, ['1.0.0']);
    assert.deepEqual(listFiles(store.tempDir), [], 'no lock or download left in temp/');
    assert.deepEqual(readdirSync(store.inventory('demo').dir).sort(), ['1.0.0', 'manifest.json']);
  });

  it("runs the caller's pre_install when the version it saw installed was gone once the lock was its own", async () => {
    const store = new Store({ root: join(work, 'store-gone'), env: {} });
    const plugin = createFakePlugin({ download: { download_url: server.urlFor(`/${NAME}`), checksum_url: server.urlFor('/SHASUMS256.txt'), archive_prefix: 'demo-1.0.0' } });
    assert.equal((await installTool({ store, plugin, version: '1.0.0' })).installed, true);
    // Another holder of the lock (an uninstall) while the install looks: it sees 1.0.0 installed.
    const held = await store.lockVersion('demo', '1.0.0');
    let waiting!: () => void;
    const waits = new Promise<void>((resolve) => (waiting = resolve));
    let hooks = 0;
    const install = installTool({
      store,
      plugin,
      version: '1.0.0',
      beforeInstall: async () => void hooks++,
      onProgress: (progress) => progress.phase === 'wait-lock' && waiting(),
    });
    try {
      await waits;
      // The holder uninstalls it, then lets go.
      rmSync(store.inventory('demo').productDir('1.0.0'), { recursive: true });
      await store.inventory('demo').updateManifest((manifest) => void (manifest.installed_versions = []));
    } finally {
      await held.release();
    }
    const result = await install;
    assert.equal(result.installed, true);
    assert.equal(hooks, 1, 'pre_install ran once, under the lock');
    assertCompleteInstall(result.dir);
  });

  it('SIGKILL during an install, then a new install succeeds', async () => {
    const storeRoot = join(work, 'store-kill');
    const store = new Store({ root: storeRoot, env: {} });
    // Send part of the body, then stall: the child is mid-download, holding the lock.
    server.fault(`/${NAME}`, { stallAfter: 256 * 1024 });
    const child = await spawnInstallChild(childConfig(storeRoot));
    try {
      await Promise.race([child.waitForLine('downloading'), child.exited]);
      assert.ok(child.lines.includes('downloading'), `the child should be downloading: ${child.stderr}`);
      assert.ok(existsSync(store.versionLockPath('demo', '1.0.0')), 'the child holds the lock');
      child.process.kill('SIGKILL');
      assert.equal(await child.exited, 'SIGKILL');
    } finally {
      server.clearFaults();
      child.process.kill('SIGKILL');
    }
    // The dead process left its lock and a partial install behind (the staging dir, and the
    // partial download when it was not kept in memory).
    const stagingDir = store.inventory('demo').stagingDir('1.0.0');
    assert.ok(existsSync(store.versionLockPath('demo', '1.0.0')));
    assert.ok(existsSync(stagingDir) || listFiles(store.versionTempDir('demo', '1.0.0')).length > 0, 'a partial install is left');
    assert.equal(await store.isVersionLocked('demo', '1.0.0'), false, 'the lock is stale');

    const plugin = createFakePlugin({ download: { download_url: server.urlFor(`/${NAME}`), checksum_url: server.urlFor('/SHASUMS256.txt'), archive_prefix: 'demo-1.0.0' } });
    const result = await installTool({ store, plugin, version: '1.0.0' });
    assert.equal(result.installed, true);
    assertCompleteInstall(result.dir);
    assert.deepEqual(listFiles(store.tempDir), [], 'the stale lock and partial download are gone');
    assert.equal(existsSync(stagingDir), false, 'the stale staging dir is gone');
  });
});
