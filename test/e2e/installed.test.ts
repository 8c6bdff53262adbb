/**
 * What happens after installs, end to end: `proto list`, `proto bin`, the `~/.proto/bin` links
 * (each runs the highest installed version of its bucket) and `proto uninstall`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertJsonSnapshot } from '../../test-utils/index.js';
import { startDisttoolDist, type DisttoolDist } from '../support/disttool-dist.js';
import { ensureCliBuilt } from '../support/cli.js';
import { createCliSandbox, fixtureToolsConfig, type CliSandbox } from './support/cli-sandbox.js';

const testFile = fileURLToPath(import.meta.url);
const exec = promisify(execFile);
let dist: DisttoolDist;
let sandbox: CliSandbox;

/** Runs a bin link or an executable path and returns its first output line. */
async function runExecutable(path: string): Promise<string> {
  const { stdout } = await exec(path, ['hello'], { env: sandbox.env });
  return stdout.trim();
}

before(async () => {
  await ensureCliBuilt();
  dist = await startDisttoolDist();
  sandbox = createCliSandbox();
  sandbox.writeConfig(fixtureToolsConfig({ disttool: { distUrl: dist.url, pin: '1' } }));
  // One after another: each install relinks the bins from the versions installed so far.
  for (const version of ['1.0.0', '1.4.2', '2.1.0']) {
    const result = await sandbox.run(['install', 'disttool', version]);
    assert.equal(result.code, 0, result.stderr);
  }
});

after(async () => {
  sandbox?.cleanup();
  await dist?.close();
});

describe('after installing disttool 1.0.0, 1.4.2 and 2.1.0 (pinned "1" here)', () => {
  it('proto list shows every installed version, marking the one detected here', async () => {
    const [human, json, unknown] = await Promise.all([
      sandbox.run(['list']),
      sandbox.run(['ls', 'disttool', '--json']),
      sandbox.run(['list', 'nosuchtool']),
    ]);
    assert.equal(human.code, 0, human.stderr);
    const pinFile = join(sandbox.cwd, '.prototools');
    assert.equal(human.stdout, `disttool\n  2.1.0\n  1.4.2  detected here (~1 from ${pinFile})\n  1.0.0\n`);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { tools: Array<{ versions: Array<{ installedAt: string | null }> }> };
    for (const tool of report.tools) {
      for (const version of tool.versions) {
        assert.ok(version.installedAt && !Number.isNaN(Date.parse(version.installedAt)));
        version.installedAt = '<timestamp>';
      }
    }
    assertJsonSnapshot('ls disttool --json', report, { testFile, placeholders: sandbox.placeholders });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error\[tool\.unknown\]: Unknown tool "nosuchtool"/m);
  });

  it('proto bin prints the executable of the detected or given installed version', async () => {
    // A project that configures the plugin but pins no version.
    const outside = join(sandbox.root, 'outside');
    sandbox.writeFile('outside/.prototools', fixtureToolsConfig({ disttool: { distUrl: dist.url } }));
    const [detected, given, shim, missing, undetected] = await Promise.all([
      sandbox.run(['bin', 'disttool']),
      sandbox.run(['bin', 'disttool', '2']),
      sandbox.run(['bin', 'disttool', '--shim']),
      sandbox.run(['bin', 'disttool', '3']),
      sandbox.run(['bin', 'disttool'], { cwd: outside }),
    ]);
    assert.equal(detected.code, 0, detected.stderr);
    assert.equal(detected.stdout, `${join(sandbox.protoHome, 'tools/disttool/1.4.2/bin/disttool')}\n`);
    assert.equal(await runExecutable(detected.stdout.trim()), 'disttool 1.4.2 hello');
    assert.equal(given.stdout, `${join(sandbox.protoHome, 'tools/disttool/2.1.0/bin/disttool')}\n`);
    assert.equal(shim.stdout, `${join(sandbox.protoHome, 'shims/disttool')}\n`);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error\[bin\.not_installed\]: disttool ~3 is not installed\. Installed: 2\.1\.0, 1\.4\.2, 1\.0\.0\.\nhint: Install it with `proto install disttool ~3`\./m);
    assert.equal(undetected.code, 1);
    assert.match(undetected.stderr, /^error\[bin\.no_version\]: No version of disttool is configured for .*\nhint: Pin one with `proto pin disttool <version>`, set PROTO_DISTTOOL_VERSION/m);
  });

  it('~/.proto/bin links run the highest installed version of each bucket', async () => {
    const bin = (name: string) => runExecutable(join(sandbox.protoHome, 'bin', name));
    assert.equal(await bin('disttool'), 'disttool 2.1.0 hello');
    assert.equal(await bin('disttool-1'), 'disttool 1.4.2 hello');
    assert.equal(await bin('disttool-1.0'), 'disttool 1.0.0 hello');
    assert.equal(await bin('disttool-2'), 'disttool 2.1.0 hello');
    assert.match(await bin('dtx'), /^dtx 2\.1\.0 via=direct hello$/);
  });

  it('proto uninstall asks before removing every version, and refuses a version not installed', async () => {
    const [noVersion, notInstalled, both] = await Promise.all([
      sandbox.run(['uninstall', 'disttool']),
      sandbox.run(['uninstall', 'disttool', '9']),
      sandbox.run(['uninstall', 'disttool', '1.0.0', '--all']),
    ]);
    assert.equal(noVersion.code, 1);
    // No terminal to ask on (the test's stdin is not a TTY): nothing is removed without -y.
    assert.match(noVersion.stderr, /^error\[cli\.confirmation_required\]: Uninstall every version of disttool \(2\.1\.0, 1\.4\.2, 1\.0\.0\) and remove its pins\? \(no terminal to ask on\)\nhint: Pass -y/m);
    assert.ok(existsSync(join(sandbox.protoHome, 'tools/disttool/1.0.0')));
    assert.equal(notInstalled.code, 1);
    assert.match(notInstalled.stderr, /^error\[uninstall\.not_installed\]: disttool ~9 is not installed\. Installed: 2\.1\.0, 1\.4\.2, 1\.0\.0\.\nhint: See what is installed with `proto list disttool`\./m);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^error\[cli\.invalid_option\]: Give either a version or --all, not both\./m);
  });

  it('proto uninstall removes one version and re-points the bins; --all removes the rest and the links', async () => {
    const one = await sandbox.run(['uninstall', 'disttool', '2']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, 'disttool 2.1.0 uninstalled\n');
    assert.ok(!existsSync(join(sandbox.protoHome, 'tools/disttool/2.1.0')));
    assert.equal(await runExecutable(join(sandbox.protoHome, 'bin/disttool')), 'disttool 1.4.2 hello');
    assert.ok(!existsSync(join(sandbox.protoHome, 'bin/disttool-2')));

    const all = await sandbox.run(['uninstall', 'disttool', '-y', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const pinFile = join(sandbox.cwd, '.prototools');
    assert.deepEqual(JSON.parse(all.stdout), { tool: 'disttool', uninstalled: ['1.4.2', '1.0.0'], unpinned: [pinFile] });
    assert.doesNotMatch(sandbox.read('workspace/.prototools'), /^disttool = "~1"$/m, 'the pin went with the last version');
    assert.match(sandbox.read('workspace/.prototools'), /^\[plugins\.tools\]$/m, 'the rest of the file stays');
    assert.ok(!existsSync(join(sandbox.protoHome, 'bin/disttool')));
    assert.ok(!existsSync(join(sandbox.protoHome, 'shims/disttool')));

    const list = await sandbox.run(['list']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, '');
    assert.match(list.stderr, /^No tools are installed\.$/m);
  });
});
