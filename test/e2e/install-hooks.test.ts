/**
 * The install hooks of plugin-api §7.2 run in order around a real install: `pre_install` before the
 * download, `post_install` after pinning (told whether it pinned), neither when the version is
 * already there; `sync_manifest` can replace the installed list. The disttool fixture announces
 * its hooks on stderr when its config says `announce-hooks = true`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const hookLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('disttool pre_install') || line.startsWith('disttool post_install'));

describe('install hooks', { concurrency: true }, () => {
  it('pre_install then post_install around an install; none when already installed', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, settings: ['announce-hooks = true'] } }));
    const first = await sandbox.run(['install', 'disttool', '2.0.0', '--pin']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(hookLines(first.stderr), ['disttool pre_install 2.0.0 forced=false pinned=false', 'disttool post_install 2.0.0 forced=false pinned=true']);

    const again = await sandbox.run(['install', 'disttool', '2.0.0']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(hookLines(again.stderr), []);

    const forced = await sandbox.run(['install', 'disttool', '2.0.0', '--force']);
    assert.deepEqual(hookLines(forced.stderr), ['disttool pre_install 2.0.0 forced=true pinned=false', 'disttool post_install 2.0.0 forced=true pinned=false']);
  });

  it('sync_manifest replaces the installed versions with what the plugin reports', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, settings: ['sync-versions = ["2.1.0", "1.0.0"]'] } }));
    const result = await sandbox.run(['install', 'disttool', '2.1.0']);
    assert.equal(result.code, 0, result.stderr);
    const manifest = JSON.parse(readFileSync(join(sandbox.protoHome, 'tools/disttool/manifest.json'), 'utf8')) as {
      installed_versions: string[];
      versions: Record<string, { installed_at: number }>;
    };
    assert.deepEqual(manifest.installed_versions, ['1.0.0', '2.1.0']);
    assert.equal(typeof manifest.versions['1.0.0']?.installed_at, 'number');
  });
});
