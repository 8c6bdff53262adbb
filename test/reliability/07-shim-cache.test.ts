/**
 * Finding 7: the shim cache trusted its location. An inherited `PWD=/../../…` made `proto run`
 * write the cache entry outside the store, and the shim then sourced it; under umask 000 the
 * store, the shims and registry.json became world-writable, so another local user could inject
 * code into the next shim call.
 *
 * The planted entries set `_proto_exe` to a script that prints PWNED: a shim that sources one
 * runs it instead of the tool.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { shimCacheEntryPath } from '../../src/link/index.js';
import { Store } from '../../src/store/index.js';
import { CLI, runFile } from '../support/cli.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from '../e2e/support/cli-sandbox.js';

const fixture = useCliFixture();
const isRoot = process.getuid?.() === 0;

/** A sandbox with disttool 1.0.0 installed and pinned, and a script that betrays being run. */
async function installed(protoHome?: string): Promise<{ sandbox: CliSandbox; env: NodeJS.ProcessEnv; pwned: string }> {
  const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '1.0.0' } }));
  const env = protoHome ? { ...sandbox.env, PROTO_HOME: protoHome } : sandbox.env;
  const install = await sandbox.run(['install', 'disttool', '1.0.0'], { env });
  assert.equal(install.code, 0, install.stderr);
  const pwned = sandbox.writeFile('pwned.sh', '#!/bin/sh\necho PWNED\n');
  chmodSync(pwned, 0o755);
  return { sandbox, env, pwned };
}

function plantedEntry(pwned: string): string {
  return `_proto_exe='${pwned}'\nreturn 0\n`;
}

/** Every `@entry` file under `dir`. */
function entriesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === '@entry') found.push(path);
    }
  };
  walk(dir);
  return found;
}

describe('finding 7: the shim cache', { concurrency: true }, () => {
  it('a non-canonical PWD is neither written to nor read from', async () => {
    const { sandbox, env, pwned } = await installed();
    const shim = join(sandbox.protoHome, 'shims', 'disttool');
    // Enough `..` to climb out of the store: the entry would land in the project itself.
    const bogusPwd = `/${'../'.repeat(30)}${sandbox.cwd.slice(1)}`;
    const first = await runFile(shim, ['hi'], { cwd: sandbox.cwd, env: { ...env, PWD: bogusPwd } });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'disttool 1.0.0 hi\n');
    const cacheRoot = join(sandbox.protoHome, 'shims', '.cache');
    assert.deepEqual(entriesUnder(sandbox.root).filter((path) => !path.startsWith(`${cacheRoot}/`)), [], 'no entry outside the cache');

    // Someone who can write to the project plants an entry where such a PWD points.
    writeFileSync(join(sandbox.cwd, '@entry'), plantedEntry(pwned));
    const second = await runFile(shim, ['hi'], { cwd: sandbox.cwd, env: { ...env, PWD: bogusPwd } });
    assert.doesNotMatch(second.stdout, /PWNED/);
    assert.equal(second.stdout, 'disttool 1.0.0 hi\n');
  });

  it('under umask 000 the store, its shims, registry.json and cache entries are private', async () => {
    const sandboxHome = fixture.sandboxWith('').root;
    const protoHome = join(sandboxHome, 'fresh-store'); // created by proto itself
    const sandbox = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '1.0.0' } }));
    const env = { ...sandbox.env, PROTO_HOME: protoHome };
    const underUmask000 = (file: string, args: string[]) =>
      new Promise<number | null>((resolve) => {
        const child = spawn('sh', ['-c', 'umask 000; exec "$@"', 'sh', file, ...args], { cwd: sandbox.cwd, env, stdio: 'ignore' });
        child.on('close', resolve);
      });
    assert.equal(await underUmask000(process.execPath, [CLI, 'install', 'disttool', '1.0.0']), 0);
    assert.equal(await underUmask000(join(protoHome, 'shims', 'disttool'), ['x']), 0); // writes the cache entry
    const store = new Store({ root: protoHome, env: {} });
    assert.equal(statSync(protoHome).mode & 0o777, 0o700, 'the store root is 0700');
    const entry = shimCacheEntryPath(store, 'disttool', sandbox.cwd)!;
    assert.ok(existsSync(entry), 'the cache entry was written');
    for (const path of [join(protoHome, 'shims'), join(protoHome, 'shims', 'registry.json'), join(protoHome, 'shims', 'disttool'), join(protoHome, 'shims', '.cache'), entry]) {
      assert.equal(statSync(path).mode & 0o022, 0, `${path} is not writable by group or others (mode ${(statSync(path).mode & 0o777).toString(8)})`);
    }
  });

  it('an entry owned by another user is not sourced', { skip: isRoot ? false : 'needs root to give a file to another user' }, async () => {
    const { sandbox, env, pwned } = await installed();
    const shim = join(sandbox.protoHome, 'shims', 'disttool');
    assert.equal((await runFile(shim, ['a'], { cwd: sandbox.cwd, env })).code, 0); // writes the entry
    const entry = shimCacheEntryPath(new Store({ root: sandbox.protoHome, env: {} }), 'disttool', sandbox.cwd)!;
    mkdirSync(join(entry, '..'), { recursive: true });
    writeFileSync(entry, plantedEntry(pwned));
    chownSync(entry, 65534, 65534);
    const run = await runFile(shim, ['b'], { cwd: sandbox.cwd, env });
    assert.doesNotMatch(run.stdout, /PWNED/);
    assert.equal(run.stdout, 'disttool 1.0.0 b\n');
  });
});
