/**
 * How `install` and `run` resolve a partial spec (proto's crates/core resolve flow): install
 * resolves against the remote list, so it brings the newest matching release even when an older
 * match is installed; run and shims prefer what is installed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

describe('resolving a partial spec', () => {
  it('install gets the newest matching release; run keeps to what is installed', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    assert.equal((await sandbox.run(['install', 'disttool', '1.0.0'])).code, 0);

    // 1.0.0 is installed and matches "1", but install looks at the remote list: 1.4.2.
    const runOld = await sandbox.run(['run', 'disttool', '1', '--', 'hi']);
    assert.equal(runOld.stdout, 'disttool 1.0.0 hi\n', runOld.stderr);

    const installed = await sandbox.run(['install', 'disttool', '1']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /disttool 1\.4\.2 installed/);

    const runNew = await sandbox.run(['run', 'disttool', '1', '--', 'hi']);
    assert.equal(runNew.stdout, 'disttool 1.4.2 hi\n', runNew.stderr);

    // Once the newest match is installed, installing it again does nothing.
    const again = await sandbox.run(['install', 'disttool', '1']);
    assert.match(again.stdout, /disttool 1\.4\.2 already installed/, again.stderr);
  });
});
