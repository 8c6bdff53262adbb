/**
 * Using tools without shims, end to end: `proto exec` runs a command with the tools' dirs first on
 * PATH and their env applied; `proto activate` output evaluated in real shells (bash always;
 * zsh and fish where installed) resolves `disttool` to the tool's own dir, follows `cd`, undoes
 * the previous activation, and its freshness check keeps prompts from starting proto.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, runFile } from '../support/cli.js';
import { skipWithout } from '../support/system-commands.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();


/** A sandbox with disttool 1.4.2 and 2.1.0 installed: `workspace` pins ~1.4, `workspace/two` pins 2.1.0. */
async function projectWithTwoVersions(extra = ''): Promise<CliSandbox> {
  const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '~1.4' } }, `[env]\nPROJECT_NAME = "demo project"\n${extra}`));
  sandbox.writeFile('workspace/two/.prototools', 'disttool = "2.1.0"\n[env]\nPROJECT_NAME = "two"\n');
  for (const version of ['1.4.2', '2.1.0']) {
    const result = await sandbox.run(['install', 'disttool', version]);
    assert.equal(result.code, 0, result.stderr);
  }
  return sandbox;
}

describe('proto exec', { concurrency: true }, () => {
  let sandbox: CliSandbox;
  before(async () => {
    sandbox = await projectWithTwoVersions();
  });

  it('runs the command with the tool dir first on PATH and the env applied', async () => {
    const [pinned, explicit, script] = await Promise.all([
      sandbox.run(['exec', 'disttool', '--', 'disttool', 'hi']),
      sandbox.run(['x', 'disttool@2', '--', 'disttool', 'there']),
      sandbox.run(['exec', 'disttool@1.4.2', '--shell', 'sh', '--raw', '--', 'echo "$PROJECT_NAME|$PROTO_DISTTOOL_VERSION|$(command -v disttool)"']),
    ]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(pinned.stdout, 'disttool 1.4.2 hi\n');
    assert.equal(explicit.stdout, 'disttool 2.1.0 there\n');
    assert.equal(script.code, 0, script.stderr);
    assert.equal(script.stdout, `demo project|1.4.2|${join(sandbox.protoHome, 'tools/disttool/1.4.2/bin/disttool')}\n`);
  });

  it('--tools-from-config activates every configured tool; `r` is run', async () => {
    const [fromConfig, viaRun] = await Promise.all([
      sandbox.run(['exec', '--tools-from-config', '--', 'disttool', 'cfg'], { cwd: join(sandbox.cwd, 'two') }),
      sandbox.run(['r', 'disttool', '--', 'short']),
    ]);
    assert.equal(fromConfig.code, 0, fromConfig.stderr);
    assert.equal(fromConfig.stdout, 'disttool 2.1.0 cfg\n');
    assert.equal(viaRun.stdout, 'disttool 1.4.2 short\n');
  });

  it('passes the exit code through and fails clearly without a command or an installed version', async () => {
    const [exit, noCommand, missing] = await Promise.all([
      sandbox.run(['exec', 'disttool', '--', 'disttool', 'exit', '7']),
      sandbox.run(['exec', 'disttool']),
      sandbox.run(['exec', 'disttool@1.0.0', '--', 'disttool']),
    ]);
    assert.equal(exit.code, 7);
    assert.equal(noCommand.code, 1);
    assert.match(noCommand.stderr, /^error\[exec\.missing_command\]: No command to run/m);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error\[exec\.not_installed\]: disttool 1\.0\.0 is not installed\. Installed: 2\.1\.0, 1\.4\.2\.\nhint: Install it with `proto install disttool 1\.0\.0`/m);
  });
});

/** Runs `script` in `shell` from `cwd` with the sandbox's env; `$PROTO` is the CLI command. */
async function inShell(sandbox: CliSandbox, shell: string, script: string, cwd = sandbox.cwd) {
  const env = { ...sandbox.env, PROTO_NODE: process.execPath, PROTO_CLI: CLI, PATH: `/usr/local/bin:/usr/bin:/bin`, PWD: cwd };
  const result = await runFile(shell, ['-c', script], { cwd, env });
  assert.equal(result.code, 0, `${shell}: ${result.stderr}\n${result.stdout}`);
  return result.stdout.trim().split('\n');
}

// One after another: the hook test edits the project's .prototools.
describe('proto activate --export, evaluated in real shells', () => {
  let sandbox: CliSandbox;
  before(async () => {
    sandbox = await projectWithTwoVersions('\n[shell.aliases]\ndt = "disttool aliased"\n');
  });

  const exe = (version: string) => join(sandbox.protoHome, `tools/disttool/${version}/bin/disttool`);

  it('bash: disttool resolves to the tool dir (not a shim), [env] and [shell.aliases] apply, cd re-activates', async () => {
    const lines = await inShell(
      sandbox,
      'bash',
      [
        'shopt -s expand_aliases',
        'eval "$("$PROTO_NODE" "$PROTO_CLI" activate bash --export)"',
        'command -v disttool; echo "$PROJECT_NAME"; alias dt',
        '_proto_activate_fresh && echo fresh',
        'cd two',
        '_proto_activate_fresh || echo stale',
        'eval "$("$PROTO_NODE" "$PROTO_CLI" activate bash --export)"',
        'command -v disttool; echo "$PROJECT_NAME"',
        // The previous activation's entries are gone: one tool dir, once.
        'echo "$PATH" | tr ":" "\\n" | grep -c "tools/disttool"',
        'echo "${PROTO_DISTTOOL_VERSION:-unset}"',
      ].join('\n'),
    );
    assert.deepEqual(lines, [exe('1.4.2'), 'demo project', "alias dt='disttool aliased'", 'fresh', 'stale', exe('2.1.0'), 'two', '1', 'unset']);
  });

  it('bash: the hook from `proto activate bash` activates at once and again when a config file changes', async () => {
    const config = join(sandbox.cwd, '.prototools');
    const lines = await inShell(
      sandbox,
      'bash',
      [
        'eval "$("$PROTO_NODE" "$PROTO_CLI" activate bash)"',
        'command -v disttool',
        'case ";$PROMPT_COMMAND;" in *";_proto_activate_hook;"*) echo hooked;; esac',
        `sed -i 's/^disttool = "~1.4"$/disttool = "2.1.0"/' ${config}`,
        `touch -d '+2 seconds' ${config}`,
        '_proto_activate_fresh || echo stale',
        '_proto_activate_hook',
        'command -v disttool',
        `sed -i 's/^disttool = "2.1.0"$/disttool = "~1.4"/' ${config}`,
      ].join('\n'),
    );
    assert.deepEqual(lines, [exe('1.4.2'), 'hooked', 'stale', exe('2.1.0')]);
  });

  it('zsh: the same statements work', skipWithout('zsh'), async () => {
    const lines = await inShell(
      sandbox,
      'zsh',
      ['eval "$("$PROTO_NODE" "$PROTO_CLI" activate zsh --export)"', 'whence -p disttool', 'echo "$PROJECT_NAME"', '_proto_activate_fresh && echo fresh'].join('\n'),
      join(sandbox.cwd, 'two'),
    );
    assert.deepEqual(lines, [exe('2.1.0'), 'two', 'fresh']);
  });

  it('fish: the same statements work', skipWithout('fish'), async () => {
    const lines = await inShell(
      sandbox,
      'fish',
      [
        '"$PROTO_NODE" "$PROTO_CLI" activate fish --export | source',
        'command -v disttool',
        'echo "$PROJECT_NAME"',
        '_proto_activate_fresh; and echo fresh',
        'cd two; _proto_activate_fresh; or echo stale',
      ].join('\n'),
    );
    assert.deepEqual(lines, [exe('1.4.2'), 'demo project', 'fresh', 'stale']);
  });

  it('--no-init: the hook waits for the first prompt', async () => {
    const lines = await inShell(sandbox, 'bash', ['eval "$("$PROTO_NODE" "$PROTO_CLI" activate bash --no-init)"', 'command -v disttool || echo none', '_proto_activate_hook', 'command -v disttool'].join('\n'));
    assert.deepEqual(lines, ['none', exe('1.4.2')]);
  });

  it('--json, --no-shim/--no-bin, globals dirs that exist, and an unknown shell', async () => {
    mkdirSync(join(sandbox.home, '.disttool/bin'), { recursive: true });
    const [withLinks, withoutLinks, unknown] = await Promise.all([
      sandbox.run(['activate', 'bash', '--export', '--json']),
      sandbox.run(['activate', 'bash', '--export', '--json', '--no-shim', '--no-bin']),
      sandbox.run(['activate', 'tcsh']),
    ]);
    assert.equal(withLinks.code, 0, withLinks.stderr);
    const report = JSON.parse(withLinks.stdout) as { env: Record<string, string>; paths: string[] };
    assert.deepEqual(report.paths, [
      join(sandbox.protoHome, 'tools/disttool/1.4.2/bin'),
      join(sandbox.home, '.disttool/bin'),
      join(sandbox.protoHome, 'shims'),
      join(sandbox.protoHome, 'bin'),
    ]);
    assert.equal(report.env.PROJECT_NAME, 'demo project');
    assert.equal((JSON.parse(withoutLinks.stdout) as { paths: string[] }).paths.length, 2);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error\[activate\.unknown_shell\]: proto cannot activate the shell "tcsh"\.\nhint: Name one of: bash, zsh, fish, pwsh, elvish, nu, murex/m);
  });
});
