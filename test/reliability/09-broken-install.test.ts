/**
 * Finding 9: a broken install reported as success. An `archive_prefix` that matches nothing
 * installed the tool one folder too deep, said "installed" and exited 0; the follow-up hint
 * (`--force`) could not help. The bomb error's hint named `[settings.unpack]`, which the config
 * rejects as unknown.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHost } from '../../src/host/index.js';
import { installTool } from '../../src/install/index.js';
import { makeTar, writeTree } from '../support/archives.js';
import { disttoolScript } from '../support/disttool-dist.js';
import { createFakePlugin } from '../support/fake-plugin.js';
import { tarGzBomb } from '../support/hostile-archives.js';
import { createTempStore } from '../support/temp-store.js';
import { fixtureToolsConfig, useCliFixture } from '../e2e/support/cli-sandbox.js';
import { assertHintNamesLimit } from './support/limit-hints.js';

const fixture = useCliFixture();
const host = detectHost();

describe('finding 9: an install is only a success when the tool is there', { concurrency: true }, () => {
  it('a release whose top folder the archive_prefix does not match fails, leaves nothing, and does not suggest --force', async () => {
    // The release moved its files under another top folder; the plugin still strips the old one.
    const stem = `disttool-v1.0.0-${host.os}-${host.arch}`;
    const work = join(fixture.dist.dir, '.renamed-work');
    writeTree(work, { 'disttool-1.0.0/bin/disttool': { content: disttoolScript('1.0.0'), mode: 0o755 } });
    const bytes = readFileSync(makeTar(work, join(work, `${stem}.tar.gz`), 'tar.gz', { members: ['disttool-1.0.0'] }));
    const server = fixture.dist.server;
    server.setFile(`/renamed/v1.0.0/${stem}.tar.gz`, bytes);
    server.setFile('/renamed/v1.0.0/SHASUMS256.txt', `${createHash('sha256').update(bytes).digest('hex')}  ${stem}.tar.gz\n`);
    server.setFile('/renamed/index.json', readFileSync(join(fixture.dist.dir, 'index.json')));

    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: `${url}/renamed` } }));
    const run = await sandbox.run(['install', 'disttool', '1.0.0']);
    assert.equal(run.code, 1, `reported as ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, /error\[install\.missing_executable\]/);
    assert.match(run.stderr, /archive_prefix "disttool-v1\.0\.0-/);
    assert.match(run.stderr, /"disttool-1\.0\.0"/, 'the message shows the real top folder');
    assert.doesNotMatch(run.stderr, /--force/);
    assert.ok(!existsSync(join(sandbox.protoHome, 'tools/disttool/1.0.0')), 'no version dir');
    const manifest = join(sandbox.protoHome, 'tools/disttool/manifest.json');
    if (existsSync(manifest)) assert.deepEqual(JSON.parse(readFileSync(manifest, 'utf8')).installed_versions, []);
    assert.ok(!existsSync(join(sandbox.protoHome, 'shims/disttool')), 'no shim');
  });

  it("the bomb error's hint names the setting that binds, one that exists", async () => {
    const temp = createTempStore('proto-rel-bomb-');
    try {
      const archive = tarGzBomb(temp.dir, 64 * 1024 * 1024);
      const server = fixture.dist.server;
      server.setFile('/bomb/bomb.tar.gz', readFileSync(archive));
      const plugin = createFakePlugin({ download: { download_url: server.urlFor('/bomb/bomb.tar.gz') } });
      const refusal = async (unpack: { maxBytes: number; ratioFloorBytes?: number }) => {
        let caught: unknown;
        await installTool({ store: temp.store, plugin, version: '1.0.0', settings: { unpack } }).catch((error) => (caught = error));
        assert.equal((caught as { code?: string }).code, 'install.archive_too_large', String(caught));
        assert.deepEqual(temp.leftoverFiles(), []);
        return caught as { hint?: string };
      };
      // Without the 256 MiB floor, unpack-ratio (200) times the ~64 KB archive is below 32 MiB: the ratio binds.
      const byRatio = await refusal({ maxBytes: 32 * 1024 * 1024, ratioFloorBytes: 0 });
      assertHintNamesLimit(byRatio, 'unpack-ratio');
      assert.doesNotMatch(byRatio.hint ?? '', /unpack-size/);
      // With it, 8 MiB is the lower bound: the size binds.
      const bySize = await refusal({ maxBytes: 8 * 1024 * 1024 });
      assertHintNamesLimit(bySize, 'unpack-size');
      assert.match(bySize.hint ?? '', /\(now 8\)/);
      assert.doesNotMatch(bySize.hint ?? '', /unpack-ratio/);
    } finally {
      temp.cleanup();
    }
  });
});
