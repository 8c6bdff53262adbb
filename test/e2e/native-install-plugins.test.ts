/**
 * A plugin shaped like proto's rust plugin, end to end with the built CLI: the nativetool
 * fixture installs through its own tool manager (`fakeup`, a stand-in for rustup that this test
 * puts on PATH) into the manager's dir, which it names with `inventory_options.override_dir`,
 * with a `version_suffix` on every version dir. proto must find those installs again (bin, run,
 * "already installed"), keep its manifest under ~/.proto/tools, and uninstall through the plugin.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

function nativeSandbox(settings: string[] = []): NativeSandbox {
  const sandbox = fixture.sandboxWith(() =>
    ['[plugins.tools]', `native = "file://${fixturePlugin('nativetool')}"`, '', '[tools.native]', ...settings, ''].join('\n'),
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
