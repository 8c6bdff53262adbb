/**
 * `proto run`, shims and bins, end to end: the built CLI in a sandbox (temp HOME and PROTO_HOME,
 * scrubbed env), the disttool fixture plugin, releases made by system tar served on 127.0.0.1.
 * Versions are installed in-process through the Tool API; everything users type is spawned.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Session } from '../../src/cli/session.js';
import { shimCacheEntryPath } from '../../src/link/index.js';
import { createSandbox, type Sandbox } from '../../test-utils/index.js';
import { ensureCliBuilt, runCli as proto, runFile } from '../support/cli.js';
import { startDisttoolDist, type DisttoolDist } from '../support/disttool-dist.js';
import { fixturePlugin } from '../support/fixtures.js';

describe('run, shims and bins', () => {
  let sandbox: Sandbox;
  let dist: DisttoolDist;
  let project: string;
  let nested: string;
  let wasm: string;
  const pluginCopy = () => join(sandbox.root, 'plugins/disttool.wasm');

  const writeConfig = (pin: string) =>
    writeFileSync(
      join(project, '.prototools'),
      `# project tools\ndisttool = "${pin}"\n\n[plugins.tools]\ndisttool = "file://${pluginCopy()}"\n\n[tools.disttool]\ndist-url = "${dist.url}"\n`,
    );
  const shim = (name: string, args: string[], cwd = nested) => runFile(join(sandbox.protoHome, 'shims', name), args, { cwd, env: sandbox.env });

  before(async () => {
    await ensureCliBuilt();
    sandbox = createSandbox();
    dist = await startDisttoolDist();
    project = join(sandbox.cwd, 'project');
    nested = join(project, 'src/deep');
    mkdirSync(nested, { recursive: true });
    mkdirSync(join(sandbox.root, 'plugins'));
    wasm = fixturePlugin('disttool');
    writeFileSync(pluginCopy(), readFileSync(wasm));
    writeConfig('2.1.0');
    const session = await Session.open({ cwd: project, env: sandbox.env });
    try {
      const tool = await session.tool('disttool');
      await tool.install('1.4.2');
      await tool.install('2.1.0');
    } finally {
      await session.close();
    }
  });

  after(async () => {
    await dist?.close();
    sandbox?.cleanup();
  });

  it('run uses the version pinned in .prototools, from a nested directory', async () => {
    const result = await proto(['run', 'disttool', '--', 'hello', 'world'], { cwd: nested, env: sandbox.env });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'disttool 2.1.0 hello world\n');
    assert.equal(result.code, 0);
  });

  it('run takes an explicit spec and passes the exit code through', async () => {
    const explicit = await proto(['run', 'disttool', '1', '--', 'v'], { cwd: nested, env: sandbox.env });
    assert.equal(explicit.stderr, '');
    assert.equal(explicit.stdout, 'disttool 1.4.2 v\n');
    assert.equal((await proto(['run', 'disttool', '--', 'exit', '7'], { cwd: nested, env: sandbox.env })).code, 7);
  });

  it('run honours PROTO_<ID>_VERSION over the config', async () => {
    const env = { ...sandbox.env, PROTO_DISTTOOL_VERSION: '1.4.2' };
    assert.equal((await proto(['run', 'disttool'], { cwd: nested, env })).stdout, 'disttool 1.4.2 \n');
  });

  it('run explains what to do when nothing is pinned, or the version is not installed', async () => {
    const outside = await proto(['run', 'disttool'], { cwd: sandbox.home, env: sandbox.env });
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /^error\[tool\.unknown\]: Unknown tool "disttool"/m, 'outside the project no plugin is configured');

    writeConfig('2.0.0');
    try {
      const missing = await proto(['run', 'disttool'], { cwd: nested, env: sandbox.env });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /error\[run\.not_installed\]: disttool 2\.0\.0 \(from "2\.0\.0"\) is not installed\.\nhint: Install it with `proto install disttool 2\.0\.0`/);
    } finally {
      writeConfig('2.1.0');
    }
  });

  it('run --exe picks a secondary executable', async () => {
    assert.equal((await proto(['run', 'disttool', '--exe', 'dtx', '--', 'a'], { cwd: nested, env: sandbox.env })).stdout, 'dtx 2.1.0 via=direct a\n');
  });

  it('shims resolve the pinned version and become warm (no Node, no plugin) on the second run', async () => {
    const first = await shim('disttool', ['x']);
    assert.equal(first.stdout, 'disttool 2.1.0 x\n');
    assert.ok(existsSync(shimCacheEntryPath({ shimsDir: join(sandbox.protoHome, 'shims') } as never, 'disttool', nested)!), 'cache entry written');
    // With the plugin gone, only the warm path can still answer.
    renameSync(pluginCopy(), `${pluginCopy()}.away`);
    try {
      const warm = await shim('disttool', ['y']);
      assert.equal(warm.stdout, 'disttool 2.1.0 y\n');
      assert.equal(warm.code, 0);
    } finally {
      renameSync(`${pluginCopy()}.away`, pluginCopy());
    }
  });

  it('shims follow a config edit', async () => {
    await shim('disttool', []);
    writeConfig('1.4.2');
    try {
      assert.equal((await shim('disttool', ['after-edit'])).stdout, 'disttool 1.4.2 after-edit\n');
    } finally {
      writeConfig('2.1.0');
    }
    assert.equal((await shim('disttool', ['back'])).stdout, 'disttool 2.1.0 back\n');
  });

  it('a secondary shim carries its args and env, and its exit code', async () => {
    assert.equal((await shim('dtx', ['a b'])).stdout, 'dtx 2.1.0 via=shim exec -- a b\n');
    assert.equal((await shim('disttool', ['exit', '3'])).code, 3);
  });

  it('bins point at the highest installed version, whatever the directory', async () => {
    assert.equal(execFileSync(join(sandbox.protoHome, 'bin/disttool'), ['b'], { cwd: sandbox.home, encoding: 'utf8' }), 'disttool 2.1.0 b\n');
    assert.equal(execFileSync(join(sandbox.protoHome, 'bin/disttool-1'), ['b'], { cwd: sandbox.home, encoding: 'utf8' }), 'disttool 1.4.2 b\n');
  });
});
