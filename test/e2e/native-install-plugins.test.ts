/**
 * A plugin shaped like proto's rust plugin, end to end with the built CLI: the nativetool
 * fixture installs through its own tool manager (`fakeup`, a stand-in for rustup that this test
 * puts on PATH) into the manager's dir, which it names with `inventory_options.override_dir`,
 * with a `version_suffix` on every version dir. proto must find those installs again (bin, run,
 * "already installed"), keep its manifest under ~/.proto/tools, and uninstall through the plugin.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectHost } from '../../src/host/index.js';
import { fixturePlugin } from '../support/fixtures.js';
import { useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();

/** The stand-in for rustup: keeps toolchains in ~/.fakeup/toolchains and logs every call. */
const FAKEUP = `#!/bin/sh
home="$HOME/.fakeup"
mkdir -p "$home/toolchains"
echo "$*" >> "$home/calls.log"
case "$1 $2" in
  "toolchain list") ls "$home/toolchains" ;;
  "toolchain install")
    mkdir -p "$home/toolchains/$3/bin"
    printf '#!/bin/sh\\necho "fakec %s $*"\\n' "$3" > "$home/toolchains/$3/bin/fakec"
    chmod +x "$home/toolchains/$3/bin/fakec" ;;
  "toolchain uninstall") rm -rf "$home/toolchains/$3" ;;
  *) echo "fakeup: unknown command: $*" >&2; exit 2 ;;
esac
`;

const host = detectHost();
const SUFFIX = `-${host.arch}-${host.os}`;

interface NativeSandbox {
  sandbox: CliSandbox;
  env: NodeJS.ProcessEnv;
  toolchains: string;
  calls(): string[];
  run(args: string[]): ReturnType<CliSandbox['run']>;
}

function nativeSandbox(settings: string[] = [], pins: string[] = []): NativeSandbox {
  const sandbox = fixture.sandboxWith(() =>
    [...pins, '', '[plugins.tools]', `native = "file://${fixturePlugin('nativetool')}"`, '', '[tools.native]', ...settings, ''].join('\n'),
  );
  const bin = join(sandbox.root, 'fakebin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'fakeup'), FAKEUP);
  chmodSync(join(bin, 'fakeup'), 0o755);
  const env = { PATH: `${bin}:${sandbox.env.PATH}` };
  const calls = join(sandbox.home, '.fakeup/calls.log');
  return {
    sandbox,
    env,
    toolchains: join(sandbox.home, '.fakeup/toolchains'),
    calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []),
    run: (args) => sandbox.run(args, { env }),
  };
}

describe('a natively installed plugin with override_dir and version_suffix (rust shape)', () => {
  it('installs once through the tool manager, then finds, runs and uninstalls it through the plugin', async () => {
    const native = nativeSandbox();
    const { sandbox, toolchains } = native;
    const productDir = join(toolchains, `1.80.0${SUFFIX}`);

    const installed = await native.run(['install', 'native', '1.80.0']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /native 1\.80\.0 installed/);
    assert.deepEqual(native.calls(), ['toolchain list', `toolchain install 1.80.0${SUFFIX}`]);
    assert.ok(existsSync(join(productDir, 'bin/fakec')));
    assert.equal(existsSync(join(sandbox.protoHome, 'tools/native/1.80.0')), false, 'nothing is installed under ~/.proto/tools');

    // proto's records stay in the store, with the suffix of the version dir.
    const manifest = JSON.parse(readFileSync(join(sandbox.protoHome, 'tools/native/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.installed_versions, ['1.80.0']);
    assert.equal(manifest.versions['1.80.0'].suffix, SUFFIX);

    const bin = await native.run(['bin', 'native', '1.80.0']);
    assert.equal(bin.code, 0, bin.stderr);
    assert.equal(bin.stdout.trim(), join(productDir, 'bin/fakec'));

    const run = await native.run(['run', 'native', '1.80.0', '--', 'build']);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, `fakec 1.80.0${SUFFIX} build\n`);
    assert.ok(existsSync(join(productDir, '.last-used')), 'the run is recorded in the version dir, where `clean` reads it');

    const again = await native.run(['install', 'native', '1.80.0']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /native 1\.80\.0 already installed/);
    assert.equal(native.calls().length, 2, 'the tool manager was not asked again');

    const listed = await native.run(['list', 'native', '--json']);
    assert.deepEqual(JSON.parse(listed.stdout).tools[0].versions.map((v: { version: string }) => v.version), ['1.80.0']);

    const removed = await native.run(['uninstall', 'native', '1.80.0']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(native.calls().at(-1), `toolchain uninstall 1.80.0${SUFFIX}`);
    assert.equal(existsSync(productDir), false);
    const after = JSON.parse(readFileSync(join(sandbox.protoHome, 'tools/native/manifest.json'), 'utf8'));
    assert.deepEqual(after.installed_versions, []);
    assert.ok(existsSync(toolchains), "the tool manager's own dir is left alone");
  });

  it('sync_manifest records what the tool manager installed behind proto\'s back', async () => {
    const native = nativeSandbox();
    // Installed with the manager directly, as `rustup toolchain install` would.
    const direct = join(native.toolchains, `1.79.0${SUFFIX}`, 'bin');
    mkdirSync(direct, { recursive: true });
    writeFileSync(join(direct, 'fakec'), '#!/bin/sh\necho direct\n', { mode: 0o755 });
    mkdirSync(join(native.toolchains, 'stable' + SUFFIX)); // a channel, not a version: ignored

    assert.equal((await native.run(['install', 'native', '1.80.1'])).code, 0);
    const manifest = JSON.parse(readFileSync(join(native.sandbox.protoHome, 'tools/native/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.installed_versions, ['1.79.0', '1.80.1']);
    const bin = await native.run(['bin', 'native', '1.79.0']);
    assert.equal(bin.stdout.trim(), join(direct, 'fakec'), bin.stderr);
  });

  it('override_dir_name renames the inventory dir that holds the manifest', async () => {
    const native = nativeSandbox(['inventory-name = "native-records"']);
    assert.equal((await native.run(['install', 'native', '1.80.0'])).code, 0);
    const manifest = JSON.parse(readFileSync(join(native.sandbox.protoHome, 'tools/native-records/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.installed_versions, ['1.80.0']);
    assert.equal(existsSync(join(native.sandbox.protoHome, 'tools/native')), false);
    const again = await native.run(['install', 'native', '1.80.0']);
    assert.match(again.stdout, /already installed/, again.stderr);
  });

  it('a relative override_dir is refused with the plugin named', async () => {
    const native = nativeSandbox(['override-dir = "toolchains"']);
    const result = await native.run(['install', 'native', '1.80.0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /plugin\.invalid_inventory_dir/);
    assert.match(result.stderr, /Plugin "native" asks to keep its versions in "toolchains", which is not an absolute directory/);
    assert.deepEqual(native.calls(), []);
  });

  it('a failing tool manager fails the install with its message and records nothing', async () => {
    const native = nativeSandbox();
    writeFileSync(join(native.sandbox.root, 'fakebin/fakeup'), '#!/bin/sh\necho "no network" >&2\nexit 1\n');
    const result = await native.run(['install', 'native', '1.80.0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /native failed to install 1\.80\.0: fakeup toolchain list exited with 1: no network/);
    assert.equal(existsSync(join(native.sandbox.protoHome, 'tools/native/manifest.json')), false);
  });
});

const DAY_MS = 24 * 60 * 60 * 1000;
const RENAMED = 'inventory-name = "native-records"';

/** `proto <args> --json` that must succeed, parsed. */
async function runJson(native: NativeSandbox, args: string[]): Promise<any> {
  const result = await native.run([...args, '--json']);
  assert.equal(result.code, 0, `proto ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('every command reads versions where the plugin\'s inventory puts them', () => {
  it('list, status, versions, exec, activate, regen and diagnose see a renamed inventory and the override dir', async () => {
    // Records in tools/native-records, versions in ~/.fakeup/toolchains/<version><suffix>.
    const native = nativeSandbox([RENAMED, 'link-exes = true'], ['native = "1.80"']);
    const { sandbox, toolchains } = native;
    for (const version of ['1.79.0', '1.80.0']) {
      const installed = await native.run(['install', 'native', version]);
      assert.equal(installed.code, 0, installed.stderr);
    }
    const productDir = (version: string) => join(toolchains, `${version}${SUFFIX}`);
    assert.equal(existsSync(join(sandbox.protoHome, 'tools/native')), false);

    // list: under the tool's id, not the inventory dir's name.
    const listed = await runJson(native, ['list']);
    assert.deepEqual(
      listed.tools.map((tool: { id: string; versions: Array<{ version: string }> }) => [tool.id, tool.versions.map((item) => item.version)]),
      [['native', ['1.80.0', '1.79.0']]],
    );
    assert.deepEqual(listed.tools[0].detected, { spec: '~1.80', source: join(sandbox.cwd, '.prototools'), version: '1.80.0' });
    const one = await runJson(native, ['list', 'native']);
    assert.deepEqual(one.tools[0].versions.map((item: { version: string }) => item.version), ['1.80.0', '1.79.0']);

    // status: installed, in the override dir.
    const status = await runJson(native, ['status']);
    assert.deepEqual(
      status.tools.map(({ id, spec, version, installed, dir }: Record<string, unknown>) => ({ id, spec, version, installed, dir })),
      [{ id: 'native', spec: '~1.80', version: '1.80.0', installed: true, dir: productDir('1.80.0') }],
    );

    // versions --installed: the manifest of the renamed inventory.
    const versions = await runJson(native, ['versions', 'native', '--installed']);
    assert.deepEqual(
      versions.versions.map((item: { version: string; installedAt?: string }) => [item.version, typeof item.installedAt]),
      [
        ['1.80.0', 'string'],
        ['1.79.0', 'string'],
      ],
    );

    // exec: the version dirs in the override dir first on PATH (the configured one, or the one asked for).
    const exec = await native.run(['exec', 'native', '--', 'fakec', 'build']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, `fakec 1.80.0${SUFFIX} build\n`);
    const older = await native.run(['exec', 'native@1.79', '--', 'fakec']);
    assert.equal(older.stdout, `fakec 1.79.0${SUFFIX} \n`, older.stderr);
    assert.ok(existsSync(join(productDir('1.79.0'), '.last-used')), 'exec records the use in the version dir');

    // activate: the configured version's bin dir.
    const activated = await runJson(native, ['activate', 'bash', '--export']);
    assert.equal(activated.paths[0], join(productDir('1.80.0'), 'bin'));

    // diagnose: the shim's tool has installed versions (they are in the renamed inventory).
    const diagnose = await native.run(['diagnose', '--json']);
    const problems = JSON.parse(diagnose.stdout);
    assert.deepEqual([...problems.errors, ...problems.warnings].filter((issue: { message: string }) => /fakec|native/.test(issue.message)), [], diagnose.stdout);

    // regen --bin: shims rewritten and bins relinked into the override dir, nothing skipped.
    const regen = await runJson(native, ['regen', '--bin']);
    assert.deepEqual(regen.skipped, []);
    assert.deepEqual(regen.shims, ['fakec']);
    assert.deepEqual(regen.bins, ['fakec', 'fakec-1', 'fakec-1.79', 'fakec-1.80']);
    assert.equal(readlinkSync(join(sandbox.protoHome, 'bin/fakec')), join(productDir('1.80.0'), 'bin/fakec'));
    assert.equal(readlinkSync(join(sandbox.protoHome, 'bin/fakec-1.79')), join(productDir('1.79.0'), 'bin/fakec'));
  });

  for (const [layout, settings] of [
    ['the default inventory dir', []],
    ['a renamed inventory dir', [RENAMED]],
  ] as const) {
    it(`clean reads .last-used in the override dir (${layout}) and uninstalls through the plugin`, async () => {
      const native = nativeSandbox([...settings]);
      const { sandbox, toolchains } = native;
      for (const version of ['1.79.0', '1.80.1']) assert.equal((await native.run(['install', 'native', version])).code, 0);
      const manifestPath = join(sandbox.protoHome, 'tools', settings.length > 0 ? 'native-records' : 'native', 'manifest.json');
      const now = Date.now();
      // 1.79.0: installed just now, last run 40 days ago. 1.80.1: installed long ago, run just now.
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      manifest.versions['1.79.0'].installed_at = now;
      manifest.versions['1.80.1'].installed_at = now - 100 * DAY_MS;
      writeFileSync(manifestPath, JSON.stringify(manifest));
      const usedAt = (version: string, at: number) => {
        const file = join(toolchains, `${version}${SUFFIX}`, '.last-used');
        writeFileSync(file, String(at));
        utimesSync(file, at / 1000, at / 1000);
      };
      usedAt('1.79.0', now - 40 * DAY_MS);
      usedAt('1.80.1', now);

      const report = await runJson(native, ['clean', '--days', '30', '--yes']);
      assert.deepEqual(report.tools.map(({ id, version }: { id: string; version: string }) => `${id} ${version}`), ['native 1.79.0']);
      assert.ok(report.tools[0].bytes > 0, 'the size is that of the version dir in the override dir');
      assert.equal(native.calls().at(-1), `toolchain uninstall 1.79.0${SUFFIX}`);
      assert.equal(existsSync(join(toolchains, `1.79.0${SUFFIX}`)), false);
      assert.ok(existsSync(join(toolchains, `1.80.1${SUFFIX}`, 'bin/fakec')));
      assert.deepEqual(JSON.parse(readFileSync(manifestPath, 'utf8')).installed_versions, ['1.80.1']);
    });
  }
});
