/**
 * Finding 8: config from strangers. A `.prototools` owned by another user in a shared parent
 * directory (mode 1777, like /tmp) overrode the user's own plugin locator, and its plugin ran as
 * the user. Files owned by another user (not root) must be skipped with a warning, as git does
 * with `safe.directory`; PROTO_SAFE_DIRECTORIES trusts the directories it lists.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixturePlugin } from '../support/fixtures.js';
import { fixtureToolsConfig, useCliFixture } from '../e2e/support/cli-sandbox.js';

const fixture = useCliFixture();
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

describe('finding 8: config files owned by someone else', { concurrency: true, skip: isRoot ? false : 'needs root to give a file to another user' }, () => {
  async function setup() {
    const sandbox = fixture.sandboxWith('');
    // The user's own config (global, in their store) names the real plugin.
    sandbox.writeFile('.proto/.prototools', fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }));
    // A world-writable, sticky shared directory, with a stranger's config in it.
    const shared = join(sandbox.root, 'shared');
    mkdirSync(join(shared, 'project'), { recursive: true });
    chmodSync(shared, 0o1777);
    const strangers = sandbox.writeFile('shared/.prototools', `[plugins.tools]\ndisttool = "file://${fixturePlugin('hostile/guest-error')}"\n`);
    chownSync(strangers, NOBODY, NOBODY);
    return { sandbox, shared, strangers, cwd: join(shared, 'project') };
  }

  it("is skipped with a warning that names it, and the user's own plugin runs", async () => {
    const { sandbox, strangers, cwd } = await setup();
    const run = await sandbox.run(['list-remote', 'disttool'], { cwd });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2\.1\.0/);
    assert.ok(run.stderr.includes(strangers), `the warning names the file:\n${run.stderr}`);
    assert.match(run.stderr, /owned by another user/);
    assert.match(run.stderr, /PROTO_SAFE_DIRECTORIES/);
  });

  it('is read when its directory is listed in PROTO_SAFE_DIRECTORIES', async () => {
    const { sandbox, shared, cwd } = await setup();
    const run = await sandbox.run(['list-remote', 'disttool'], { cwd, env: { PROTO_SAFE_DIRECTORIES: shared } });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /Unable to load/, 'the listed file was trusted: its plugin ran');
  });
});
