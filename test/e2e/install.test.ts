/**
 * `proto install` end to end: the built CLI, a sandboxed HOME/PROTO_HOME, the disttool fixture
 * plugin and a real dist tree (tar.gz + SHASUMS256.txt) on a local server.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectHost } from '../../src/host/index.js';
import { assertJsonSnapshot } from '../../test-utils/index.js';
import { fixtureToolsConfig, progressLines, useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const testFile = fileURLToPath(import.meta.url);
const fixture = useCliFixture();
const { sandboxWith } = fixture;

function manifestVersions(sandbox: CliSandbox, id: string): string[] {
  const path = join(sandbox.protoHome, 'tools', id, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { installed_versions: string[] }).installed_versions : [];
}

describe('proto install <id>', { concurrency: true }, () => {
  it('resolves, installs, reports progress on stderr and the result on stdout; a second run is a no-op', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const first = await sandbox.run(['install', 'disttool', '2.0']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'disttool 2.0.0 installed\n');
    const progress = progressLines(first.stderr);
    // Not a terminal: plain lines, one per phase, no escape codes.
    assert.ok(!first.stderr.includes('\x1b['), first.stderr);
    for (const phase of ['resolving ~2.0', '2.0.0 downloading disttool-v2.0.0-', '2.0.0 verifying', '2.0.0 unpacking', '2.0.0 installed']) {
      assert.ok(progress.some((line) => line.startsWith(`disttool: ${phase}`)), `no "${phase}" line in:\n${first.stderr}`);
    }
    assert.deepEqual(manifestVersions(sandbox, 'disttool'), ['2.0.0']);
    assert.ok(existsSync(join(sandbox.protoHome, 'tools/disttool/2.0.0/bin/disttool')));

    const second = await sandbox.run(['install', 'disttool', '2.0']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'disttool 2.0.0 already installed\n');
  });

  it('loads the download and unpack code while the plugin worker starts, not after the plugin answered', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const result = await sandbox.run(['--log', 'trace', 'install', 'disttool', '2.0']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stderr.split('\n');
    const loaded = lines.indexOf('[TRACE install] install pipeline loaded while the plugin worker starts');
    const workerReady = lines.findIndex((line) => line.startsWith('[TRACE plugin-worker] worker 1 started in '));
    assert.ok(loaded >= 0 && workerReady >= 0, result.stderr);
    assert.ok(loaded < workerReady, `the pipeline loaded after the worker was ready:\n${result.stderr}`);
  });

  it('installs the detected version when no spec is given, and latest when nothing is detected', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    // A version file of the plugin (.disttool-version) decides here.
    sandbox.writeFile('workspace/.disttool-version', '1.4\n');
    const detected = await sandbox.run(['install', 'disttool', '--json']);
    assert.equal(detected.code, 0, detected.stderr);
    assertJsonSnapshot('install detected --json', JSON.parse(detected.stdout), { testFile, placeholders: sandbox.placeholders });

    const elsewhere = sandbox.writeFile('elsewhere/.prototools', fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }));
    const latest = await sandbox.run(['install', 'disttool'], { cwd: join(elsewhere, '..') });
    assert.equal(latest.code, 0, latest.stderr);
    assert.equal(latest.stdout, 'disttool 2.1.0 installed\n');
  });

  it('--pin writes the canonical spec to the local file, keeping comments; --pin global to the store', async () => {
    const sandbox = sandboxWith((url) => `# my project\n${fixtureToolsConfig({ disttool: { distUrl: url } })}`);
    const local = await sandbox.run(['install', 'disttool', '1', '--pin']);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(local.stdout, `disttool 1.4.2 installed\npinned disttool = "~1" in ${join(sandbox.cwd, '.prototools')}\n`);
    const text = sandbox.read('workspace/.prototools');
    assert.match(text, /^# my project\n\[plugins\.tools\]$/m);
    assert.match(text, /^disttool = "~1"$/m);

    const global = await sandbox.run(['install', 'disttool', '2.0.0', '--pin', 'global']);
    assert.equal(global.code, 0, global.stderr);
    assert.equal(sandbox.read('.proto/.prototools'), 'disttool = "2.0.0"\n');
  });

  it('settings.pin-latest pins the resolved version when installing latest', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings]\npin-latest = "local"\n'));
    const result = await sandbox.run(['install', 'disttool', 'latest']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /pinned disttool = "2\.1\.0"/);
    assert.match(sandbox.read('workspace/.prototools'), /^disttool = "2\.1\.0"$/m);
  });

  it('--force reinstalls an installed version', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    assert.equal((await sandbox.run(['install', 'disttool', '1.0.0'])).code, 0);
    const forced = await sandbox.run(['install', 'disttool', '1.0.0', '--force', '--json']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((JSON.parse(forced.stdout) as { installed: boolean }).installed, true);
  });

  it("locates a fresh install's executables once, again only after a post_script ran; a forced reinstall locates afresh", async () => {
    const locateCalls = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('[TRACE plugin:disttool] locate_executables ')).length;
    const linked = (sandbox: CliSandbox) => ['shims/disttool', 'shims/dtx', 'bin/disttool', 'bin/dtx'].every((path) => existsSync(join(sandbox.protoHome, path)));

    const plain = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const first = await plain.run(['--log', 'trace', 'install', 'disttool', '2.0']);
    assert.equal(first.code, 0, first.stderr);
    // The install's check of its primary executable located it; the shims and bins reuse that answer.
    assert.equal(locateCalls(first.stderr), 1, first.stderr);
    assert.ok(linked(plain));
    // What the metadata cache kept of the first install is not trusted for the files that replace it.
    const forced = await plain.run(['--log', 'trace', 'install', 'disttool', '2.0', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /\[TRACE plugin:disttool\] locate_executables took /);
    assert.equal(locateCalls(forced.stderr), 1, forced.stderr);

    // A post_script runs after that check and may change the files: the links locate again.
    const scripted = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, settings: ['post-script = "bin/dtx"'] } }));
    const withScript = await scripted.run(['--log', 'trace', 'install', 'disttool', '2.0']);
    assert.equal(withScript.code, 0, withScript.stderr);
    assert.equal(locateCalls(withScript.stderr), 2, withScript.stderr);
    assert.ok(linked(scripted));
  });

  it('fails clearly: unknown tool, unknown version, invalid spec, bad --pin value', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const [unknownTool, unknownVersion, badSpec, badPin] = await Promise.all([
      sandbox.run(['install', 'nosuchtool']),
      sandbox.run(['install', 'disttool', '9.9.9']),
      sandbox.run(['install', 'disttool', 'not a spec']),
      sandbox.run(['install', 'disttool', '--pin', 'somewhere']),
    ]);
    for (const result of [unknownTool, unknownVersion, badSpec, badPin]) {
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^error\[[a-z_]+\.[a-z_.]+\]: .+\nhint: .+/m);
    }
    assert.match(unknownTool.stderr, /error\[tool\.unknown\]: Unknown tool "nosuchtool".*\nhint: Install a plugin for it \(proto plugin search nosuchtool\).*\[plugins\.tools\].*Known tools: .*disttool/);
    assert.match(unknownVersion.stderr, /error\[version\.resolve_failed\]: No version of disttool matches "9\.9\.9"\. Nearest available: .*2\.1\.0/);
    assert.match(badSpec.stderr, /error\[version\.invalid_spec\]: "not a spec" is not a valid version spec/);
    assert.match(badPin.stderr, /error\[cli\.invalid_option\]: --pin must be local, global or user, got "somewhere"/);
    assert.deepEqual(manifestVersions(sandbox, 'disttool'), []);
  });

  it('fails clearly offline, with and without a cached version list', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const offline = { env: { PROTO_OFFLINE: '1' } };
    const uncached = await sandbox.run(['install', 'disttool', '2.1.0'], offline);
    assert.equal(uncached.code, 1);
    assert.match(uncached.stderr, /^error\[net\.offline_no_cache\]: Cannot resolve disttool 2\.1\.0: proto is offline and no version list is cached\.\nhint: Unset PROTO_OFFLINE/m);
    assert.equal((await sandbox.run(['list-remote', 'disttool'])).code, 0);
    const cached = await sandbox.run(['install', 'disttool', '2.1.0'], offline);
    assert.equal(cached.code, 1);
    assert.match(cached.stderr, /^error\[install\.offline\]: Cannot install disttool 2\.1\.0: proto is offline\.\nhint: /m);
    assert.deepEqual(manifestVersions(sandbox, 'disttool'), []);
  });
});

describe('proto install (every configured tool)', () => {
  it('installs three tools in parallel, one progress line each, then a summary', async () => {
    const releases = { disttool: '2.1.0', othertool: '2.0.0', thirdtool: '1.4.2' };
    const sandbox = sandboxWith((url) =>
      fixtureToolsConfig(Object.fromEntries(Object.entries(releases).map(([id, version]) => [id, { distUrl: url, pin: version }]))),
    );
    // Hold every archive download until all three are in flight: installs that ran one after
    // another would never get there, and the gate would open only by its timeout.
    const archives = Object.values(releases).map((version) => `/v${version}/${archiveName(version)}`);
    let openedBy: 'all-in-flight' | 'timeout' | undefined;
    const gate = new Promise<void>((resolve) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const inFlight = archives.filter((path) => fixture.dist.server.requestsFor(path).length > 0).length;
        if (inFlight === archives.length || Date.now() - started > 20_000) {
          openedBy = inFlight === archives.length ? 'all-in-flight' : 'timeout';
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    for (const path of archives) fixture.dist.server.fault(path, { hold: gate });

    const result = await sandbox.run(['install']);
    for (const path of archives) fixture.dist.server.fault(path, {});
    assert.equal(result.code, 0, result.stderr);
    assert.equal(openedBy, 'all-in-flight');
    assert.equal(result.stdout, 'disttool 2.1.0 installed\nothertool 2.0.0 installed\nthirdtool 1.4.2 installed\n');
    const progress = progressLines(result.stderr);
    for (const [id, version] of Object.entries(releases)) {
      assert.ok(progress.includes(`${id}: ${version} installed`), result.stderr);
      assert.deepEqual(manifestVersions(sandbox, id), [version]);
    }
    assert.equal(progress.at(-1), '3 tools: 3 installed, 0 already installed, 0 failed');

    const again = await sandbox.run(['install', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assertJsonSnapshot('install all again --json', JSON.parse(again.stdout), { testFile, placeholders: sandbox.placeholders });
  });

  it('keeps going when one tool fails, then exits 1 naming each failure', async () => {
    const sandbox = sandboxWith((url) =>
      fixtureToolsConfig({
        disttool: { distUrl: url, pin: '1.0.0' },
        // index.json is not there: load_versions fails with a 404.
        brokentool: { distUrl: `${url}/missing`, pin: '1.0.0' },
      }),
    );
    const result = await sandbox.run(['install', '--json']);
    assert.equal(result.code, 1, result.stderr);
    assertJsonSnapshot('install all with a failure --json', JSON.parse(result.stdout), { testFile, placeholders: sandbox.placeholders });
    assert.match(result.stderr, /^error\[[a-z_.]+\]: brokentool ~?1\.0\.0: .*404/m);
    assert.match(result.stderr, /^error\[install\.failed\]: 1 of 2 tools failed to install: brokentool\nhint: /m);
    assert.deepEqual(manifestVersions(sandbox, 'disttool'), ['1.0.0']);
  });

  it('starts the plugin of each tool once, whatever the steps of its install', async () => {
    const tools = ['disttool', 'othertool', 'thirdtool'];
    const sandbox = sandboxWith((url) => fixtureToolsConfig(Object.fromEntries(tools.map((id) => [id, { distUrl: url, pin: '2.1.0' }]))));
    const result = await sandbox.run(['--log', 'trace', 'install']);
    assert.equal(result.code, 0, result.stderr);
    for (const id of tools) {
      const starts = result.stderr.split('\n').filter((line) => line.startsWith(`[TRACE plugin:${id}] started in `));
      assert.equal(starts.length, 1, `${id}'s plugin started ${starts.length} times:\n${result.stderr}`);
      // Every step it took ran in that one instance: metadata, resolution, install, hooks.
      for (const fn of ['register_tool', 'load_versions', 'download_prebuilt', 'locate_executables', 'post_install']) {
        assert.match(result.stderr, new RegExp(`\\[TRACE plugin:${id}\\] ${fn} took `), `${id} ${fn}`);
      }
    }
  });

  it('writes the shim registry once for every tool; a tool that fails adds nothing and takes nothing from the others', async () => {
    // None is named after an exe: the exe names go to the first tool to link.
    const tools = ['onetool', 'othertool', 'thirdtool'];
    const sandbox = sandboxWith((url) =>
      fixtureToolsConfig({
        ...Object.fromEntries(tools.map((id) => [id, { distUrl: url, pin: '2.0.0' }])),
        brokentool: { distUrl: `${url}/missing`, pin: '1.0.0' },
      }),
    );
    const result = await sandbox.run(['--log', 'trace', 'install']);
    assert.equal(result.code, 1, result.stderr);
    // One update (a lock, a read and a write) for the three, not one per tool.
    const updates = result.stderr.split('\n').filter((line) => /^\[TRACE shims\] .*registry\.json (written|unchanged)/.test(line));
    assert.equal(updates.length, 1, result.stderr);
    assert.match(updates[0]!, /written \(2 entries\)$/);
    // The three tools share their exe names: the first to link owns both, and its bins are the ones linked.
    const registry = JSON.parse(readFileSync(join(sandbox.protoHome, 'shims/registry.json'), 'utf8')) as Record<string, { context?: string }>;
    assert.deepEqual(Object.keys(registry), ['disttool', 'dtx']);
    const owner = registry.dtx!.context!;
    assert.ok(tools.includes(owner), owner);
    assert.equal(registry.disttool!.context, owner);
    for (const name of ['disttool', 'dtx']) {
      assert.ok(existsSync(join(sandbox.protoHome, 'shims', name)), name);
      assert.match(readlinkSync(join(sandbox.protoHome, 'bin', name)), new RegExp(`/tools/${owner}/2\\.0\\.0/`));
    }

    // Nothing changes on a second run: the registry is read, not written.
    const again = await sandbox.run(['--log', 'trace', 'install']);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /^\[TRACE shims\] .*registry\.json unchanged$/m);
    assert.doesNotMatch(again.stderr, /registry\.json written/);
  });

  it('leaves out the global file, and says so when nothing is pinned', async () => {
    const sandbox = sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    sandbox.writeFile('.proto/.prototools', 'disttool = "1.0.0"\n');
    const result = await sandbox.run(['install']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[install\.nothing_configured\]: No tool versions are pinned in \.prototools files from .*\nhint: Pin one with `proto pin <id> <spec>`/);
    assert.deepEqual(manifestVersions(sandbox, 'disttool'), []);
  });
});

/** What the fixture plugin downloads for `version` on this machine (see disttool-dist.ts). */
function archiveName(version: string): string {
  const { os, arch } = detectHost();
  return `disttool-v${version}-${os}-${arch}.tar.gz`;
}
