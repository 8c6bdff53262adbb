/**
 * Schema plugins behind the plugin port: every documented field of the format (those the five
 * community-shaped manifests of the e2e test leave out are here), test-utils' `createPlugin` and
 * generated suites driving a schema plugin exactly as a WASM one, and clear errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isProtoError } from '../../../src/errors.js';
import { detectHost } from '../../../src/host/index.js';
import { Store } from '../../../src/store/index.js';
import { Tool } from '../../../src/tool/tool.js';
import { rustArchName } from '../../../src/protocol/index.js';
import { camelToKebab, parseSchemaText } from '../../../src/schema/read-schema.js';
import { interpolateTokens } from '../../../src/schema/tokens.js';
import { parseToolSchema } from '../../../src/schema/tool-schema.js';
import {
  createPlugin,
  createSandbox,
  generateDownloadInstallTests,
  generateResolveVersionsTests,
  generateShimsTest,
  startDistServer,
  urlRewritesFor,
  type PluginSuiteOptions,
} from '../../../test-utils/index.js';
import { makeTar, writeTree } from '../../support/archives.js';
import { repoRoot } from '../../support/fixtures.js';
import { run } from '../../support/system-commands.js';

const PROTOSTAR = join(repoRoot, 'fixtures/schema-plugins/protostar.toml');
const host = detectHost();
const libcName = host.libc === 'gnu' ? 'glibc' : host.libc;
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'proto-schema-')));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
/** Writes a schema plugin file and returns its path. */
const schemaFile = (name: string, text: string) => {
  const path = join(scratch, `${counter++}-${name}`);
  writeFileSync(path, text);
  return path;
};

/** Serves protostar 1.2.3 for this machine: archive with a `protostar-1.2-linux/` top folder, SHASUMS256.txt. */
const protostarSuite: PluginSuiteOptions = {
  wasm: PROTOSTAR,
  host: { os: 'linux' },
  async setup() {
    const dir = mkdtempSync(join(scratch, 'dist-'));
    const name = `protostar-1.2.3-${rustArchName(host.arch)}-unknown-linux-${libcName}.tar.gz`;
    writeTree(join(dir, 'src'), {
      'protostar-1.2-linux/bin/protostar': { content: '#!/bin/sh\necho protostar 1.2.3\n', mode: 0o755 },
      'protostar-1.2-linux/lib/cli.js': 'console.log("protostar")\n',
    });
    makeTar(join(dir, 'src'), join(dir, name), 'tar.gz', { members: ['protostar-1.2-linux'] });
    const server = await startDistServer({ files: { [`/v1.2.3/SHASUMS256.txt`]: run('sha256sum', [name], { cwd: dir }) } });
    server.setFile(`/v1.2.3/${name}`, (await import('node:fs')).readFileSync(join(dir, name)));
    return { urlRewrites: urlRewritesFor('https://dist.protostar.dev', server), teardown: () => server.close() };
  },
};

describe('test-utils generators on a schema plugin', { skip: process.platform !== 'linux' && 'releases are built for Linux' }, () => {
  generateDownloadInstallTests('protostar', '1.2.3', protostarSuite);
  generateResolveVersionsTests('protostar', { '1': '1.2.3', stable: '1.2.3', '1.0': '1.0.0' }, protostarSuite);
  generateShimsTest('protostar', ['protostar', 'pstar'], protostarSuite);
});

describe('schema plugin functions', () => {
  it('register_tool, detect_version_files, load_versions from static versions and aliases', async () => {
    const plugin = await createPlugin('protostar', { wasm: PROTOSTAR, host: { os: 'linux' } });
    try {
      assert.deepEqual(plugin.plugin.exportedFunctions(), ['register_tool', 'detect_version_files', 'load_versions', 'download_prebuilt', 'locate_executables']);
      const registered = await plugin.registerTool();
      assert.equal(registered.name, 'Protostar');
      assert.equal(registered.type, 'language');
      assert.equal(registered.default_version, '~1');
      assert.deepEqual(registered.self_upgrade_commands, ['upgrade']);
      assert.deepEqual(await plugin.detectVersionFiles(), { files: ['.protostarrc'], ignore: [] });
      const versions = await plugin.loadVersions();
      assert.deepEqual(versions.versions, ['2.0.0-beta.1', '1.2.3', '1.0.0']);
      assert.equal(versions.latest, '1.2.3');
      assert.deepEqual(versions.aliases, { stable: '1.2.3' });
    } finally {
      await plugin.close();
    }
  });

  it('download_prebuilt: tokens, libc mapping, canary URLs; an unsupported arch is refused', async () => {
    const plugin = await createPlugin('protostar', { wasm: PROTOSTAR, host: { os: 'linux', arch: 'arm64', libc: 'gnu' } });
    try {
      assert.deepEqual(await plugin.downloadPrebuilt({ context: { version: '1.2.3' } }), {
        archive_prefix: 'protostar-1.2-linux',
        checksum_name: 'SHASUMS256.txt',
        checksum_url: 'https://dist.protostar.dev/v1.2.3/SHASUMS256.txt',
        download_name: 'protostar-1.2.3-aarch64-unknown-linux-glibc.tar.gz',
        download_url: 'https://dist.protostar.dev/v1.2.3/protostar-1.2.3-aarch64-unknown-linux-glibc.tar.gz',
      });
      const canary = await plugin.downloadPrebuilt({ context: { version: 'canary' } });
      assert.equal(canary.download_url, 'https://dist.protostar.dev/nightly/protostar-canary-aarch64-unknown-linux-glibc.tar.gz');
      assert.equal(canary.checksum_url, 'https://dist.protostar.dev/nightly/SHASUMS256.txt');
      assert.equal(canary.archive_prefix, 'protostar-.-linux', 'version tokens are empty for a non-version, as in proto');
    } finally {
      await plugin.close();
    }
    const riscv = await createPlugin('protostar', { wasm: PROTOSTAR, host: { os: 'linux', arch: 'riscv64' } });
    try {
      await assert.rejects(riscv.downloadPrebuilt({ context: { version: '1.2.3' } }), (error: unknown) =>
        isProtoError(error, 'schema.unsupported_arch') && /Plugin "protostar" failed in function "download_prebuilt": Unable to install Protostar: unsupported architecture riscv64 for linux/.test(error.message),
      );
    } finally {
      await riscv.close();
    }
  });

  it('locate_executables: primary from the platform exe-path, parent exe, no-shim/no-bin, exes-dirs, globals', async () => {
    const plugin = await createPlugin('protostar', { wasm: PROTOSTAR, host: { os: 'linux' } });
    try {
      assert.deepEqual(await plugin.locateExecutables({ context: { version: '1.2.3' } }), {
        exes: {
          protostar: { exe_path: 'bin/protostar', no_bin: false, no_shim: false, parent_exe_args: [], primary: true },
          'protostar-node': { exe_path: 'lib/cli.js', no_bin: false, no_shim: true, parent_exe_args: [], parent_exe_name: 'node', primary: false },
          pstar: { exe_path: 'bin/protostar', no_bin: true, no_shim: false, parent_exe_args: [], primary: false, shim_before_args: ['--quiet'] },
        },
        exes_dirs: ['bin', 'tools/bin'],
        globals_lookup_dirs: ['$PROTOSTAR_HOME/bin', '$HOME/.protostar/bin'],
        globals_prefix: 'protostar-',
      });
    } finally {
      await plugin.close();
    }
  });

  it('deprecated spellings still work and are reported: install.primary/secondary, bin-path, exes-dir', async () => {
    const path = schemaFile(
      'old.toml',
      `name = "Old"\ntype = "cli"\n[platform.linux]\ndownload-file = "old"\nbin-path = "bin/old"\nexes-dir = "bin"\n[install]\ndownload-url = "https://x/{download_file}"\n[install.primary]\nshim-before-args = ["-v"]\n[install.secondary.oldx]\nexe-path = "bin/oldx"\n`,
    );
    const plugin = await createPlugin('old', { wasm: path, host: { os: 'linux' } });
    try {
      const registered = await plugin.registerTool();
      assert.deepEqual(registered.deprecations, [
        'The platform.linux.exes-dir setting is deprecated, use exes-dirs instead.',
        'The platform.linux.bin-path setting is deprecated, use exe-path instead.',
        'The install.primary setting is deprecated, use exes (with primary = true) instead.',
        'The install.secondary setting is deprecated, use exes instead.',
      ]);
      const located = await plugin.locateExecutables({ context: { version: '1.0.0' } });
      assert.equal(located.exes.old?.exe_path, 'bin/old');
      assert.deepEqual(located.exes.old?.shim_before_args, ['-v']);
      assert.equal(located.exes.oldx?.exe_path, 'bin/oldx');
      assert.deepEqual(located.exes_dirs, ['bin']);
    } finally {
      await plugin.close();
    }
  });

  it('versions from a manifest-url of objects (manifest-version-key) and of strings, through url-rewrites', async () => {
    const server = await startDistServer({
      files: {
        '/objects.json': JSON.stringify([{ latest_version: 'v3.1.0' }, { latest_version: 'v3.0.0' }, { other: 1 }]),
        '/strings.json': JSON.stringify(['1.0.0', 'v1.1.0', 'junk']),
      },
    });
    try {
      for (const [file, key, expected] of [
        ['objects.json', 'manifest-version-key = "latest_version"', ['3.1.0', '3.0.0']],
        ['strings.json', '', ['1.1.0', '1.0.0']],
      ] as const) {
        const path = schemaFile('m.toml', `name = "M"\n[platform.linux]\ndownload-file = "m"\n[install]\ndownload-url = "https://x/m"\n[resolve]\nmanifest-url = "https://registry.example/${file}"\n${key}\n`);
        const plugin = await createPlugin('m', { wasm: path, host: { os: 'linux' }, urlRewrites: urlRewritesFor('https://registry.example', server) });
        try {
          assert.deepEqual((await plugin.loadVersions()).versions, expected);
        } finally {
          await plugin.close();
        }
      }
    } finally {
      await server.close();
    }
  });

  it('net: permissions gate the URLs a schema names: manifest-url, git-url, and the download URLs it hands back', async () => {
    const server = await startDistServer({ files: { '/strings.json': JSON.stringify(['1.0.0']) } });
    const sandbox = createSandbox('proto-schema-permissions-');
    const store = new Store({ env: sandbox.env });
    const load = (text: string, permissions: string[]) =>
      Tool.load({ id: 'p', wasm: schemaFile('p.toml', text), store, home: sandbox.home, cwd: sandbox.cwd, env: sandbox.env, host: { os: 'linux' }, permissions, cacheMetadata: false });
    const denied = (fn: string, missing: string) => (error: unknown) =>
      isProtoError(error, 'plugin.permission_denied') && error.message.includes(`"${fn}"`) && error.message.includes(`lacks the permission "${missing}"`);
    const manifestSchema = `name = "P"\n[platform.linux]\ndownload-file = "p"\n[install]\ndownload-url = "https://dl.example/p-{version}"\nchecksum-url = "https://sums.example/SUMS"\n[resolve]\nmanifest-url = "${server.url}/strings.json"\n`;
    try {
      const allowed = await load(manifestSchema, ['net:127.0.0.1', 'net:dl.example', 'net:sums.example']);
      assert.deepEqual((await allowed.plugin.loadVersions({ context: allowed.plugin.context(), initial: 'latest' })).versions, ['1.0.0']);
      assert.equal((await allowed.plugin.downloadPrebuilt({ context: allowed.plugin.context({ version: '1.0.0' }), install_dir: allowed.plugin.toWire(allowed.productDir('1.0.0')) })).download_url, 'https://dl.example/p-1.0.0');
      await allowed.close();

      const before = server.requests.length;
      const noManifest = await load(manifestSchema, ['net:dl.example']);
      await assert.rejects(noManifest.plugin.loadVersions({ context: noManifest.plugin.context(), initial: 'latest' }), denied('load_versions', 'net:127.0.0.1'));
      assert.equal(server.requests.length, before, 'the refused manifest was fetched');
      await assert.rejects(noManifest.plugin.downloadPrebuilt({ context: noManifest.plugin.context({ version: '1.0.0' }), install_dir: noManifest.plugin.toWire(noManifest.productDir('1.0.0')) }), denied('download_prebuilt', 'net:sums.example'));
      await noManifest.close();

      // An scp-like remote is gated by its host, before git runs.
      const git = await load(`name = "P"\n[platform.linux]\ndownload-file = "p"\n[install]\ndownload-url = "https://dl.example/p"\n[resolve]\ngit-url = "git@git.example:owner/p.git"\n`, []);
      await assert.rejects(git.plugin.loadVersions({ context: git.plugin.context(), initial: 'latest' }), denied('load_versions', 'net:git.example'));
      await git.close();
    } finally {
      await server.close();
      sandbox.cleanup();
    }
  });

  it('JSON/YAML keys are camelCase, except the keys of user maps; .jsonc comments are allowed', async () => {
    const json = await parseSchemaText(
      `// a comment\n{ "install": { "downloadUrl": "u", "arch": { "x86_64": "x64" }, "exes": { "fooBar": { "exePath": "f", "shimEnvVars": { "MY_VAR": "1" } } } },\n  /* block */ "platform": { "linux": { "archivePrefix": "p", "downloadFile": "d" } }, "resolve": { "aliases": { "fooBar": "1.2.3" } } }`,
      '/p/tool.jsonc',
    );
    assert.deepEqual(json, {
      install: { 'download-url': 'u', arch: { x86_64: 'x64' }, exes: { fooBar: { 'exe-path': 'f', 'shim-env-vars': { MY_VAR: '1' } } } },
      platform: { linux: { 'archive-prefix': 'p', 'download-file': 'd' } },
      resolve: { aliases: { fooBar: '1.2.3' } },
    });
    assert.deepEqual(await parseSchemaText('install:\n  checksumPublicKey: RWkey\n', '/p/t.yaml'), { install: { 'checksum-public-key': 'RWkey' } });
    assert.deepEqual(JSON.parse(JSON.stringify(await parseSchemaText('[install]\ndownloadUrl = "kept"\n', '/p/t.toml'))), { install: { downloadUrl: 'kept' } }, 'TOML keys are kept as written');
    assert.equal(camelToKebab('checksumURL'), 'checksum-url');
    assert.equal(camelToKebab('globals-lookup-dirs'), 'globals-lookup-dirs');
  });

  it('every version token, calendar versions included', () => {
    const schema = parseToolSchema({ install: { 'download-url': 'u', libc: { musl: 'alpine' } } }, 's');
    const text = '{version}|{versionMajor}.{versionMinor}.{versionPatch}|{versionMajorMinor}|{versionPrerelease}|{versionBuild}|{os}-{arch}-{libc}';
    assert.equal(interpolateTokens(text, '1.2.3-rc.1+b5', { os: 'linux', arch: 'x64', libc: 'musl' }, schema, undefined), '1.2.3-rc.1+b5|1.2.3|1.2|rc.1|b5|linux-x86_64-alpine');
    assert.equal(
      interpolateTokens('{versionYear}-{versionMonth}-{versionDay} {versionYearMonth}', '2024-02-06', { os: 'macos', arch: 'arm64', libc: 'gnu' }, schema, undefined),
      '2024-02-06 2024-02',
    );
  });

  it('refuses an invalid schema naming the file and the key, and an OS without a platform section', async () => {
    for (const [text, key] of [
      ['[install]\ndownload-url = 5\n', 'install.download-url'],
      ['[install]\n', 'install.download-url'],
      ['[platform.plan9]\ndownload-file = "x"\n[install]\ndownload-url = "u"\n', 'platform.plan9'],
      ['type = "shell"\n[install]\ndownload-url = "u"\n', 'type'],
      ['[install]\ndownload-url = "u"\n[install.arch]\nz80 = "z"\n', 'install.arch.z80'],
    ] as const) {
      const path = schemaFile('bad.toml', text);
      await assert.rejects(createPlugin('bad', { wasm: path }), (error: unknown) => isProtoError(error, 'schema.invalid') && error.message.includes(path) && error.message.includes(` at ${key}:`), text);
    }
    const macOnly = schemaFile('mac.toml', '[platform.macos]\ndownload-file = "x"\n[install]\ndownload-url = "u"\n');
    await assert.rejects(createPlugin('mac', { wasm: macOnly, host: { os: 'linux' } }), (error: unknown) =>
      isProtoError(error, 'schema.unsupported_os') && /failed in function "register_tool": .*no \[platform\.linux\] section/.test(error.message),
    );
  });
});
