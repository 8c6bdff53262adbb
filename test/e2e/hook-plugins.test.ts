/**
 * Hook plugins through the real CLI, with the policy-hook fixture (fixtures/plugins/policy-hook,
 * written with our PDK): it refuses versions below a configured minimum (pre_install, pre_run),
 * keeps a configured version (pre_uninstall), and appends an audit line through WASI for every
 * call. A veto must leave nothing behind; hooks run in id order, each under its own permissions.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { shimCacheEntryPath } from '../../src/link/index.js';
import { runFile } from '../support/cli.js';
import { startDisttoolDist } from '../support/disttool-dist.js';
import { fixturePlugin } from '../support/fixtures.js';
import { tempIndexDir, writePluginIndex } from '../support/plugin-index.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const HOOK = fixturePlugin('policy-hook');

/** `[tools.<id>]` of a policy hook: minimum disttool 1.4.0, keeps 2.0.0, audits into <cwd>/audit.log. */
function policySettings(id: string, permissions = '["fs:cwd"]'): string {
  return `[tools.${id}]\nminimum = { disttool = "1.4.0" }\nkeep = { disttool = "2.0.0" }\naudit-log = "/cwd/audit.log"\npermissions = ${permissions}\n`;
}

function withPolicy(hooks: Record<string, string> = { policy: '["fs:cwd"]' }, extra = ''): (url: string) => string {
  return (url) =>
    fixtureToolsConfig(
      { disttool: { distUrl: url } },
      [
        '[plugins.hooks]',
        ...Object.keys(hooks).map((id) => `${id} = "file://${HOOK}"`),
        '',
        ...Object.entries(hooks).map(([id, permissions]) => policySettings(id, permissions)),
        '[settings]',
        'lockfile = true',
        extra,
      ].join('\n'),
    );
}

function auditLines(box: CliSandbox): string[] {
  const path = join(box.cwd, 'audit.log');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
}

/** Every file under `dir`, relative to it (directories only when empty). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { recursive: true }).map(String);
  return entries.filter((entry) => !statSync(join(dir, entry)).isDirectory() || readdirSync(join(dir, entry)).length === 0).sort();
}

/** Where the disttool shim's cache entry for the sandbox's cwd lives (the cwd is canonical, so there is one). */
function shimCacheEntry(box: CliSandbox): string {
  const path = shimCacheEntryPath({ shimsDir: join(box.protoHome, 'shims') } as never, 'disttool', box.cwd);
  assert.ok(path, `no shim cache entry path for ${box.cwd}`);
  return path;
}

/** The plugin `id` was started in this run: the metadata cache says so, and each call logs its duration. */
function startedPlugin(id: string, stderr: string): boolean {
  return new RegExp(`\\[TRACE plugin:${id}\\] (starting the plugin|[a-z_]+ took [\\d.]+ ms)`).test(stderr);
}

function installedVersions(box: CliSandbox): string[] {
  const manifest = join(box.protoHome, 'tools/disttool/manifest.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { installed_versions: string[] }).installed_versions.sort() : [];
}

describe('hook plugins', { concurrency: true }, () => {
  it('a pre_install veto stops the install before anything is fetched or written, and is audited', async () => {
    // A dist server of its own: other tests install 1.0.0 meanwhile.
    const dist = await startDisttoolDist();
    try {
      const box = fixture.sandboxWith(withPolicy()(dist.url));
      const result = await box.run(['install', 'disttool', '1.0.0']);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /^error\[hook\.vetoed\]: Hook plugin "policy" vetoed installing disttool 1\.0\.0: disttool 1\.0\.0 is below the minimum version 1\.4\.0 this policy allows$/m);
      assert.match(result.stderr, /^hint: The hook plugin "policy" \(\[plugins\.hooks\] policy = "file:\/\/.*policy-hook\.wasm"\) decides this in pre_install; change its settings in \[tools\.policy\], or remove it/m);
      assert.deepEqual(auditLines(box), ['policy pre_install disttool 1.0.0 denied']);
      // Nothing behind: no download, product dir, manifest entry, shim, lock, temp file or .protolock.
      assert.deepEqual(dist.server.requests.map((request) => request.path), ['/index.json'], 'more than the version list was fetched');
      assert.equal(existsSync(join(box.protoHome, 'tools/disttool/1.0.0')), false);
      assert.deepEqual(installedVersions(box), []);
      assert.equal(existsSync(join(box.protoHome, 'shims/disttool')), false);
      assert.deepEqual(filesUnder(join(box.protoHome, 'temp')), []);
      assert.deepEqual(filesUnder(box.protoHome).filter((file) => file.endsWith('.lock') || file.includes('.partial') || file.includes('.trash')), []);
      assert.equal(existsSync(join(box.cwd, '.protolock')), false);
    } finally {
      await dist.close();
    }
  });

  it('an allowed install, run and uninstall are audited; hooks get the tool id and version', async () => {
    const box = fixture.sandboxWith(withPolicy());
    const installed = await box.run(['install', 'disttool', '1.4.2']);
    assert.equal(installed.code, 0, installed.stderr);
    const ran = await box.run(['run', 'disttool', '1.4.2', '--', 'hi']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, 'disttool 1.4.2 hi\n');
    const removed = await box.run(['uninstall', 'disttool', '1.4.2']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(auditLines(box), [
      'policy pre_install disttool 1.4.2 allowed',
      'policy post_install disttool 1.4.2 done',
      'policy pre_run disttool 1.4.2 allowed',
      'policy pre_uninstall disttool 1.4.2 allowed',
    ]);
  });

  it('a pre_run veto keeps the tool from running, through proto run and through its shim', async () => {
    // 1.0.0 installed before the policy existed.
    const box = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '1.0.0' } }));
    assert.equal((await box.run(['install', 'disttool', '1.0.0'])).code, 0);
    box.writeConfig(withPolicy()(fixture.dist.url).replace('[plugins.tools]', 'disttool = "1.0.0"\n\n[plugins.tools]'));

    const ran = await box.run(['run', 'disttool', '--', 'hi']);
    assert.equal(ran.code, 1);
    assert.equal(ran.stdout, '', 'the vetoed tool ran');
    assert.match(ran.stderr, /error\[hook\.vetoed\]: Hook plugin "policy" vetoed running disttool 1\.0\.0: disttool 1\.0\.0 is below the minimum version 1\.4\.0/);

    const shim = await runFile(join(box.protoHome, 'shims/disttool'), ['hi'], { cwd: box.cwd, env: box.env });
    assert.equal(shim.code, 1);
    assert.equal(shim.stdout, '');
    assert.match(shim.stderr, /error\[hook\.vetoed\]/);
    assert.deepEqual(auditLines(box), ['policy pre_run disttool 1.0.0 denied', 'policy pre_run disttool 1.0.0 denied']);
  });

  it('a hook plugin with pre_run keeps shims off their cache, so the hook runs every time', async () => {
    const box = fixture.sandboxWith(withPolicy()(fixture.dist.url).replace('[plugins.tools]', 'disttool = "2.1.0"\n\n[plugins.tools]'));
    assert.equal((await box.run(['install', 'disttool', '2.1.0'])).code, 0);
    for (const arg of ['one', 'two']) {
      const shim = await runFile(join(box.protoHome, 'shims/disttool'), [arg], { cwd: box.cwd, env: box.env });
      assert.equal(shim.code, 0, shim.stderr);
      assert.equal(shim.stdout, `disttool 2.1.0 ${arg}\n`);
    }
    assert.equal(existsSync(shimCacheEntry(box)), false);
    assert.deepEqual(auditLines(box).filter((line) => line.includes('pre_run')), ['policy pre_run disttool 2.1.0 allowed', 'policy pre_run disttool 2.1.0 allowed']);
  });

  it('a proto run starts only the hook plugins that export pre_run, their exports cached until the plugin or its settings change', async () => {
    const box = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, pin: '2.1.0' } }));
    assert.equal((await box.run(['install', 'disttool', '2.1.0'])).code, 0);
    // A copy the test can replace; first a hook plugin without pre_run (its only export is a pre_install).
    const wasm = join(box.root, 'gate.wasm');
    copyFileSync(fixturePlugin('hostile/loop-hook'), wasm);
    const config = (permissions: string, minimum: string) =>
      fixtureToolsConfig(
        { disttool: { distUrl: fixture.dist.url, pin: '2.1.0' } },
        `[plugins.hooks]\ngate = "file://${wasm}"\n\n${policySettings('gate', permissions).replace('1.4.0', minimum)}`,
      );
    box.writeConfig(config('["fs:cwd"]', '3.0.0'));
    const run = async (arg: string) => {
      const result = await box.run(['--log', 'trace', 'run', 'disttool', '--', arg]);
      return { ...result, started: startedPlugin('gate', result.stderr) };
    };

    const first = await run('one');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'disttool 2.1.0 one\n');
    assert.match(first.stderr, /plugin metadata of gate: cache miss/);
    const second = await run('two');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'disttool 2.1.0 two\n');
    assert.match(second.stderr, /plugin metadata of gate: cache hit/);
    assert.equal(second.started, false, `the hook plugin without pre_run was started:\n${second.stderr}`);

    // Other permissions or other settings: another entry, its exports read afresh.
    box.writeConfig(config('[]', '3.0.0'));
    assert.match((await run('three')).stderr, /plugin metadata of gate: cache miss/);
    box.writeConfig(config('["fs:cwd"]', '3.1.0'));
    assert.match((await run('four')).stderr, /plugin metadata of gate: cache miss/);

    // Other bytes at the same path, with a pre_run: it decides from the next run on, every run.
    copyFileSync(HOOK, wasm);
    const swapped = await run('five');
    assert.equal(swapped.code, 1, swapped.stderr);
    assert.equal(swapped.stdout, '', 'the vetoed tool ran');
    assert.match(swapped.stderr, /plugin metadata of gate: cache stale/);
    assert.match(swapped.stderr, /error\[hook\.vetoed\]: Hook plugin "gate" vetoed running disttool 2\.1\.0: disttool 2\.1\.0 is below the minimum version 3\.1\.0/);
    const again = await run('six');
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /plugin metadata of gate: cache hit/);
    assert.equal(again.started, true, 'the cached hook plugin with pre_run was not asked');
    assert.match(again.stderr, /error\[hook\.vetoed\]: Hook plugin "gate" vetoed running disttool 2\.1\.0/);
    assert.deepEqual(auditLines(box), ['gate pre_run disttool 2.1.0 denied', 'gate pre_run disttool 2.1.0 denied']);
  });

  it('a pre_uninstall veto removes nothing, not even the other versions of an --all', async () => {
    const box = fixture.sandboxWith(withPolicy());
    for (const version of ['1.4.2', '2.0.0']) assert.equal((await box.run(['install', 'disttool', version])).code, 0);
    const one = await box.run(['uninstall', 'disttool', '2.0.0']);
    assert.equal(one.code, 1);
    assert.match(one.stderr, /error\[hook\.vetoed\]: Hook plugin "policy" vetoed uninstalling disttool 2\.0\.0: disttool 2\.0\.0 is kept by this policy and may not be uninstalled/);
    const all = await box.run(['uninstall', 'disttool', '--all', '-y']);
    assert.equal(all.code, 1);
    assert.deepEqual(installedVersions(box), ['1.4.2', '2.0.0']);
    for (const version of ['1.4.2', '2.0.0']) assert.ok(existsSync(join(box.protoHome, 'tools/disttool', version)), version);
    assert.ok(existsSync(join(box.protoHome, 'shims/disttool')));
    // clean removes what the hook allows and keeps what it vetoes, with a warning.
    const cleaned = await box.run(['clean', '--days', '0', '-y']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stderr, /disttool 2\.0\.0 not removed: Hook plugin "policy" vetoed uninstalling disttool 2\.0\.0/);
    assert.deepEqual(installedVersions(box), ['2.0.0']);
  });

  it('hooks run in id order, each under its own permissions: one that may not write its audit log vetoes', async () => {
    const box = fixture.sandboxWith(withPolicy({ zeta: '["fs:cwd"]', alpha: '["fs:cwd"]' }));
    assert.equal((await box.run(['install', 'disttool', '2.1.0'])).code, 0);
    const listed = JSON.parse((await box.run(['plugin', 'list', '--json'])).stdout) as { plugins: Array<{ id: string; kind: string; source: string }> };
    assert.deepEqual(
      listed.plugins.filter((plugin) => plugin.kind === 'hook').map((plugin) => [plugin.id, plugin.source]),
      [['alpha', join(box.cwd, '.prototools')], ['zeta', join(box.cwd, '.prototools')]],
    );
    assert.deepEqual(auditLines(box), [
      'alpha pre_install disttool 2.1.0 allowed',
      'zeta pre_install disttool 2.1.0 allowed',
      'alpha post_install disttool 2.1.0 done',
      'zeta post_install disttool 2.1.0 done',
    ]);

    // Without fs:cwd, /cwd is not mounted for "blind": its audit write fails, so it says no.
    const blind = fixture.sandboxWith(withPolicy({ blind: '[]' }));
    const result = await blind.run(['install', 'disttool', '2.1.0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[hook\.vetoed\]: Hook plugin "blind" vetoed installing disttool 2\.1\.0: pre_install: cannot write the audit log: \/cwd\/audit\.log is not under any mounted directory/);
    assert.equal(existsSync(join(blind.protoHome, 'tools/disttool/2.1.0')), false);
  });

  it('a hook plugin has its own bound: one that hangs is stopped, and the install with it', async () => {
    const box = fixture.sandboxWith((url) =>
      fixtureToolsConfig({ disttool: { distUrl: url } }, `[plugins.hooks]\nstuck = "file://${fixturePlugin('hostile/loop-hook')}"\n\n[settings.plugin-timeouts]\nstuck = 1\n`),
    );
    const result = await box.run(['install', 'disttool', '2.1.0']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error\[plugin\.timeout\]: Hook plugin "stuck" failed, so installing disttool 2\.1\.0 did not happen: Plugin "stuck" failed in function "pre_install": it ran longer than its bound of 1 s/,
    );
    assert.equal(existsSync(join(box.protoHome, 'tools/disttool/2.1.0')), false);
  });
});

describe('an installed hook plugin (kind = "hook")', () => {
  let indexDir: string;
  before(() => {
    indexDir = writePluginIndex(tempIndexDir(), [{ name: 'policy', versions: [{ version: '1.0.0', plugin: 'policy-hook', kind: 'hook', extra: { permissions: ['fs:cwd'] } }] }]);
  });
  after(() => rmSync(indexDir, { recursive: true, force: true }));

  it('is called for every tool without a [plugins.hooks] entry, with its manifest permissions, warm shims included', async () => {
    const box = fixture.sandboxWith((url) =>
      fixtureToolsConfig({ disttool: { distUrl: url, pin: '1.4.2' } }, `[tools.policy]\nminimum = { disttool = "2.0.0" }\naudit-log = "/cwd/audit.log"\n\n[settings]\nplugin-index = "${indexDir}"\n`),
    );
    // Before the hook exists: 1.4.2 installed and its shim warm (served from the cache).
    assert.equal((await box.run(['install', 'disttool', '1.4.2'])).code, 0);
    const shim = () => runFile(join(box.protoHome, 'shims/disttool'), ['hi'], { cwd: box.cwd, env: box.env });
    assert.equal((await shim()).stdout, 'disttool 1.4.2 hi\n');
    assert.ok(existsSync(shimCacheEntry(box)));

    const prompt = await box.run(['plugin', 'install', 'policy'], { input: 'y\n' });
    assert.equal(prompt.code, 0, prompt.stderr);
    assert.match(prompt.stderr, /^Installing policy 1\.0\.0 \(hook plugin/m);
    assert.match(prompt.stderr, /^ {2}permissions: may see: the working directory$/m);
    const listed = JSON.parse((await box.run(['plugin', 'list', '--json'])).stdout) as { plugins: Array<{ id: string; kind: string }> };
    assert.deepEqual(listed.plugins.filter((plugin) => plugin.kind === 'hook').map((plugin) => plugin.id), ['policy']);

    // The cache entry no longer holds: the shim asks proto, and the hook refuses.
    const refused = await shim();
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /error\[hook\.vetoed\]: Hook plugin "policy" vetoed running disttool 1\.4\.2/);

    const vetoed = await box.run(['install', 'disttool', '1.4.2', '--force']);
    assert.equal(vetoed.code, 1);
    assert.match(vetoed.stderr, /error\[hook\.vetoed\]: Hook plugin "policy" vetoed installing disttool 1\.4\.2: disttool 1\.4\.2 is below the minimum version 2\.0\.0/);
    assert.match(vetoed.stderr, /hint: The hook plugin "policy" \(policy 1\.0\.0, installed from .*\) decides this in pre_install; .*proto plugin uninstall policy/);
    assert.equal((await box.run(['install', 'disttool', '2.1.0'])).code, 0);
    assert.deepEqual(auditLines(box), [
      'policy pre_run disttool 1.4.2 denied',
      'policy pre_install disttool 1.4.2 denied',
      'policy pre_install disttool 2.1.0 allowed',
      'policy post_install disttool 2.1.0 done',
    ]);
  });

  it('plugin list shows hook plugins in the order they are called: installed and configured by id', async () => {
    // "policy" (installed) is called before "zeta" ([plugins.hooks]): ids in order, whatever their source.
    const box = fixture.sandboxWith(withPolicy({ zeta: '["fs:cwd"]' }, `plugin-index = "${indexDir}"\n\n${policySettings('policy')}`));
    assert.equal((await box.run(['plugin', 'install', 'policy', '-y'])).code, 0);
    const listed = JSON.parse((await box.run(['plugin', 'list', '--json'])).stdout) as { plugins: Array<{ id: string; kind: string; source: string; locator: string }> };
    const hooks = listed.plugins.filter((plugin) => plugin.kind === 'hook');
    assert.deepEqual(hooks.map((plugin) => plugin.id), ['policy', 'zeta']);
    assert.equal(hooks[1]!.source, join(box.cwd, '.prototools'));
    assert.match(hooks[0]!.locator, /^file:\/\/.*policy/);
    assert.equal((await box.run(['install', 'disttool', '2.1.0'])).code, 0);
    assert.deepEqual(auditLines(box).filter((line) => line.includes('pre_install')).map((line) => line.split(' ')[0]), ['policy', 'zeta']);
  });
});
