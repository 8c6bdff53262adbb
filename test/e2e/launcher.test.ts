/**
 * `proto` never runs on a Node it manages. The sandbox's store holds a managed node (this very
 * Node binary, linked into `~/.proto/tools/node/…`, with `~/.proto/bin/node` pointing at it) and
 * PATH puts `~/.proto/bin` first, as the README tells users to: `bin/proto.js` is started the way
 * its `#!/usr/bin/env node` line starts it, so it lands on the managed node, and must move itself
 * to the Node outside the store.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { recordedInstallNode } from '../../src/node-runtime.js';
import { CLI, runFile } from '../support/cli.js';
import { repoRoot } from '../support/fixtures.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const systemNode = process.execPath;

/** Puts a managed node into the sandbox's store; returns the PATH that finds it first. */
function withManagedNode(sandbox: CliSandbox): { managed: string; path: string } {
  const managed = join(sandbox.protoHome, 'tools/node/20.0.0/bin/node');
  mkdirSync(dirname(managed), { recursive: true });
  try {
    linkSync(systemNode, managed);
  } catch {
    copyFileSync(systemNode, managed); // another file system
  }
  mkdirSync(join(sandbox.protoHome, 'bin'), { recursive: true });
  symlinkSync(managed, join(sandbox.protoHome, 'bin/node'));
  return { managed, path: [join(sandbox.protoHome, 'shims'), join(sandbox.protoHome, 'bin'), dirname(systemNode), '/usr/bin', '/bin'].join(':') };
}

/** `proto <args>` started as a user's shell starts it: the script itself, through its shebang. */
const proto = (sandbox: CliSandbox, args: string[], env: NodeJS.ProcessEnv) => runFile(CLI, args, { cwd: sandbox.cwd, env: { ...sandbox.env, ...env } });

describe('the proto launcher', () => {
  it('moves off a Node that proto manages, and the shims it writes name the other Node', async () => {
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }));
    const { managed, path } = withManagedNode(sandbox);

    // The Node that ran `npm ci` (recorded by the postinstall) comes before PATH's: the tests may
    // run on another one (a developer's Node 22 with a checkout installed by Node 20).
    const expected = recordedInstallNode() ?? systemNode;
    const debug = await proto(sandbox, ['debug', 'env', '--json'], { PATH: path });
    assert.equal(debug.code, 0, debug.stderr);
    assert.equal(JSON.parse(debug.stdout).system.nodePath, expected);

    const installed = await proto(sandbox, ['install', 'disttool', '2.1.0'], { PATH: path });
    assert.equal(installed.code, 0, installed.stderr);
    const shim = readFileSync(join(sandbox.protoHome, 'shims/disttool'), 'utf8');
    assert.ok(shim.includes(expected), shim);
    assert.ok(!shim.includes(dirname(managed)), 'the shim must not start proto on a managed node');
  });

  it('runs on PROTO_NODE, and refuses one that proto manages', async () => {
    const sandbox = fixture.sandboxWith('');
    const { managed, path } = withManagedNode(sandbox);
    const debug = await proto(sandbox, ['debug', 'env', '--json'], { PATH: path, PROTO_NODE: systemNode });
    assert.equal(JSON.parse(debug.stdout).system.nodePath, systemNode, debug.stderr);

    const refused = await proto(sandbox, ['status'], { PROTO_NODE: join(sandbox.protoHome, 'bin/node') });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error\[cli\.node_unsuitable\]: PROTO_NODE .* is a Node that proto manages/);
    assert.ok(refused.stderr.includes(managed) || refused.stderr.includes('bin/node'));
  });

  it('refuses a Node older than engines.node when there is no other, naming both, yet tells its version', async () => {
    // A copy of proto that needs a Node newer than any on this machine.
    const sandbox = fixture.sandboxWith('');
    const copy = join(sandbox.root, 'proto-copy');
    cpSync(join(repoRoot, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(repoRoot, 'dist'), join(copy, 'dist'), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...pkg, engines: { node: '>=99.0.0' } }));
    const env = { ...sandbox.env, PATH: `${dirname(systemNode)}:/usr/bin:/bin` };
    for (const args of [['debug', 'env'], ['list']]) {
      const result = await runFile(join(copy, 'bin/proto.js'), args, { cwd: sandbox.cwd, env });
      assert.equal(result.code, 1, `proto ${args.join(' ')}`);
      assert.match(result.stderr, new RegExp(`it runs on Node ${process.versions.node.replace(/\./g, '\\.')} .* but needs Node >=99\\.0\\.0`));
      assert.match(result.stderr, /hint: .*PROTO_NODE/);
    }
    // The version and help are the same on any Node: answered all the same.
    const version = await runFile(join(copy, 'bin/proto.js'), ['--version'], { cwd: sandbox.cwd, env });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `${pkg.version}\n`);
  });
});
