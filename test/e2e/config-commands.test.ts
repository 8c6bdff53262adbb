/**
 * The commands that edit or read configuration, end to end: pin/unpin, alias/unalias,
 * plugin list, a broken .prototools, and every command's --help.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertJsonSnapshot } from '../../test-utils/index.js';
import { fixturePlugin } from '../support/fixtures.js';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const testFile = fileURLToPath(import.meta.url);
const fixture = useCliFixture();
const { sandboxWith } = fixture;

describe('proto pin / unpin', { concurrency: true }, () => {
  it('writes the canonical spec into the chosen file, keeping the rest of it', async () => {
    const sandbox = sandboxWith(`# pins for this project\n${fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } })}`);
    const local = await sandbox.run(['pin', 'disttool', '2']);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(local.stdout, `pinned disttool = "~2" in ${join(sandbox.cwd, '.prototools')}\n`);
    const [global, user] = await Promise.all([
      sandbox.run(['pin', 'disttool', '^1', '--global']),
      sandbox.run(['pin', 'disttool', 'lts-argon', '--to', 'user']),
    ]);
    assert.equal(global.code, 0, global.stderr);
    assert.equal(user.code, 0, user.stderr);
    const text = sandbox.read('workspace/.prototools');
    assert.match(text, /^disttool = "~2"$/m);
    assert.match(text, /^# pins for this project$/m);
    assert.match(text, /^dist-url = /m);
    assert.equal(sandbox.read('.proto/.prototools'), 'disttool = "^1"\n');
    assert.equal(sandbox.read('.home/.prototools'), 'disttool = "lts-argon"\n');

    const replaced = await sandbox.run(['pin', 'disttool', 'latest', '--resolve']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(sandbox.read('workspace/.prototools'), /^disttool = "2\.1\.0"$/m);

    const unpinned = await sandbox.run(['unpin', 'disttool']);
    assert.equal(unpinned.code, 0, unpinned.stderr);
    assert.equal(unpinned.stdout, `unpinned disttool in ${join(sandbox.cwd, '.prototools')}\n`);
    assert.doesNotMatch(sandbox.read('workspace/.prototools'), /^disttool = "2\.1\.0"$/m);
    assert.match(sandbox.read('workspace/.prototools'), /^# pins for this project$/m);
    const globalUnpinned = await sandbox.run(['unpin', 'disttool', '--global']);
    assert.equal(globalUnpinned.code, 0, globalUnpinned.stderr);
    assert.doesNotMatch(sandbox.read('.proto/.prototools'), /disttool/);
  });

  it('fails clearly: invalid spec, unknown tool, bad location, nothing pinned', async () => {
    const sandbox = sandboxWith(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }));
    const [badSpec, unknown, badLocation, conflict, notPinned] = await Promise.all([
      sandbox.run(['pin', 'disttool', '>>1']),
      sandbox.run(['pin', 'nosuchtool', '1']),
      sandbox.run(['pin', 'disttool', '1', '--to', 'moon']),
      sandbox.run(['pin', 'disttool', '1', '--global', '--to', 'local']),
      sandbox.run(['unpin', 'disttool']),
    ]);
    for (const result of [badSpec, unknown, badLocation, conflict, notPinned]) {
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
    }
    assert.match(badSpec.stderr, /^error\[version\.invalid_spec\]: ">>1" is not a valid version spec\nhint: /m);
    assert.match(unknown.stderr, /^error\[tool\.unknown\]: Unknown tool "nosuchtool"/m);
    assert.match(badLocation.stderr, /^error\[cli\.invalid_option\]: --to must be local, global or user, got "moon"/m);
    assert.match(conflict.stderr, /^error\[cli\.invalid_option\]: --global conflicts with --to local/m);
    assert.match(notPinned.stderr, /^error\[config\.not_pinned\]: disttool is not pinned in .*\.prototools\.\nhint: /m);
  });
});

describe('proto alias / unalias', { concurrency: true }, () => {
  it('adds, changes and removes [tools.<id>.aliases] entries that resolution then uses', async () => {
    const sandbox = sandboxWith(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }));
    const added = await sandbox.run(['alias', 'disttool', 'work', '1']);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, `aliased disttool work = "~1" in ${join(sandbox.cwd, '.prototools')}\n`);
    assert.match(sandbox.read('workspace/.prototools'), /^\[tools\.disttool\.aliases\]\nwork = "~1"$/m);
    const versions = await sandbox.run(['list-remote', 'disttool', '--json']);
    assert.equal((JSON.parse(versions.stdout) as { aliases: Record<string, string> }).aliases.work, '~1');

    const removed = await sandbox.run(['unalias', 'disttool', 'work']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch(sandbox.read('workspace/.prototools'), /work =/);
    const again = await sandbox.run(['unalias', 'disttool', 'work']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error\[config\.alias_not_found\]: disttool has no alias "work" in .*\nhint: /m);
  });

  it('refuses invalid alias names and aliases that point at themselves', async () => {
    const sandbox = sandboxWith(fixtureToolsConfig({ disttool: { distUrl: fixture.dist.url } }));
    const [badName, selfLoop, badSpec] = await Promise.all([
      sandbox.run(['alias', 'disttool', '2fast', '1']),
      sandbox.run(['alias', 'disttool', 'work', 'work']),
      sandbox.run(['alias', 'disttool', 'work', '!!']),
    ]);
    assert.match(badName.stderr, /^error\[config\.invalid_alias\]: "2fast" is not a valid alias name\nhint: /m);
    assert.match(selfLoop.stderr, /^error\[config\.invalid_alias\]: The alias "work" cannot point at itself/m);
    assert.match(badSpec.stderr, /^error\[version\.invalid_spec\]: "!!" is not a valid version spec/m);
    for (const result of [badName, selfLoop, badSpec]) assert.equal(result.code, 1);
  });
});

describe('proto plugin list', () => {
  it('lists configured plugins with the file that configures them, then the allowed built-ins', async () => {
    const sandbox = sandboxWith('');
    const wasm = fixturePlugin('disttool');
    // The parent directory configures one plugin, the cwd another plus a per-tool override.
    sandbox.writeFile('.prototools', `[plugins.tools]\nparenttool = "file://${wasm}"\n`);
    sandbox.writeConfig(
      [`[plugins]`, `legacytool = "file://${wasm}"`, '', '[tools.node]', `plugin = "file://${wasm}"`, '', '[settings]', 'builtin-tools = ["node", "go"]', ''].join('\n'),
    );
    const [human, json] = await Promise.all([sandbox.run(['plugin', 'list']), sandbox.run(['plugin', 'list', '--json'])]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stdout,
      [
        `legacytool  configured  file://${wasm}`,
        `node        configured  file://${wasm}`,
        `parenttool  configured  file://${wasm}`,
        'go          builtin     https://github.com/moonrepo/plugins/releases/download/go_tool-v0.16.8/go_tool.wasm',
        '',
      ].join('\n'),
    );
    assert.equal(json.code, 0, json.stderr);
    assertJsonSnapshot('plugin list --json', JSON.parse(json.stdout), { testFile, placeholders: sandbox.placeholders });
  });
});

describe('the telemetry setting', () => {
  it("is read for proto's configs (no warning) and shown by debug config", async () => {
    const sandbox = sandboxWith('[settings]\ntelemetry = false\n');
    const [configured, fromEnv] = await Promise.all([
      sandbox.run(['debug', 'config', '--json']),
      sandbox.run(['debug', 'config', '--json'], { env: { PROTO_TELEMETRY: 'on' } }),
    ]);
    assert.equal(configured.code, 0, configured.stderr);
    assert.doesNotMatch(configured.stderr, /telemetry/);
    assert.equal((JSON.parse(configured.stdout) as { config: { settings: { telemetry: boolean } } }).config.settings.telemetry, false);
    assert.equal((JSON.parse(fromEnv.stdout) as { config: { settings: { telemetry: boolean } } }).config.settings.telemetry, true);
  });
});

describe('a broken .prototools', () => {
  it('is reported with its path, line and column by every command that reads it', async () => {
    const sandbox = sandboxWith('disttool = "1"\n[plugins.tools\n');
    const results = await Promise.all([sandbox.run(['list']), sandbox.run(['pin', 'disttool', '2']), sandbox.run(['install'])]);
    const file = join(sandbox.cwd, '.prototools');
    for (const result of results) {
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.stderr.includes(`error[config.invalid_toml]: Invalid TOML in ${file}:2:`), result.stderr);
      assert.match(result.stderr, /^hint: Fix the syntax at line 2, column \d+ of /m);
    }
  });
});

describe('--help', () => {
  it('explains the arguments of every command and gives an example', async () => {
    const sandbox = sandboxWith('');
    const plugin = ['list', 'search', 'info', 'update', 'install', 'upgrade', 'uninstall', 'add', 'remove'].map((verb) => ['plugin', verb]);
    const commands = [
      ...[['install'], ['uninstall'], ['list'], ['list-remote'], ['bin'], ['pin'], ['unpin'], ['alias'], ['unalias'], ...plugin, ['plugin', 'index', 'validate'], ['plugin', 'index', 'build']],
      ...[['versions'], ['status'], ['outdated'], ['exec'], ['activate'], ['clean'], ['regen'], ['diagnose'], ['completions']],
      ...[['debug', 'config'], ['debug', 'env']],
    ];
    const results = await Promise.all(commands.map((command) => sandbox.run([...command, '--help'])));
    results.forEach((result, index) => {
      const name = commands[index]!.join(' ');
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`^Usage: proto ${name}`, 'm'), name);
      assert.match(result.stdout, /^Examples?:\n {2}proto /m, `${name} --help has no example:\n${result.stdout}`);
    });
    const top = await sandbox.run(['--help']);
    for (const name of ['install', 'uninstall', 'list', 'list-remote', 'bin', 'pin', 'unpin', 'alias', 'unalias', 'plugin', 'versions', 'status', 'outdated', 'exec', 'activate', 'clean', 'regen', 'diagnose', 'debug', 'completions', 'run']) {
      assert.match(top.stdout, new RegExp(`^ {2}${name}[| ]`, 'm'), `proto --help lacks ${name}`);
    }
  });
});
