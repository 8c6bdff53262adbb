/**
 * Plugins shaped like proto's node_depman (npm, pnpm, yarn), end to end with the built CLI:
 * the depman fixture writes its executable (a wrapper script) through WASI, which cannot chmod,
 * and asks for `update_perms`; and it `requires` another tool (npm requires node), here
 * disttool, which `proto install` must install first.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runFile } from '../support/cli.js';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

/** disttool and depman (whose `[tools.depman]` gets `depman` lines), with `pins`: { id: spec }. */
function config(distUrl: string, pins: Record<string, string>, depman: string[] = []): string {
  return fixtureToolsConfig({
    disttool: { distUrl, pin: pins.disttool },
    depman: { distUrl, pin: pins.depman, plugin: 'depman', settings: depman },
  });
}

const isExecutable = (path: string) => (statSync(path).mode & 0o111) !== 0;

describe('a package-manager plugin (node_depman shape)', () => {
  it('installs what it requires first, then its executable written through WASI runs: run, bin, shim', async () => {
    // check-requires: depman's pre_install fails unless disttool is already installed.
    const sandbox = fixture.sandboxWith((url) => config(url, { depman: '2.1.0', disttool: '2.1.0' }, ['check-requires = true']));
    const installed = await sandbox.run(['install']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /depman 2\.1\.0 installed/);

    const wrapper = join(sandbox.protoHome, 'tools/depman/2.1.0/shims/depman');
    assert.equal(isExecutable(wrapper), false, 'the plugin wrote its wrapper through WASI, which cannot make it executable');

    const bin = await sandbox.run(['bin', 'depman']);
    assert.equal(bin.code, 0, bin.stderr);
    assert.equal(bin.stdout.trim(), wrapper);
    assert.ok(isExecutable(wrapper), '`proto bin` located it: update_perms made it executable');

    const run = await sandbox.run(['run', 'depman', '--', 'hello']);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, 'disttool 2.1.0 depman hello\n');

    const shim = join(sandbox.protoHome, 'shims/depman');
    for (const attempt of ['slow path', 'cached']) {
      const result = await runFile(shim, ['via', 'shim'], { cwd: sandbox.cwd, env: sandbox.env });
      assert.equal(result.stdout, 'disttool 2.1.0 depman via shim\n', `${attempt}: ${result.stderr}`);
    }
  });

  it('`proto run` makes it executable too (the shims\' slow path)', async () => {
    const sandbox = fixture.sandboxWith((url) => config(url, { depman: '2.1.0', disttool: '2.1.0' }));
    assert.equal((await sandbox.run(['install'])).code, 0);
    const run = await sandbox.run(['run', 'depman', '--', 'first']);
    assert.equal(run.stdout, 'disttool 2.1.0 depman first\n', run.stderr);
  });

  it('refuses to install it while the tool it requires is missing, naming that tool', async () => {
    const sandbox = fixture.sandboxWith((url) => config(url, { depman: '2.1.0' }));
    const all = await sandbox.run(['install']);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /depman requires disttool, which is not installed/);
    assert.match(all.stderr, /proto install disttool/);

    const one = await sandbox.run(['install', 'depman', '2.1.0']);
    assert.equal(one.code, 1);
    assert.match(one.stderr, /depman requires disttool, which is not installed/);

    assert.equal((await sandbox.run(['install', 'disttool', '2.1.0'])).code, 0);
    const after = await sandbox.run(['install', 'depman', '2.1.0']);
    assert.equal(after.code, 0, after.stderr);
  });

  it('a tool whose requirement failed to install fails with that reason', async () => {
    // disttool 9.9.9 does not exist: its install fails, and depman's is not attempted.
    const sandbox = fixture.sandboxWith((url) => config(url, { depman: '2.1.0', disttool: '9.9.9' }, ['check-requires = true']));
    const all = await sandbox.run(['install']);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /depman 2\.1\.0: depman requires disttool, which failed to install/);
  });

  it('tools that require each other fail with the cycle named, without deadlocking the others', async () => {
    const sandbox = fixture.sandboxWith((url) =>
      fixtureToolsConfig({
        left: { distUrl: url, pin: '2.1.0', plugin: 'depman', settings: ['requires = ["right"]'] },
        right: { distUrl: url, pin: '2.1.0', plugin: 'depman', settings: ['requires = ["left"]'] },
        disttool: { distUrl: url, pin: '2.1.0' },
      }),
    );
    const all = await sandbox.run(['install']);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /left cannot be installed: its plugins require each other \(left → right → left\)/);
    assert.match(all.stdout, /disttool 2\.1\.0 installed/);
  });
});
