/**
 * What every command shares: how errors read (`error[<code>]` then the hint; a JSON document
 * under `--json`/`PROTO_JSON`), colours (`NO_COLOR`, `FORCE_COLOR`), and `--config-mode`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureToolsConfig, useCliFixture } from './support/cli-sandbox.js';

const fixture = useCliFixture();

describe('errors', { concurrency: true }, () => {
  it('print error[<code>]: <message> and the hint on stderr, nothing on stdout', async () => {
    const sandbox = fixture.sandboxWith('');
    const result = await sandbox.run(['pin', 'nosuchtool', '1']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error\[tool\.unknown\]: Unknown tool "nosuchtool": .*\nhint: Install a plugin for it \(proto plugin search nosuchtool\), or add one to \[plugins\.tools\]/m);
  });

  it('under --json or PROTO_JSON, a failing command prints {"error":{code,message,hint}} on stdout and exits non-zero', async () => {
    const sandbox = fixture.sandboxWith('');
    const [flag, env, parse] = await Promise.all([
      sandbox.run(['pin', 'nosuchtool', '1', '--json']),
      sandbox.run(['list-remote', 'nosuchtool'], { env: { PROTO_JSON: '1' } }),
      sandbox.run(['--json', 'pin']),
    ]);
    for (const result of [flag, env]) {
      assert.equal(result.code, 1, result.stderr);
      const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string | null } };
      assert.equal(error.code, 'tool.unknown');
      assert.match(error.message, /^Unknown tool "nosuchtool"/);
      assert.match(error.hint ?? '', /^Install a plugin for it \(proto plugin search nosuchtool\), or add one to \[plugins\.tools\]/);
      assert.match(result.stderr, /^error\[tool\.unknown\]/m, 'people still read it on stderr');
    }
    assert.equal(parse.code, 1);
    assert.deepEqual(JSON.parse(parse.stdout), {
      error: { code: 'cli.missing_argument', message: "missing required argument 'id'", hint: 'Run `proto --help` (or `proto <command> --help`) for usage.' },
    });
  });

  it('name an unknown command or option with a cli.* code', async () => {
    const sandbox = fixture.sandboxWith('');
    const [command, option] = await Promise.all([sandbox.run(['frobnicate']), sandbox.run(['list', '--frob'])]);
    assert.equal(command.code, 1);
    assert.match(command.stderr, /^error\[cli\.unknown_command\]: unknown command 'frobnicate'\nhint: /m);
    assert.equal(option.code, 1);
    assert.match(option.stderr, /^error\[cli\.unknown_option\]: unknown option '--frob'/m);
  });
});

describe('colours', { concurrency: true }, () => {
  it('are off in a pipe and with NO_COLOR (which wins), on with FORCE_COLOR', async () => {
    const sandbox = fixture.sandboxWith('');
    // The sandbox sets NO_COLOR=1; these runs unset it.
    const [plain, forced, vetoed] = await Promise.all([
      sandbox.run(['pin', 'nosuchtool', '1'], { env: { NO_COLOR: undefined } }),
      sandbox.run(['pin', 'nosuchtool', '1'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } }),
      sandbox.run(['pin', 'nosuchtool', '1'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }),
    ]);
    assert.doesNotMatch(plain.stderr, /\x1b\[/);
    assert.match(forced.stderr, /^\x1b\[31m\x1b\[1merror\[tool\.unknown\]\x1b\[22m\x1b\[39m: Unknown tool/m);
    assert.doesNotMatch(vetoed.stderr, /\x1b\[/);
  });
});

describe('--config-mode / PROTO_CONFIG_MODE', { concurrency: true }, () => {
  it('chooses which .prototools files are read', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '2.1.0' } }));
    sandbox.writeFile('.proto/.prototools', `othertool = "1.0.0"\n`);
    sandbox.writeFile('.prototools', `parenttool = "3.0.0"\n`);
    const pins = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const result = await sandbox.run(['--log', 'trace', ...args, 'debug', 'config', '--json'], { env });
      assert.equal(result.code, 0, result.stderr);
      return (JSON.parse(result.stdout) as { config: { versions: Record<string, string> } }).config.versions;
    };
    assert.deepEqual(Object.keys(await pins([])).sort(), ['disttool', 'othertool', 'parenttool']);
    assert.deepEqual(Object.keys(await pins(['--config-mode', 'upwards'])).sort(), ['disttool', 'parenttool']);
    assert.deepEqual(Object.keys(await pins(['-c', 'local'])).sort(), ['disttool']);
    assert.deepEqual(Object.keys(await pins([], { PROTO_CONFIG_MODE: 'global' })).sort(), ['othertool']);
    const bad = await sandbox.run(['list'], { env: { PROTO_CONFIG_MODE: 'everywhere' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error\[cli\.invalid_option\]: PROTO_CONFIG_MODE must be one of global, local, upwards, upwards-global, got "everywhere"/m);
  });

  it('--log verbose includes trace', async () => {
    const sandbox = fixture.sandboxWith('');
    const result = await sandbox.run(['--log', 'verbose', 'list']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^\[TRACE config\] read /m);
  });

  it('--log trace names each config file read', async () => {
    const sandbox = fixture.sandboxWith('');
    const result = await sandbox.run(['--log', 'trace', 'list']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^\[TRACE config\] read .*\/workspace\/\.prototools \(local, mode upwards-global\)$/m);
    assert.match(result.stderr, /^\[TRACE config\] no file .*\/\.proto\/\.prototools \(global, mode upwards-global\)$/m);
  });
});
