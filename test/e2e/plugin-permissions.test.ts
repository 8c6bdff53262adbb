/**
 * Plugin permissions through the real CLI: `[tools.<id>] permissions` and manifest permissions
 * enforced on a real install (the denied host receives nothing), the install-time import scan
 * (hard blocks, blocks, capability opt-ins) with nothing left behind, `proto plugin scan`, the
 * trust prompt and `plugin info` in plain words, and clamped call bounds.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDisttoolDist } from '../support/disttool-dist.js';
import { fixturePlugin } from '../support/fixtures.js';
import { manifestFor, sha256Of, tempIndexDir, writePluginIndex, type IndexPluginSpec } from '../support/plugin-index.js';
import { fixtureToolsConfig, useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();

const PLUGINS: IndexPluginSpec[] = [
  // Hard-blocked whatever it declares: a WASI socket import.
  { name: 'socketeer', versions: [{ version: '1.0.0', plugin: 'scan/wasi-socket', extra: { permissions: ['net:*'] } }] },
  // Imports every gated function but declares only exec:.
  { name: 'gated', versions: [{ version: '1.0.0', plugin: 'scan/gated-imports', extra: { permissions: ['exec:git'] } }] },
  // The same module, with permissions for three families and capabilities for the rest.
  {
    name: 'optin',
    versions: [
      {
        version: '1.0.0',
        plugin: 'scan/gated-imports',
        extra: { permissions: ['exec:git', 'exec:rustup', 'net:github.com', 'env:read:HOME', 'fs:cwd'], requested_capabilities: ['set_env_var'] },
      },
    ],
  },
  // Declares nothing: unrestricted, as every plugin is in proto.
  { name: 'open', versions: [{ version: '1.0.0', plugin: 'scan/gated-imports' }] },
  // Loops in register_tool and asks for a bound below the minimum.
  { name: 'slowpoke', versions: [{ version: '1.0.0', plugin: 'hostile/loop', extra: { callTimeoutMs: 200 } }] },
];

let indexDir: string;

before(() => {
  indexDir = writePluginIndex(tempIndexDir(), PLUGINS);
});

after(() => {
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

/** A sandbox whose only plugin index is the directory above (read live). */
function indexSandbox(extra = ''): CliSandbox {
  return fixture.sandboxWith(`[settings]\nplugin-index = "${indexDir}"\n${extra}`);
}

/** Everything under plugins/installed (staging and trash dirs included). */
function installedEntries(box: CliSandbox): string[] {
  const dir = join(box.protoHome, 'plugins/installed');
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.endsWith('.lock')).sort() : [];
}

describe('permissions in .prototools, through a real install', { concurrency: true }, () => {
  it('a plugin without net: for the dist host never reaches it; granting it installs and runs', async () => {
    const dist = await startDisttoolDist();
    try {
      const denied = fixture.sandboxWith(fixtureToolsConfig({ disttool: { distUrl: dist.url, settings: ['permissions = ["exec:git"]'] } }));
      const result = await denied.run(['install', 'disttool', '1.0.0']);
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        /error\[plugin\.permission_denied\]: Plugin "disttool" failed in function "load_versions": permission denied: send_request may not fetch http:\/\/127\.0\.0\.1:\d+\/index\.json: plugin "disttool" lacks the permission "net:127\.0\.0\.1"/,
      );
      assert.match(result.stderr, /hint: If you trust it to, grant it in \.prototools: \[tools\.disttool\] permissions = \["exec:git", "net:127\.0\.0\.1"\]/);
      assert.equal(dist.server.requests.length, 0, 'the denied host received a request');
      assert.equal(existsSync(join(denied.protoHome, 'tools/disttool')), false);

      const allowed = fixture.sandboxWith(fixtureToolsConfig({ disttool: { distUrl: dist.url, settings: ['permissions = ["net:127.0.0.1"]'] } }));
      const installed = await allowed.run(['install', 'disttool', '1.0.0']);
      assert.equal(installed.code, 0, installed.stderr);
      const ran = await allowed.run(['run', 'disttool', '1.0.0', '--', 'hello']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout, 'disttool 1.0.0 hello\n');
    } finally {
      await dist.close();
    }
  });

  it('an invalid permission in .prototools is a config error naming the file', async () => {
    const box = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url, settings: ['permissions = ["exec:git", "internet"]'] } }));
    const result = await box.run(['list-remote', 'disttool']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[config\.invalid_setting\]: .*\.prototools: \[tools\.disttool\] permissions: "internet" is not a permission/);
  });
});

describe('install-time import scan', { concurrency: true }, () => {
  it('hard-blocks a WASI socket import although the manifest grants net:*, leaving nothing behind', async () => {
    const box = indexSandbox();
    const result = await box.run(['plugin', 'install', 'socketeer', '-y']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /error\[plugin\.scan_blocked\]: socketeer 1\.0\.0 was not installed: the import scan blocked 1 import:\n {2}- wasi_snapshot_preview1\.sock_send \(hard-blocked\): is a WASI socket function/);
    assert.match(result.stderr, /hint: Hard-blocked imports cannot be allowed/);
    assert.deepEqual(installedEntries(box), []);
  });

  it('blocks each gated import whose family the manifest does not declare', async () => {
    const box = indexSandbox();
    const result = await box.run(['plugin', 'install', 'gated', '-y']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /error\[plugin\.scan_blocked\]: gated 1\.0\.0 was not installed: the import scan blocked 4 imports:/);
    for (const name of ['extism:host/env.http_request', 'extism:host/user.send_request', 'extism:host/user.get_env_var', 'extism:host/user.set_env_var']) {
      assert.ok(result.stderr.includes(`  - ${name} (blocked): no `), `${name} not reported:\n${result.stderr}`);
    }
    assert.doesNotMatch(result.stderr, /exec_command \(blocked\)/);
    assert.match(result.stderr, /hint: The plugin manifest must declare the permissions its imports need \(or list the imports in requested_capabilities\)/);
    assert.deepEqual(installedEntries(box), []);
  });

  it('installs once the manifest declares the families and requests the rest as capabilities', async () => {
    const box = indexSandbox();
    const result = await box.run(['plugin', 'install', 'optin', '-y']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(installedEntries(box), ['optin']);
  });

  it('proto plugin scan reports every import and exits 1 when something is blocked', async () => {
    const box = indexSandbox();
    const wasm = fixturePlugin('scan/gated-imports');
    const blocked = await box.run(['plugin', 'scan', wasm, '--permissions', 'exec:git,net:*']);
    assert.equal(blocked.code, 1);
    assert.match(blocked.stdout, /^ {2}permissions: may run: git\n {15}may connect to: any host$/m);
    assert.match(blocked.stdout, /^ {2}blocked +extism:host\/user\.get_env_var: no env:read permission is declared/m);
    assert.match(blocked.stdout, /^ {2}gated +extism:host\/user\.exec_command: calls are limited to exec:git$/m);
    assert.match(blocked.stdout, /^ {2}ok +extism:host\/user\.host_log: not gated$/m);
    assert.match(blocked.stderr, /error\[plugin\.scan_blocked\]: .*gated-imports\.wasm: the import scan blocked 2 imports/);

    const manifestPath = join(box.root, 'optin.json');
    writeFileSync(manifestPath, JSON.stringify(manifestFor(PLUGINS[2]!, PLUGINS[2]!.versions[0]!, sha256Of(wasm))));
    const json = await box.run(['plugin', 'scan', wasm, '--manifest', manifestPath, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { blocked: boolean; imports: Array<{ name: string; verdict: string }> };
    assert.equal(report.blocked, false);
    assert.deepEqual(
      Object.fromEntries(report.imports.filter((entry) => entry.verdict !== 'ok').map((entry) => [entry.name, entry.verdict])),
      { http_request: 'gated', exec_command: 'gated', send_request: 'gated', get_env_var: 'gated', set_env_var: 'capability' },
    );

    const socket = await box.run(['plugin', 'scan', `file://${fixturePlugin('scan/wasi-socket')}`]);
    assert.equal(socket.code, 1);
    assert.match(socket.stdout, /^ {2}permissions: unrestricted \(it declares none\)/m);
    assert.match(socket.stdout, /^ {2}hard-blocked +wasi_snapshot_preview1\.sock_send: is a WASI socket function/m);
  });
});

describe('what the user is shown', { concurrency: true }, () => {
  it('the trust prompt lists the permissions in plain words', async () => {
    const box = indexSandbox();
    const declined = await box.run(['plugin', 'install', 'optin'], { input: 'n\n' });
    assert.equal(declined.code, 1);
    assert.match(
      declined.stderr,
      /^ {2}permissions: may run: git, rustup\n {15}may connect to: github\.com\n {15}may read environment variables: HOME\n {15}may see: the working directory\n {2}imports without a permission \(every call denied\): set_env_var$/m,
    );
    assert.match(declined.stderr, /within the permissions above\. Do you trust it\? \[y\/N\]/);
    assert.deepEqual(installedEntries(box), []);

    const open = await box.run(['plugin', 'install', 'open'], { input: '' });
    assert.equal(open.code, 1);
    assert.match(open.stderr, /^ {2}permissions: unrestricted \(it declares none\): may run any program, reach any host/m);
  });

  it('plugin info shows the permissions, and says "unrestricted" for a plugin that declares none', async () => {
    const box = indexSandbox();
    const latest = await box.run(['plugin', 'info', 'optin']);
    assert.equal(latest.code, 0, latest.stderr);
    assert.match(latest.stdout, /^ {2}permissions \(latest 1\.0\.0\): may run: git, rustup$/m);
    const open = await box.run(['plugin', 'info', 'open', '--json']);
    assert.equal(open.code, 0, open.stderr);
    assert.deepEqual(JSON.parse(open.stdout).permissions, null);
    const openText = await box.run(['plugin', 'info', 'open']);
    assert.match(openText.stdout, /^ {2}permissions \(latest 1\.0\.0\): unrestricted \(it declares none\)/m);

    // A plugin named by a locator: only .prototools speaks for it.
    const configured = indexSandbox(`\n[plugins.tools]\nlocal = "file://${fixturePlugin('disttool')}"\n\n[tools.local]\npermissions = ["net:dist.example.com"]\n`);
    const local = await configured.run(['plugin', 'info', 'local']);
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /^local \(configured in \.prototools, not from an index\)\n {2}locator: +file:\/\/.*disttool\.wasm\n {2}permissions: may connect to: dist\.example\.com$/m);
  });
});

describe('clamped call bounds', { concurrency: true }, () => {
  it('a manifest callTimeoutMs below 1 s is raised to 1 s, with a warning naming it', async () => {
    const box = indexSandbox();
    // slowpoke's register_tool never returns: only its (clamped) bound ends the call.
    const result = await box.run(['plugin', 'install', 'slowpoke', '-y']);
    assert.equal(result.signal, null, 'proto exited on its own');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\[WARN +plugin\] The call bound of plugin "slowpoke" \(callTimeoutMs = 200 in its manifest\) is outside 1 s\.\.300 s; using 1 s\./);
    assert.match(result.stderr, /error\[plugin\.timeout\]: Plugin "slowpoke" failed in function "register_tool": it ran longer than its bound of 1 s and was stopped/);
    assert.deepEqual(installedEntries(box), []);
  });

  it('a manifest bound wins over [settings.plugin-timeouts]', async () => {
    const box = indexSandbox('\n[settings.plugin-timeouts]\nslowpoke = 30\n');
    const result = await box.run(['plugin', 'install', 'slowpoke', '-y']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ran longer than its bound of 1 s/);
  });

  it('settings and PROTO_PLUGIN_TIMEOUT outside 1 s..300 s are clamped, with a warning naming them', async () => {
    const high = fixture.sandboxWith((url) => fixtureToolsConfig({ disttool: { distUrl: url } }, '[settings.plugin-timeouts]\ndisttool = 100000\n'));
    const listed = await high.run(['list-remote', 'disttool']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stderr, /\[WARN +plugin\] The call bound of plugin "disttool" \(\[settings\.plugin-timeouts\] disttool = 100000\) is outside 1 s\.\.300 s; using 300 s\./);

    const low = fixture.sandboxWith(`[plugins.tools]\nloopy = "file://${fixturePlugin('hostile/loop')}"\n`);
    const stopped = await low.run(['list-remote', 'loopy'], { env: { PROTO_PLUGIN_TIMEOUT: '0.2' } });
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /\(PROTO_PLUGIN_TIMEOUT=0\.2\) is outside 1 s\.\.300 s; using 1 s\./);
    assert.match(stopped.stderr, /error\[plugin\.timeout\]: Plugin "loopy" failed in function "register_tool": it ran longer than its bound of 1 s/);
  });
});
