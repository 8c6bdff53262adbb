/**
 * Shims and bins on a real file system, run by the real /bin/sh. The shim's slow path is pointed
 * at a stand-in "node" that reports how it was called, so each test sees which path a shim took.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createShims, readShimRegistry, registryPath, relinkBins, removeShims, shimPath, writeShimCacheEntry } from '../../../src/link/index.js';
import { ShimRegistryBatch } from '../../../src/link/shim-registry.js';
import type { LocateExecutablesOutput } from '../../../src/protocol/index.js';
import { Store } from '../../../src/store/index.js';
import { createSandbox, type Sandbox } from '../../../test-utils/index.js';
import { repoRoot } from '../../support/fixtures.js';
import { tsChildArgs } from '../../support/ts-child.js';

const run = promisify(execFile);

const disttoolExes: LocateExecutablesOutput = {
  exes: {
    disttool: { exe_path: 'bin/disttool', primary: true },
    dtx: { exe_path: 'bin/dtx', shim_before_args: ['exec', '--'], shim_env_vars: { DTX_VIA: 'shim' } },
    hidden: { exe_path: 'bin/hidden', no_shim: true, no_bin: true },
  },
  exes_dirs: ['bin'],
  globals_lookup_dirs: [],
};

function writeExecutable(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, 0o755);
}

describe('shims', () => {
  let sandbox: Sandbox;
  let store: Store;
  let launcher: { node: string; cli: string };
  let project: string;

  before(async () => {
    sandbox = createSandbox();
    store = new Store({ root: sandbox.protoHome, env: {} });
    launcher = { node: join(sandbox.root, 'fake-node'), cli: '/path/to/proto.js' };
    writeExecutable(launcher.node, '#!/bin/sh\necho "SLOW $PROTO_SHIM_NAME $*"\n');
    project = join(sandbox.cwd, 'project');
    mkdirSync(join(project, 'nested/deeper'), { recursive: true });
    await createShims(store, 'disttool', disttoolExes, { launcher });
  });
  after(() => sandbox?.cleanup());

  const shim = async (name: string, args: string[], cwd = project, env: NodeJS.ProcessEnv = {}) =>
    (await run(shimPath(store, name), args, { cwd, env: { ...sandbox.env, ...env } })).stdout;

  it('writes registry.json in proto format and skips no_shim exes', async () => {
    assert.deepEqual(JSON.parse(readFileSync(registryPath(store), 'utf8')), {
      disttool: {},
      dtx: { alt_exe: true, before_args: ['exec', '--'], context: 'disttool', env_vars: { DTX_VIA: 'shim' } },
    });
    assert.equal(existsSync(shimPath(store, 'hidden')), false);
  });

  it('without a cache entry, falls back to `proto run` with the shim args', async () => {
    assert.equal(await shim('dtx', ['a', 'b c']), 'SLOW dtx /path/to/proto.js run disttool --exe dtx -- exec -- a b c\n');
    assert.equal(await shim('disttool', ['-v']), 'SLOW disttool /path/to/proto.js run disttool -- -v\n');
  });

  describe('warm path', () => {
    let exe: string;
    let config: string;
    const entryFor = (pwd: string, extra: Partial<Parameters<typeof writeShimCacheEntry>[1]> = {}) =>
      writeShimCacheEntry(store, {
        shimName: 'dtx',
        pwd,
        exe,
        env: { PROTO_DISTTOOL_VERSION: undefined, PROTO_ENV: undefined },
        presentFiles: [config],
        absentFiles: [join(pwd, '.disttool-version')],
        exports: { PROTO_DISTTOOL_VERSION: '2.1.0' },
        pathPrepend: [join(exe, '..')],
        ...extra,
      });

    before(() => {
      exe = join(store.inventory('disttool').productDir('2.1.0'), 'bin/dtx');
      writeExecutable(exe, '#!/bin/sh\necho "FAST via=$DTX_VIA v=$PROTO_DISTTOOL_VERSION $*"\n');
      config = join(project, '.prototools');
      writeFileSync(config, 'disttool = "2.1.0"\n');
      const past = new Date(Date.now() - 60_000);
      utimesSync(config, past, past);
    });

    it('execs the cached executable directly, with shim args and env', async () => {
      entryFor(project);
      assert.equal(await shim('dtx', ['x']), 'FAST via=shim v=2.1.0 exec -- x\n');
    });

    it('falls back when a deciding variable changes', async () => {
      entryFor(project);
      assert.match(await shim('dtx', [], project, { PROTO_DISTTOOL_VERSION: '1.0.0' }), /^SLOW /);
      assert.match(await shim('dtx', [], project, { PROTO_ENV: 'ci' }), /^SLOW /);
    });

    it('falls back when a config file is edited', async () => {
      entryFor(project);
      writeFileSync(config, 'disttool = "1.0.0"\n');
      assert.match(await shim('dtx', []), /^SLOW /);
    });

    it('falls back when a closer version file appears', async () => {
      entryFor(project);
      const pwd = join(project, 'nested');
      entryFor(pwd);
      assert.match(await shim('dtx', [], pwd), /^FAST /);
      writeFileSync(join(pwd, '.disttool-version'), '1.0.0\n');
      assert.match(await shim('dtx', [], pwd), /^SLOW /);
    });

    it('uses an entry only for its own directory', async () => {
      assert.match(await shim('dtx', [], join(project, 'nested/deeper')), /^SLOW /);
    });

    it('falls back when the executable is gone', async () => {
      entryFor(project, { exe: join(exe, '..', 'missing') });
      assert.match(await shim('dtx', []), /^SLOW /);
    });
  });

  it('a batch whose tools write no shim still leaves a private shims dir in a fresh store', async () => {
    const fresh = new Store({ root: join(sandbox.root, 'fresh-batch', '.proto'), env: {} });
    const batch = new ShimRegistryBatch(fresh);
    const result = await createShims(fresh, 'noexes', { exes: {}, exes_dirs: [], globals_lookup_dirs: [] }, { batch });
    assert.deepEqual(result.created, []);
    await batch.flush();
    assert.equal(lstatSync(fresh.shimsDir).mode & 0o077, 0, 'only the user may enter the shims dir');
    assert.deepEqual(await readShimRegistry(fresh), {});
  });

  it('keeps every entry when many processes write the registry at once', async () => {
    const root = join(sandbox.root, 'concurrent', '.proto');
    const writer = await tsChildArgs('test/support/registry-writer.ts');
    const writers = Array.from({ length: 6 }, (_, i) =>
      run(process.execPath, [...writer, root, ...Array.from({ length: 5 }, (_, j) => `tool${i}x${j}`)], { cwd: repoRoot }),
    );
    await Promise.all(writers);
    const registry = await readShimRegistry(new Store({ root, env: {} }));
    assert.equal(Object.keys(registry).length, 60);
  });

  it('refuses exe names and variables a hostile plugin could use to escape the dir or inject shell', async () => {
    const hostile: LocateExecutablesOutput = {
      exes: {
        '../../escaped': { exe_path: 'bin/x' },
        'x"\ntouch pwned-by-name\n#': { exe_path: 'bin/x' },
        '-rf': { exe_path: 'bin/x' },
        okay: { exe_path: 'bin/okay', primary: true, shim_env_vars: { 'A=1; touch pwned-by-env; B': 'x', GOOD: 'y' } },
      },
      exes_dirs: [],
      globals_lookup_dirs: [],
    };
    const hostileStore = new Store({ root: join(sandbox.root, 'hostile', '.proto'), env: {} });
    const result = await createShims(hostileStore, 'okay', hostile, { launcher });
    assert.deepEqual(result.created, ['okay']);
    assert.deepEqual(await readShimRegistry(hostileStore), { okay: { env_vars: { GOOD: 'y' } } });
    assert.equal(existsSync(join(sandbox.root, 'escaped')), false);
    assert.equal(existsSync(join(sandbox.root, 'hostile', 'escaped')), false);
    await run(join(hostileStore.shimsDir, 'okay'), [], { cwd: sandbox.root, env: sandbox.env });
    assert.equal(existsSync(join(sandbox.root, 'pwned-by-env')), false);
    assert.equal(existsSync(join(sandbox.root, 'pwned-by-name')), false);

    writeExecutable(join(hostileStore.inventory('okay').productDir('1.0.0'), 'bin/x'), '#!/bin/sh\n');
    const bins = await relinkBins({ store: hostileStore, toolId: 'okay', inventory: hostileStore.inventory('okay'), installedVersions: ['1.0.0'], locate: async () => hostile, registry: {} });
    assert.deepEqual(bins, []);
    assert.equal(existsSync(join(hostileStore.root, 'escaped')), false);
  });

  it('removes the shims of a tool', async () => {
    const removed = await removeShims(store, 'disttool');
    assert.deepEqual(removed.sort(), ['disttool', 'dtx']);
    assert.equal(existsSync(shimPath(store, 'dtx')), false);
    assert.deepEqual(await readShimRegistry(store), {});
  });
});

describe('bins', () => {
  let sandbox: Sandbox;
  let store: Store;
  before(() => {
    sandbox = createSandbox();
    store = new Store({ root: sandbox.protoHome, env: {} });
    for (const version of ['1.4.2', '2.0.0', '2.1.0']) {
      writeExecutable(join(store.inventory('disttool').productDir(version), 'bin/disttool'), `#!/bin/sh\necho ${version}\n`);
      writeExecutable(join(store.inventory('disttool').productDir(version), 'bin/dtx'), `#!/bin/sh\necho dtx ${version}\n`);
    }
  });
  after(() => sandbox?.cleanup());

  it('links each bucket to its highest version, and relinks on uninstall', async () => {
    const relink = (versions: string[]) =>
      relinkBins({ store, toolId: 'disttool', inventory: store.inventory('disttool'), installedVersions: versions, locate: async () => disttoolExes, registry: {} });
    const names = await relink(['1.4.2', '2.0.0', '2.1.0']);
    assert.deepEqual(names, ['disttool', 'disttool-1', 'disttool-1.4', 'disttool-2', 'disttool-2.0', 'disttool-2.1', 'dtx', 'dtx-1', 'dtx-1.4', 'dtx-2', 'dtx-2.0', 'dtx-2.1']);
    assert.equal(execFileSync(join(store.binDir, 'disttool'), { encoding: 'utf8' }), '2.1.0\n');
    assert.equal(execFileSync(join(store.binDir, 'disttool-1'), { encoding: 'utf8' }), '1.4.2\n');

    await relink(['1.4.2']);
    assert.equal(readlinkSync(join(store.binDir, 'disttool')), join(store.inventory('disttool').productDir('1.4.2'), 'bin/disttool'));
    assert.equal(existsSync(join(store.binDir, 'disttool-2')), false);
    assert.deepEqual(await relink([]), []);
  });

  it('leaves a link that already points at the right file as it is, and replaces one that does not', async () => {
    const relink = (versions: string[]) =>
      relinkBins({ store, toolId: 'disttool', inventory: store.inventory('disttool'), installedVersions: versions, locate: async () => disttoolExes, registry: {} });
    await relink(['1.4.2']);
    const link = (name: string) => lstatSync(join(store.binDir, name));
    const before = { major: link('disttool-1').ino, minor: link('disttool-1.4').ino, top: link('disttool').ino };
    await relink(['1.4.2', '2.0.0']);
    assert.equal(link('disttool-1').ino, before.major, 'disttool-1 still points at 1.4.2: not made again');
    assert.equal(link('disttool-1.4').ino, before.minor);
    assert.notEqual(link('disttool').ino, before.top, 'disttool now points at 2.0.0');
    assert.equal(readlinkSync(join(store.binDir, 'disttool')), join(store.inventory('disttool').productDir('2.0.0'), 'bin/disttool'));
    assert.deepEqual(readdirSync(store.binDir).filter((name) => name.includes('.tmp-')), [], 'no temp links left');
  });

  it('leaves names owned by another tool alone', async () => {
    const names = await relinkBins({ store, toolId: 'disttool', inventory: store.inventory('disttool'), installedVersions: ['2.1.0'], locate: async () => disttoolExes, registry: { dtx: { context: 'other' } } });
    assert.deepEqual(names, ['disttool', 'disttool-2', 'disttool-2.1']);
  });
});
