/**
 * `proto plugin search | info | install | upgrade | uninstall` against a real index served on
 * 127.0.0.1, built from our fixture plugins and listed by the real `proto plugin index build`.
 * Every command is the built CLI, spawned; the trust prompt is answered through a pipe.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDistServer, type DistServer } from '../../test-utils/index.js';
import { detectHost } from '../../src/host/index.js';
import { runCli, runFile } from '../support/cli.js';
import { fixturePlugin } from '../support/fixtures.js';
import { packagePath, sha256Of, tempIndexDir, writePluginIndex, type IndexPluginSpec } from '../support/plugin-index.js';
import { useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const host = detectHost();
/** A platform this machine is not, for the "no package" case. */
const otherPlatform: [string, string] = host.os === 'windows' ? ['linux', 'arm64'] : ['windows', 'arm64'];

/**
 * A published TOML plugin's shape: releases at a public https URL (reached through
 * `[settings.url-rewrites]`, see `schemaSandbox`), Node-style arch names, a SHASUMS file.
 */
const SCHEMATOOL_TOML = `name = "Schematool"
type = "cli"

[platform.linux]
archive-prefix = "disttool-v{version}-{os}-{arch}"
download-file = "disttool-v{version}-{os}-{arch}.tar.gz"
checksum-file = "SHASUMS256.txt"

[platform.macos]
archive-prefix = "disttool-v{version}-{os}-{arch}"
download-file = "disttool-v{version}-{os}-{arch}.tar.gz"
checksum-file = "SHASUMS256.txt"

[install]
download-url = "https://releases.example.com/disttool/v{version}/{download_file}"
checksum-url = "https://releases.example.com/disttool/v{version}/{checksum_file}"
arch = { x86_64 = "x64", aarch64 = "arm64" }

[install.exes.schematool]
exe-path = "bin/disttool"
primary = true

[resolve]
versions = ["1.0.0", "1.4.2", "2.0.0", "2.1.0"]
`;

/** The same kind of file in YAML, keys in camelCase as proto reads them. */
const YAMLTOOL_YAML = `name: Yamltool
type: cli
platform:
  linux:
    downloadFile: yamltool-{version}.tar.gz
  macos:
    downloadFile: yamltool-{version}.tar.gz
install:
  downloadUrl: https://releases.example.com/yamltool/{download_file}
resolve:
  versions: ["0.9.0", "1.0.0"]
`;

const PLUGINS: IndexPluginSpec[] = [
  {
    name: 'disttool',
    description: 'Installs disttool releases',
    versions: [
      // The latest needs a proto that does not exist yet: installs pick 2.0.0 unless told otherwise.
      { version: '3.0.0', compatibility: '>=1000' },
      { version: '2.0.0', plugin: 'hooked-disttool', extra: { permissions: ['exec:git', 'net:*', 'env:write:DTX_VIA'], futureField: { kept: true } } },
      { version: '1.0.0', compatibility: '>=0.1, <1' },
    ],
  },
  { name: 'futuretool', versions: [{ version: '1.0.0', compatibility: '>=1000' }] },
  { name: 'elsewhere', versions: [{ version: '1.0.0', platforms: [otherPlatform, ['macos', 'x64']] }] },
  { name: 'tampered', versions: [{ version: '1.0.0', wrongSha256: true }] },
  { name: 'packed', versions: [{ version: '1.0.0', archive: true }] },
  { name: 'trapping', versions: [{ version: '1.0.0', plugin: 'hostile/trap' }] },
  { name: 'node', description: 'Node.js, served by the disttool fixture', versions: [{ version: '1.0.0' }] },
  { name: 'auditor', description: 'Watches every install', versions: [{ version: '1.0.0', kind: 'hook' }] },
  { name: 'schematool', description: 'A TOML schema plugin', versions: [{ version: '1.0.0', schema: { ext: 'toml', text: SCHEMATOOL_TOML } }] },
  { name: 'yamltool', versions: [{ version: '1.0.0', schema: { ext: 'yaml', text: YAMLTOOL_YAML } }] },
  { name: 'tampered-schema', versions: [{ version: '1.0.0', schema: { ext: 'toml', text: SCHEMATOOL_TOML }, wrongSha256: true }] },
  // Parses as TOML but is no tool description: no [install] download-url.
  { name: 'broken-schema', versions: [{ version: '1.0.0', schema: { ext: 'toml', text: 'name = "Broken"\ntype = "cli"\n\n[install]\n' } }] },
  { name: 'schema-hook', versions: [{ version: '1.0.0', kind: 'hook', schema: { ext: 'toml', text: SCHEMATOOL_TOML } }] },
];

let indexDir: string;
let server: DistServer;

before(async () => {
  indexDir = writePluginIndex(tempIndexDir(), PLUGINS);
  const built = await runCli(['plugin', 'index', 'build', indexDir], { cwd: indexDir, env: { PATH: process.env.PATH, HOME: indexDir, PROTO_HOME: join(indexDir, '.proto') } });
  assert.equal(built.code, 0, built.stderr);
  server = await startDistServer({ root: indexDir });
});

after(async () => {
  await server?.close();
  rmSync(indexDir, { recursive: true, force: true });
});

/** A sandbox whose only plugin index is the test server. */
function sandbox(extra = ''): CliSandbox {
  return fixture.sandboxWith(`[settings]\nplugin-index = "${server.url}"\n${extra}`);
}

function installedFiles(box: CliSandbox): string[] {
  const dir = join(box.protoHome, 'plugins/installed');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function packageRequests(name: string, version: string): number {
  return server.requestsFor(`/${packagePath(name, PLUGINS.find((p) => p.name === name)!.versions.find((v) => v.version === version)!)}`).length;
}

describe('proto plugin search / info', { concurrency: true }, () => {
  it('search lists every plugin of the index, filters by term, and prints JSON', async () => {
    const box = sandbox();
    const [all, term, json, none] = await Promise.all([
      box.run(['plugin', 'search']),
      box.run(['plugin', 'search', 'DISTTOOL']),
      box.run(['plugin', 'search', 'node', '--json']),
      box.run(['plugin', 'search', 'zzz']),
    ]);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      all.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]),
      ['auditor', 'broken-schema', 'disttool', 'elsewhere', 'futuretool', 'node', 'packed', 'schema-hook', 'schematool', 'tampered', 'tampered-schema', 'trapping', 'yamltool'],
    );
    assert.match(all.stdout, /^disttool\s+3\.0\.0\s+Installs disttool releases$/m);
    // "disttool" is in node's description too.
    assert.deepEqual(term.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]), ['disttool', 'node']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      plugins: [
        {
          name: 'node',
          latest: '1.0.0',
          kind: 'tool',
          tools: ['node'],
          description: 'Node.js, served by the disttool fixture',
          index: server.url,
          installed: null,
        },
      ],
    });
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /No plugin matches "zzz"/);
  });

  it('info shows each version with its compatibility verdict, the license and the installed version', async () => {
    const box = sandbox();
    const before = await box.run(['plugin', 'info', 'disttool', '--json']);
    assert.equal(before.code, 0, before.stderr);
    const details = JSON.parse(before.stdout) as Record<string, unknown>;
    assert.equal(details.latest, '3.0.0');
    assert.equal(details.license, 'MIT');
    assert.equal(details.homepage, 'https://example.com/disttool');
    assert.equal(details.index, server.url);
    assert.equal(details.installed, null);
    assert.deepEqual(details.versions, [
      { version: '3.0.0', protoCompatibility: '>=1000', compatible: false },
      { version: '2.0.0', protoCompatibility: '>=0.1', compatible: true },
      { version: '1.0.0', protoCompatibility: '>=0.1, <1', compatible: true },
    ]);

    assert.equal((await box.run(['plugin', 'install', 'disttool', '--version', '1.0.0', '-y'])).code, 0);
    const text = await box.run(['plugin', 'info', 'disttool']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^disttool 3\.0\.0 \(tool plugin providing disttool\)$/m);
    assert.match(text.stdout, /^ {2}license: +MIT$/m);
    assert.match(text.stdout, new RegExp(`^ {2}installed: +1\\.0\\.0 \\(from ${server.url}\\)$`, 'm'));
    assert.match(text.stdout, /^ {4}3\.0\.0 +>=1000 +incompatible$/m);
    assert.match(text.stdout, /^ {4}1\.0\.0 +>=0\.1, <1 +compatible +installed$/m);

    const unknown = await box.run(['plugin', 'info', 'nosuch']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error\[plugin\.not_found\]: No plugin named "nosuch" in http:\/\/127\.0\.0\.1:\d+\.\nhint: .*proto plugin search/m);
  });
});

describe('proto plugin install', { concurrency: true }, () => {
  it('-y installs the newest compatible version, stores manifest, license and record, and keeps unknown fields', async () => {
    const box = sandbox();
    const result = await box.run(['plugin', 'install', 'disttool', '-y']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'installed disttool 2.0.0 (tool plugin providing disttool)\n');
    const dir = join(box.protoHome, 'plugins/installed/disttool');
    assert.equal(sha256Of(join(dir, 'plugin.wasm')), sha256Of(join(indexDir, 'packages/disttool-2.0.0.wasm')));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(manifest.futureField, { kept: true });
    assert.match(readFileSync(join(dir, 'LICENSE'), 'utf8'), /^MIT License/);
    const record = JSON.parse(readFileSync(join(dir, 'install.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(record.version, '2.0.0');
    assert.deepEqual(record.tools, ['disttool']);
    assert.equal(record.packageUrl, `${server.url}/packages/disttool-2.0.0.wasm`);
    assert.deepEqual(record.permissions, ['exec:git', 'net:*', 'env:write:DTX_VIA']);
    assert.deepEqual(installedFiles(box), ['disttool']);

    const again = await box.run(['plugin', 'install', 'disttool', '-y']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /disttool 2\.0\.0 is already installed/);
    const other = await box.run(['plugin', 'install', 'disttool', '--version', '1.0.0', '-y']);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^error\[plugin\.already_installed\]: disttool 2\.0\.0 is already installed\.\nhint: .*proto plugin upgrade disttool --version 1\.0\.0` --downgrade/m);

    const listed = await box.run(['plugin', 'list', '--installed', '--json']);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { plugins: Array<Record<string, unknown>> }).plugins.map(({ name, version, tools }) => ({ name, version, tools })),
      [{ name: 'disttool', version: '2.0.0', tools: ['disttool'] }],
    );
  });

  it('compiles the module once: the import scan and the load that checks it share it', async () => {
    const box = sandbox();
    // Preloaded into proto's main thread (plugin workers get compiled modules): counts the compiles.
    const probe = join(box.root, 'count-compiles.cjs');
    writeFileSync(
      probe,
      "if (require('node:worker_threads').isMainThread) {\n" +
        '  let count = 0;\n' +
        '  const compile = WebAssembly.compile;\n' +
        '  WebAssembly.compile = function (...args) { count++; return compile.apply(this, args); };\n' +
        "  process.on('exit', () => process.stderr.write(`wasm compiles: ${count}\\n`));\n" +
        '}\n',
    );
    const result = await box.run(['plugin', 'install', 'disttool', '-y'], { env: { NODE_OPTIONS: `--require ${probe}` } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^wasm compiles: 1$/m);
    assert.deepEqual(installedFiles(box), ['disttool']);
  });

  it('checks the module under [settings.limits]: one that starts above plugin-memory is refused and nothing is installed', async () => {
    // disttool with a linear memory of 32 pages (2 MiB) at the start instead of 1.
    const index = writePluginIndex(tempIndexDir(), [{ name: 'bigmem', versions: [{ version: '1.0.0' }] }]);
    const pkg = join(index, packagePath('bigmem', { version: '1.0.0' }));
    writeFileSync(pkg, withMemoryMinimum(readFileSync(pkg), 32));
    const manifestFile = join(index, 'manifests/bigmem/bigmem.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { packages: Array<{ sha256: string }> };
    manifest.packages[0]!.sha256 = sha256Of(pkg);
    writeFileSync(manifestFile, JSON.stringify(manifest));
    try {
      const limited = fixture.sandboxWith(`[settings]\nplugin-index = "${index}"\n\n[settings.limits]\nplugin-memory = 1\n`);
      const refused = await limited.run(['plugin', 'install', 'bigmem', '-y']);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /^error\[plugin\.memory_limit\]: The package of bigmem starts with 2(\.0)? MiB of memory, more than the limit of 1(\.0)? MiB\nhint: Raise \[settings\.limits\] plugin-memory/m);
      assert.deepEqual(installedFiles(limited), []);
      // Within the default limit, the same package installs.
      const open = fixture.sandboxWith(`[settings]\nplugin-index = "${index}"\n`);
      const installed = await open.run(['plugin', 'install', 'bigmem', '-y']);
      assert.equal(installed.code, 0, installed.stderr);
      assert.deepEqual(installedFiles(open), ['bigmem']);
    } finally {
      rmSync(index, { recursive: true, force: true });
    }
  });

  it('--version installs that version; an unknown version lists the ones there are', async () => {
    const box = sandbox();
    const result = await box.run(['plugin', 'install', 'disttool', '--version', '1.0.0', '--yes']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'installed disttool 1.0.0 (tool plugin providing disttool)\n');
    const missing = await box.run(['plugin', 'install', 'node', '--version', '9.9.9', '-y']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error\[plugin\.version_not_found\]: node has no version 9\.9\.9 in its index \(it has 1\.0\.0\)\./m);
  });

  it('asks before downloading: a piped "y" or "YES" proceeds; "n", other text or no input abort with exit 1 and nothing fetched or written', async () => {
    const declined = await Promise.all(
      [{ input: 'n\n' }, { input: 'sure\n' }, { input: '' }, {}].map(async (options) => {
        const box = sandbox();
        return { box, result: await box.run(['plugin', 'install', 'node'], options) };
      }),
    );
    for (const { box, result } of declined) {
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^Installing node 1\.0\.0 \(tool plugin providing node\)$/m);
      assert.match(result.stderr, /^ {2}license: +MIT$/m);
      assert.match(result.stderr, /^ {2}homepage: +https:\/\/example\.com\/node$/m);
      assert.match(result.stderr, new RegExp(`^ {2}package: +${server.url}/packages/node-1\\.0\\.0\\.wasm$`, 'm'));
      assert.match(result.stderr, /Do you trust it\? \[y\/N\]/);
      assert.match(result.stderr, /^error\[plugin\.not_trusted\]: Installation of node 1\.0\.0 cancelled: nothing was installed\.\nhint: Answer y or yes to proceed, or pass -y\/--yes\./m);
      assert.deepEqual(installedFiles(box), []);
    }
    assert.equal(packageRequests('node', '1.0.0'), 0, 'a declined install downloads nothing');

    for (const answer of ['y\n', 'YES\n']) {
      const box = sandbox();
      const accepted = await box.run(['plugin', 'install', 'node'], { input: answer });
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.equal(accepted.stdout, 'installed node 1.0.0 (tool plugin providing node)\n');
      assert.deepEqual(installedFiles(box), ['node']);
    }
  });

  it('refuses a plugin whose compatibility rule excludes this proto, naming the rule and our version; --override-compatibility-check installs it with a warning', async () => {
    const box = sandbox();
    const refused = await box.run(['plugin', 'install', 'futuretool', '-y']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error\[plugin\.incompatible\]: futuretool 1\.0\.0 requires proto >=1000, but this is proto 0\.1\.0\.\nhint: .*--override-compatibility-check/m);
    assert.deepEqual(installedFiles(box), []);
    assert.equal(packageRequests('futuretool', '1.0.0'), 0);

    const forced = await box.run(['plugin', 'install', 'futuretool', '--override-compatibility-check'], { input: 'y\n' });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /^\[WARN  plugin\] futuretool 1\.0\.0 requires proto >=1000, but this is proto 0\.1\.0; installing anyway/m);
    assert.match(forced.stderr, /^ {2}warning: +futuretool 1\.0\.0 requires proto >=1000/m);
    const info = JSON.parse((await box.run(['plugin', 'info', 'futuretool', '--json'])).stdout) as { installed: { compatibilityOverridden: boolean } };
    assert.equal(info.installed.compatibilityOverridden, true);
  });

  it('refuses a plugin without a package for this platform, listing the ones it has', async () => {
    const box = sandbox();
    const result = await box.run(['plugin', 'install', 'elsewhere', '-y']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^error\\[plugin\\.no_package\\]: elsewhere 1\\.0\\.0 has no package for ${host.os}/${host.arch} \\(it has: ${otherPlatform.join('/')}, macos/x64\\)\\.`, 'm'));
    assert.deepEqual(installedFiles(box), []);
  });

  it('a package whose sha256 does not match is refused and leaves nothing behind', async () => {
    const box = sandbox();
    const result = await box.run(['plugin', 'install', 'tampered', '-y']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error\[plugin\.checksum_mismatch\]: The package of tampered 1\.0\.0 does not match its sha256: expected [0-9a-f]{64}, got [0-9a-f]{64} \(http:\/\/127\.0\.0\.1:\d+\/packages\/tampered-1\.0\.0\.wasm\)\./m);
    assert.equal(packageRequests('tampered', '1.0.0') > 0, true);
    assert.deepEqual(installedFiles(box), [], 'no install, no staging dir, no lock');
  });

  it('installs the module out of a .tar.gz package; a module that does not load is not installed', async () => {
    const box = sandbox();
    const packed = await box.run(['plugin', 'install', 'packed', '-y']);
    assert.equal(packed.code, 0, packed.stderr);
    assert.equal(sha256Of(join(box.protoHome, 'plugins/installed/packed/plugin.wasm')), sha256Of(fixturePlugin('disttool')));

    const trapping = await box.run(['plugin', 'install', 'trapping', '-y']);
    assert.equal(trapping.code, 1);
    assert.match(trapping.stderr, /^error\[plugin\.trap\]: Plugin "trapping" failed in function "register_tool": the plugin crashed/m);
    assert.deepEqual(installedFiles(box), ['packed']);
  });

  it('refuses names of proto commands and invalid names before looking anything up', async () => {
    const box = sandbox();
    const [reserved, alias, invalid] = await Promise.all([
      box.run(['plugin', 'install', 'install', '-y']),
      box.run(['plugin', 'install', 'ls', '-y']),
      box.run(['plugin', 'install', 'Bad.Name', '-y']),
    ]);
    assert.match(reserved.stderr, /^error\[plugin\.reserved_name\]: "install" is the name of a proto command, so no plugin may take it\./m);
    assert.match(alias.stderr, /^error\[plugin\.reserved_name\]: "ls" is the name of a proto command/m);
    assert.match(invalid.stderr, /^error\[plugin\.invalid_name\]: "Bad\.Name" is not a valid plugin name\./m);
    for (const result of [reserved, alias, invalid]) assert.equal(result.code, 1);
  });
});

describe('proto plugin upgrade / uninstall', { concurrency: true }, () => {
  it('upgrades to the newest compatible version, refuses a downgrade without --downgrade, and never installs an incompatible version', async () => {
    const box = sandbox();
    assert.equal((await box.run(['plugin', 'install', 'disttool', '--version', '1.0.0', '-y'])).code, 0);
    const upgraded = await box.run(['plugin', 'upgrade', 'disttool'], { input: 'y\n' });
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.match(upgraded.stderr, /^Replacing disttool 1\.0\.0 with 2\.0\.0 /m);
    assert.equal(upgraded.stdout, 'upgraded disttool 1.0.0 -> 2.0.0\n');
    assert.equal(sha256Of(join(box.protoHome, 'plugins/installed/disttool/plugin.wasm')), sha256Of(join(indexDir, 'packages/disttool-2.0.0.wasm')));

    const current = await box.run(['plugin', 'upgrade', 'disttool', '-y']);
    assert.equal(current.code, 0, current.stderr);
    assert.match(current.stderr, /disttool 2\.0\.0 is up to date/);

    const incompatible = await box.run(['plugin', 'upgrade', 'disttool', '--version', '3.0.0', '-y']);
    assert.equal(incompatible.code, 1);
    assert.match(incompatible.stderr, /^error\[plugin\.incompatible\]: disttool 3\.0\.0 requires proto >=1000, but this is proto 0\.1\.0\.\nhint: upgrade never installs an incompatible version/m);

    const refused = await box.run(['plugin', 'upgrade', 'disttool', '--version', '1.0.0', '-y']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error\[plugin\.downgrade_refused\]: disttool 1\.0\.0 is older than the installed 2\.0\.0\.\nhint: Pass --downgrade/m);

    const downgraded = await box.run(['plugin', 'upgrade', 'disttool', '--version', '1.0.0', '--downgrade', '-y']);
    assert.equal(downgraded.code, 0, downgraded.stderr);
    assert.equal(downgraded.stdout, 'downgraded disttool 2.0.0 -> 1.0.0\n');
    assert.equal(JSON.parse(box.read('.proto/plugins/installed/disttool/install.json')).version, '1.0.0');
  });

  it('--all upgrades every installed plugin; a declined prompt keeps the old version', async () => {
    const box = sandbox();
    assert.equal((await box.run(['plugin', 'install', 'disttool', '--version', '1.0.0', '-y'])).code, 0);
    assert.equal((await box.run(['plugin', 'install', 'node', '-y'])).code, 0);
    const declined = await box.run(['plugin', 'upgrade', '--all'], { input: 'no\n' });
    assert.equal(declined.code, 1);
    assert.match(declined.stderr, /^error\[plugin\.not_trusted\]: disttool: Installation of disttool 2\.0\.0 cancelled/m);
    assert.match(declined.stderr, /node 1\.0\.0 is up to date/);
    assert.equal(JSON.parse(box.read('.proto/plugins/installed/disttool/install.json')).version, '1.0.0');
    const all = await box.run(['plugin', 'upgrade', '--all', '-y']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, 'upgraded disttool 1.0.0 -> 2.0.0\n');
    const misuse = await box.run(['plugin', 'upgrade', 'disttool', '--all']);
    assert.equal(misuse.code, 1);
    assert.match(misuse.stderr, /^error\[cli\.invalid_option\]: --all cannot be combined with a plugin name/m);
  });

  it('uninstall removes the plugin; uninstalling it again is an error', async () => {
    const box = sandbox();
    assert.equal((await box.run(['plugin', 'install', 'node', '-y'])).code, 0);
    const removed = await box.run(['plugin', 'uninstall', 'node']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, 'uninstalled node\n');
    assert.deepEqual(installedFiles(box), []);
    const again = await box.run(['plugin', 'uninstall', 'node']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error\[plugin\.not_installed\]: The plugin node is not installed\.\nhint: /m);
    const notInstalled = await box.run(['plugin', 'upgrade', 'node']);
    assert.equal(notInstalled.code, 1);
    assert.match(notInstalled.stderr, /^error\[plugin\.not_installed\]: The plugin node is not installed\./m);
  });
});

describe('tools from installed plugins', { concurrency: true }, () => {
  it('a hook plugin is installed (loaded, without register_tool) but provides no tool', async () => {
    const box = sandbox();
    const result = await box.run(['plugin', 'install', 'auditor', '-y']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'installed auditor 1.0.0 (hook plugin)\n');
    // Listed as a hook plugin, never as a tool.
    const listed = JSON.parse((await box.run(['plugin', 'list', '--json'])).stdout) as { plugins: Array<{ id: string; kind: string }> };
    assert.deepEqual(listed.plugins.filter((entry) => entry.id === 'auditor').map((entry) => entry.kind), ['hook']);
    const installed = JSON.parse((await box.run(['plugin', 'list', '--installed', '--json'])).stdout) as { plugins: Array<{ name: string; kind: string }> };
    assert.deepEqual(installed.plugins.map(({ name, kind }) => ({ name, kind })), [{ name: 'auditor', kind: 'hook' }]);
    const run = await box.run(['install', 'auditor', '1']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error\[tool\.unknown\]: Unknown tool "auditor"/m);
  });

  it('after `proto plugin install node`, with no [plugins] entry, `proto install node` uses it and the tool runs through its shim', async () => {
    const box = sandbox(`\n[tools.node]\ndist-url = "${fixture.dist.url}"\n`);
    assert.equal((await box.run(['plugin', 'install', 'node', '-y'])).code, 0);
    const listed = await box.run(['plugin', 'list', '--json']);
    const entries = (JSON.parse(listed.stdout) as { plugins: Array<{ id: string; kind: string; source: string | null }> }).plugins;
    assert.deepEqual(entries.find((entry) => entry.id === 'node'), {
      id: 'node',
      kind: 'installed',
      locator: `file://${join(box.protoHome, 'plugins/installed/node/plugin.wasm')}`,
      source: server.url,
    });
    const installed = await box.run(['install', 'node', '2']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.ok(existsSync(join(box.protoHome, 'tools/node/2.1.0/bin/disttool')));
    assert.equal((await box.run(['pin', 'node', '2.1.0'])).code, 0);
    const shim = await runFile(join(box.protoHome, 'shims/disttool'), ['hello'], { cwd: box.cwd, env: box.env });
    assert.equal(shim.code, 0, shim.stderr);
    assert.equal(shim.stdout, 'disttool 2.1.0 hello\n');

    // Uninstalled, the built-in node plugin (a download from GitHub) would be next: it is not used silently.
    assert.equal((await box.run(['plugin', 'uninstall', 'node'])).code, 0);
    const listedAfter = await box.run(['plugin', 'list', '--json']);
    assert.equal((JSON.parse(listedAfter.stdout) as { plugins: Array<{ id: string; kind: string }> }).plugins.find((entry) => entry.id === 'node')?.kind, 'builtin');
  });
});

describe('schema plugins from an index', { concurrency: true }, () => {
  /** A sandbox whose `https://releases.example.com/disttool/` is the fixture dist server. */
  function schemaSandbox(): CliSandbox {
    return sandbox(`\n[settings.url-rewrites]\n"^https://releases\\\\.example\\\\.com/disttool/" = "${fixture.dist.url}/"\n`);
  }

  it('a .toml package is checked, loaded once, stored, and then serves `proto install` and the shim like an installed .wasm', async () => {
    const box = schemaSandbox();
    const result = await box.run(['plugin', 'install', 'schematool'], { input: 'y\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^ {2}package: +${server.url}/packages/schematool-1\\.0\\.0\\.toml$`, 'm'));
    assert.equal(result.stdout, 'installed schematool 1.0.0 (tool plugin providing schematool)\n');
    const dir = join(box.protoHome, 'plugins/installed/schematool');
    assert.deepEqual(readdirSync(dir).sort(), ['LICENSE', 'install.json', 'manifest.json', 'plugin.toml']);
    assert.equal(readFileSync(join(dir, 'plugin.toml'), 'utf8'), SCHEMATOOL_TOML);
    const record = JSON.parse(readFileSync(join(dir, 'install.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(record.pluginFile, 'plugin.toml');
    assert.equal(record.sha256, sha256Of(join(indexDir, 'packages/schematool-1.0.0.toml')));

    const listed = JSON.parse((await box.run(['plugin', 'list', '--json'])).stdout) as { plugins: Array<Record<string, unknown>> };
    assert.deepEqual(listed.plugins.find((entry) => entry.id === 'schematool'), {
      id: 'schematool',
      kind: 'installed',
      locator: `file://${join(dir, 'plugin.toml')}`,
      source: server.url,
    });

    const installed = await box.run(['install', 'schematool', '2']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.ok(existsSync(join(box.protoHome, 'tools/schematool/2.1.0/bin/disttool')), 'archive-prefix stripped, {arch} remapped');
    assert.equal(fixture.dist.server.requestsFor(`/v2.1.0/SHASUMS256.txt`).length > 0, true, 'the checksum file was fetched');
    assert.equal((await box.run(['pin', 'schematool', '2.1.0'])).code, 0);
    const shim = await runFile(join(box.protoHome, 'shims/schematool'), ['hello'], { cwd: box.cwd, env: box.env });
    assert.equal(shim.code, 0, shim.stderr);
    assert.equal(shim.stdout, 'disttool 2.1.0 hello\n');
  });

  it('a .yaml package installs the same way and answers from its camelCase keys', async () => {
    const box = sandbox();
    const result = await box.run(['plugin', 'install', 'yamltool', '-y']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(box.protoHome, 'plugins/installed/yamltool/plugin.yaml')));
    const versions = await box.run(['list-remote', 'yamltool']);
    assert.equal(versions.code, 0, versions.stderr);
    assert.deepEqual(versions.stdout.trim().split('\n'), ['1.0.0  latest', '0.9.0']);
  });

  it('a .toml package whose sha256 does not match is refused and leaves nothing behind', async () => {
    const box = schemaSandbox();
    const result = await box.run(['plugin', 'install', 'tampered-schema', '-y']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error\[plugin\.checksum_mismatch\]: The package of tampered-schema 1\.0\.0 does not match its sha256: expected [0-9a-f]{64}, got [0-9a-f]{64} \(http:\/\/127\.0\.0\.1:\d+\/packages\/tampered-schema-1\.0\.0\.toml\)\./m);
    assert.equal(packageRequests('tampered-schema', '1.0.0') > 0, true);
    assert.deepEqual(installedFiles(box), [], 'no install, no staging dir, no lock');
    const run = await box.run(['install', 'tampered-schema', '1']);
    assert.match(run.stderr, /^error\[tool\.unknown\]: Unknown tool "tampered-schema"/m);
  });

  it('a schema that is no tool description is refused naming the package URL and the key; a hook plugin cannot be a schema', async () => {
    const box = sandbox();
    const [broken, hook] = await Promise.all([box.run(['plugin', 'install', 'broken-schema', '-y']), box.run(['plugin', 'install', 'schema-hook', '-y'])]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^error\[schema\.invalid\]: The plugin http:\/\/127\.0\.0\.1:\d+\/packages\/broken-schema-1\.0\.0\.toml is invalid at install\.download-url: this setting is required\./m);
    assert.equal(hook.code, 1);
    assert.match(hook.stderr, /^error\[plugin\.invalid_package\]: The package http:\/\/127\.0\.0\.1:\d+\/packages\/schema-hook-1\.0\.0\.toml of schema-hook is a schema plugin, but schema-hook is a hook plugin\.\nhint: Schema plugins/m);
    assert.equal(packageRequests('schema-hook', '1.0.0'), 0, 'refused before downloading');
    assert.deepEqual(installedFiles(box), []);
  });
});

/** `module` with its one memory's minimum set to `pages` (a memory section of `01 00 <min>`, as our fixtures have). */
function withMemoryMinimum(module: Buffer, pages: number): Buffer {
  let offset = 8;
  while (offset < module.length) {
    const id = module[offset]!;
    let size = 0;
    let shift = 0;
    let at = offset + 1;
    for (let byte = 0x80; byte & 0x80; shift += 7) size |= ((byte = module[at++]!) & 0x7f) << shift;
    if (id === 5) {
      assert.deepEqual([...module.subarray(at, at + 3)], [1, 0, 1], 'one memory, no maximum, one page');
      assert.ok(pages < 0x80, 'a minimum of one LEB128 byte');
      return Buffer.concat([module.subarray(0, at + 2), Buffer.of(pages), module.subarray(at + 3)]);
    }
    offset = at + size;
  }
  throw new Error('the module has no memory section');
}
