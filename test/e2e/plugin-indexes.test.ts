/**
 * Where plugin indexes come from and how they are kept: a git repository (system git), proto's
 * registry data as the default (served locally through url-rewrites; unreachable and offline
 * otherwise), the 24 h cache of remote indexes and `proto plugin update`, file:// and relative
 * directory indexes, PROTO_PLUGIN_INDEX, --file/--url manifests, the maintainer commands
 * `index validate` / `index build`, `plugin add` / `remove`, and two installs at once.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startDistServer, type DistServer } from '../../test-utils/index.js';
import { runCli } from '../support/cli.js';
import { fixturePlugin } from '../support/fixtures.js';
import { commitAsGitRepository, sha256Of, tempIndexDir, writePluginIndex, type IndexPluginSpec } from '../support/plugin-index.js';
import { run, skipWithout } from '../support/system-commands.js';
import { useCliFixture, type CliSandbox } from './support/cli-sandbox.js';

const fixture = useCliFixture();
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const BASIC: IndexPluginSpec[] = [
  { name: 'disttool', versions: [{ version: '1.1.0' }, { version: '1.0.0' }] },
  { name: 'node', versions: [{ version: '1.0.0' }] },
];

function newIndex(plugins: readonly IndexPluginSpec[] = BASIC): string {
  const dir = writePluginIndex(tempIndexDir(), plugins);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function buildListing(dir: string): Promise<void> {
  const result = await runCli(['plugin', 'index', 'build', dir], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, PROTO_HOME: join(dir, '.proto-build') } });
  assert.equal(result.code, 0, result.stderr);
  rmSync(join(dir, '.proto-build'), { recursive: true, force: true });
}

async function serve(dir: string): Promise<DistServer> {
  const server = await startDistServer({ root: dir });
  cleanups.push(() => server.close());
  return server;
}

function names(stdout: string): string[] {
  return stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]!);
}

function installedVersion(box: CliSandbox, name: string): string | undefined {
  const path = join(box.protoHome, 'plugins/installed', name, 'install.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version : undefined;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a git repository as the index', skipWithout('git'), () => {
  it('is cloned with system git, read from the clone (offline too), and pulled again by `plugin update`', async () => {
    const origin = newIndex();
    commitAsGitRepository(origin);
    const box = fixture.sandboxWith(`[settings]\nplugin-index = "git+${pathToFileURL(origin).href}"\n`);
    const search = await box.run(['plugin', 'search']);
    assert.equal(search.code, 0, search.stderr);
    assert.deepEqual(names(search.stdout), ['disttool', 'node']);
    const clones = readdirSync(join(box.protoHome, 'cache/plugin-indexes'));
    assert.equal(clones.length, 1);
    assert.ok(existsSync(join(box.protoHome, 'cache/plugin-indexes', clones[0]!, 'repo/.git')));

    const installed = await box.run(['plugin', 'install', 'disttool', '-y']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(installed.stdout, 'installed disttool 1.1.0 (tool plugin providing disttool)\n');

    // A new plugin in the origin: not seen while the clone is fresh, seen after `plugin update`.
    writePluginIndex(origin, [{ name: 'newcomer', versions: [{ version: '0.1.0' }] }]);
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'add', '--all'], { cwd: origin });
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '--quiet', '-m', 'newcomer'], { cwd: origin });
    assert.deepEqual(names((await box.run(['plugin', 'search'])).stdout), ['disttool', 'node']);
    const updated = await box.run(['plugin', 'update']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(updated.stdout, `git+${pathToFileURL(origin).href}: 3 plugins\n`);
    const offline = await box.run(['plugin', 'search'], { env: { PROTO_OFFLINE: '1' } });
    assert.equal(offline.code, 0, offline.stderr);
    assert.deepEqual(names(offline.stdout), ['disttool', 'newcomer', 'node']);
  });

  it('a repository that cannot be cloned is reported with git\'s message and a hint', async () => {
    const box = fixture.sandboxWith(`[settings]\nplugin-index = "git+file:///nonexistent/index.git"\n`);
    const result = await box.run(['plugin', 'search']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error\[plugin\.index_unreachable\]: Cannot clone the plugin index git\+file:\/\/\/nonexistent\/index\.git: fatal: '\/nonexistent\/index\.git' does not appear to be a git repository; .*\nhint: /m);
    assert.deepEqual(readdirSync(join(box.protoHome, 'cache/plugin-indexes')).filter((name) => !name.endsWith('.lock')).flatMap((dir) => readdirSync(join(box.protoHome, 'cache/plugin-indexes', dir))), []);
  });
});

describe('the default index: proto\'s registry data', () => {
  const REGISTRY_PATTERN = '^https://raw\\\\.githubusercontent\\\\.com/moonrepo/proto/master/registry/data/';

  it('is searched through url-rewrites like any URL; its entries are installed by locator with `plugin add`', async () => {
    const data = tempIndexDir('registry-data-');
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    mkdirSync(join(data, 'registry/data'), { recursive: true });
    const entry = (id: string, locator: string, description: string) => ({ id, locator, format: 'toml', name: id, description, author: 'someone', bins: [id] });
    writeFileSync(join(data, 'registry/data/built-in.json'), JSON.stringify({ $schema: '../schema.json', version: 1, plugins: [entry('go', 'github://moonrepo/plugins/go_tool', 'Go is a simple, secure, and fast systems language.')] }));
    writeFileSync(
      join(data, 'registry/data/third-party.json'),
      JSON.stringify({ version: 1, plugins: [entry('act', 'https://raw.githubusercontent.com/someone/plugins/act.toml', 'Run your GitHub Actions locally.'), { broken: true }] }),
    );
    const server = await serve(data);
    const box = fixture.sandboxWith(`[settings.url-rewrites]\n"${REGISTRY_PATTERN}" = "${server.url}/registry/data/"\n`);
    const search = await box.run(['plugin', 'search']);
    assert.equal(search.code, 0, search.stderr);
    assert.deepEqual(names(search.stdout), ['act', 'go']);
    assert.match(search.stdout, /^act\s+proto registry\s+Run your GitHub Actions locally\.$/m);
    const info = await box.run(['plugin', 'info', 'act']);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^ {2}locator: +https:\/\/raw\.githubusercontent\.com\/someone\/plugins\/act\.toml \(add it with: proto plugin add act https:/m);
    const install = await box.run(['plugin', 'install', 'act', '-y']);
    assert.equal(install.code, 1);
    assert.match(install.stderr, /^error\[plugin\.not_installable\]: act is listed in proto's registry by its locator only .*\nhint: Configure it for proto as proto does: proto plugin add act https:\/\/raw\.githubusercontent\.com\/someone\/plugins\/act\.toml$/m);
  });

  it('fails clearly when unreachable, and offline when nothing is cached', async () => {
    const port = await closedPort();
    const box = fixture.sandboxWith(`[settings.url-rewrites]\n"${REGISTRY_PATTERN}" = "http://127.0.0.1:${port}/"\n\n[settings.http]\nretry-count = 0\n`);
    const [unreachable, offline] = await Promise.all([box.run(['plugin', 'search']), box.run(['plugin', 'search'], { env: { PROTO_OFFLINE: '1' } })]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^error\[plugin\.index_unreachable\]: Cannot reach the plugin index proto-registry \(proto's public registry, the default index\): .*\nhint: .*\[settings\] plugin-index \(or PROTO_PLUGIN_INDEX\)/m);
    assert.equal(offline.code, 1);
    assert.match(offline.stderr, /^error\[plugin\.index_offline\]: The plugin index proto-registry is not cached and proto is offline\.\nhint: Run `proto plugin update` once/m);
  });
});

describe('remote indexes', { concurrency: true }, () => {
  it('are cached for 24 hours, used offline, refreshed by `plugin update`, and used stale with a warning when a refresh fails', async () => {
    const dir = newIndex();
    await buildListing(dir);
    const server = await serve(dir);
    const box = fixture.sandboxWith(`[settings]\nplugin-index = "${server.url}"\n\n[settings.http]\nretry-count = 0\n`);
    const listingRequests = () => server.requestsFor('/index.json').length;
    assert.deepEqual(names((await box.run(['plugin', 'search'])).stdout), ['disttool', 'node']);
    assert.equal(listingRequests(), 1);
    assert.deepEqual(names((await box.run(['plugin', 'search'])).stdout), ['disttool', 'node']);
    assert.equal(listingRequests(), 1, 'a fresh cache is not fetched again');
    const offline = await box.run(['plugin', 'info', 'disttool', '--json'], { env: { PROTO_OFFLINE: '1' } });
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal((JSON.parse(offline.stdout) as { latest: string }).latest, '1.1.0');

    // The maintainer publishes a new plugin: `plugin update` sees it at once.
    writePluginIndex(dir, [{ name: 'newcomer', versions: [{ version: '0.1.0' }] }]);
    await buildListing(dir);
    const updated = await box.run(['plugin', 'update']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal(updated.stdout, `${server.url}: 3 plugins\n`);
    assert.equal(listingRequests(), 2);

    server.fault('/index.json', { statuses: [503] });
    const failed = await box.run(['plugin', 'update']);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stderr, /^\[WARN {2}plugin-index\] Cannot refresh http:\/\/127\.0\.0\.1:\d+ \(.*503.*\); using the copy from /m);
    assert.equal(failed.stdout, `${server.url}: 3 plugins\n`);
  });

  it('url-rewrites apply to index and package URLs; PROTO_PLUGIN_INDEX replaces the setting, and the first index listing a plugin wins', async () => {
    const mirror = newIndex([{ name: 'node', versions: [{ version: '2.0.0' }] }]);
    // Manifests naming absolute https URLs that only exist through a rewrite.
    const manifest = JSON.parse(readFileSync(join(mirror, 'manifests/node/node.json'), 'utf8')) as { packages: Array<{ url: string }> };
    manifest.packages[0]!.url = 'https://plugins.example.com/packages/node-2.0.0.wasm';
    writeFileSync(join(mirror, 'manifests/node/node.json'), JSON.stringify(manifest));
    await buildListing(mirror);
    const server = await serve(mirror);
    const local = newIndex();
    const rewrites = `[settings.url-rewrites]\n"^https://(index|plugins)\\\\.example\\\\.com/" = "${server.url}/"\n`;
    const box = fixture.sandboxWith(`[settings]\nplugin-index = "${local}"\n\n${rewrites}`);
    const fromSetting = await box.run(['plugin', 'search', '--json']);
    assert.deepEqual((JSON.parse(fromSetting.stdout) as { plugins: Array<{ name: string; latest: string }> }).plugins.map((p) => `${p.name} ${p.latest}`), ['disttool 1.1.0', 'node 1.0.0']);
    const env = { PROTO_PLUGIN_INDEX: `https://index.example.com, ${local}` };
    const fromEnv = await box.run(['plugin', 'search', '--json'], { env });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.deepEqual((JSON.parse(fromEnv.stdout) as { plugins: Array<{ name: string; latest: string; index: string }> }).plugins.map((p) => `${p.name} ${p.latest} ${p.index}`), [
      `disttool 1.1.0 ${local}`,
      'node 2.0.0 https://index.example.com',
    ]);
    const installed = await box.run(['plugin', 'install', 'node', '-y'], { env });
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(installedVersion(box, 'node'), '2.0.0');
    assert.equal(server.requestsFor('/packages/node-2.0.0.wasm').length, 1);
  });

  it('a file:// index reads its index.json; a relative directory is read from the .prototools that names it', async () => {
    const dir = newIndex();
    await buildListing(dir);
    const viaFile = fixture.sandboxWith(`[settings]\nplugin-index = ["${pathToFileURL(dir).href}"]\n`);
    const listed = await viaFile.run(['plugin', 'search']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(names(listed.stdout), ['disttool', 'node']);
    const installed = await viaFile.run(['plugin', 'install', 'node', '-y']);
    assert.equal(installed.code, 0, installed.stderr);

    const relative = fixture.sandboxWith('');
    const indexCopy = join(relative.root, 'team-index');
    writePluginIndex(indexCopy, [{ name: 'teamtool', versions: [{ version: '1.0.0' }] }]);
    relative.writeFile('.prototools', '[settings]\nplugin-index = "team-index"\n');
    const nested = await relative.run(['plugin', 'search']);
    assert.equal(nested.code, 0, nested.stderr);
    assert.deepEqual(names(nested.stdout), ['teamtool']);
  });
});

describe('--file and --url', { concurrency: true }, () => {
  it('install from a manifest outside any index, with its license next to it; the name must match', async () => {
    const dir = newIndex();
    const server = await serve(dir);
    const box = fixture.sandboxWith('[settings]\nplugin-index = []\n'.replace('[]', `"${join(dir, 'nowhere')}"`));
    const fromFile = await box.run(['plugin', 'install', 'disttool', '--file', join(dir, 'manifests/disttool/disttool@1.0.0.json'), '-y']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(installedVersion(box, 'disttool'), '1.0.0');
    assert.match(box.read('.proto/plugins/installed/disttool/LICENSE'), /^MIT License/);
    const fromUrl = await box.run(['plugin', 'upgrade', 'disttool', '--url', `${server.url}/manifests/disttool/disttool.json`, '-y']);
    assert.equal(fromUrl.code, 0, fromUrl.stderr);
    assert.equal(fromUrl.stdout, 'upgraded disttool 1.0.0 -> 1.1.0\n');
    const wrongName = await box.run(['plugin', 'install', 'node', '--url', `${server.url}/manifests/disttool/disttool.json`, '-y']);
    assert.equal(wrongName.code, 1);
    assert.match(wrongName.stderr, /^error\[plugin\.name_mismatch\]: http:\/\/127\.0\.0\.1:\d+\/manifests\/disttool\/disttool\.json is the manifest of "disttool", not "node"\./m);
    const invalid = join(box.root, 'bad.json');
    writeFileSync(invalid, JSON.stringify({ name: 'node', version: '1', packages: [] }));
    const rejected = await box.run(['plugin', 'install', 'node', '--file', invalid, '-y']);
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /^error\[plugin\.invalid_manifest\]: The plugin manifest .*bad\.json is invalid:\n {2}- the document lacks the required field "description"/m);
    assert.match(rejected.stderr, /^ {2}- "version" is "1", expected: /m);
    assert.match(rejected.stderr, /^ {2}- "packages" must NOT have fewer than 1 items$/m);
  });

  it('checks manifests and listings with the validators built into the CLI, without loading ajv', async () => {
    const box = fixture.sandboxWith('[settings]\nplugin-index = "nowhere"\n');
    // Preloaded into the CLI: on exit, says which of ajv's modules the process loaded.
    const probe = join(box.root, 'ajv-probe.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`ajv modules: ${Object.keys(require.cache).filter((path) => path.includes('/node_modules/ajv/')).map((path) => path.replace(/.*\\/node_modules\\/ajv\\//, '')).join(' ')}\\n`));\n");
    const invalid = join(box.root, 'bad.json');
    writeFileSync(invalid, JSON.stringify({ name: 'node', version: '1', packages: [] }));
    const rejected = await box.run(['plugin', 'install', 'node', '--file', invalid, '-y'], { env: { NODE_OPTIONS: `--require ${probe}` } });
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /^error\[plugin\.invalid_manifest\]: The plugin manifest .*bad\.json is invalid:\n {2}- the document lacks the required field "description"/m);
    assert.match(rejected.stderr, /^ {2}- "packages" must NOT have fewer than 1 items$/m);
    // The runtime helpers the generated code calls (string lengths, deep equality), not ajv itself.
    const loaded = /^ajv modules: (.*)$/m.exec(rejected.stderr)?.[1]?.split(' ').filter(Boolean);
    assert.ok(loaded, rejected.stderr);
    assert.deepEqual(loaded.filter((path) => !path.startsWith('dist/runtime/')), []);
  });
});

describe('proto plugin index validate / build', () => {
  it('reports every broken rule with its file, and build refuses such an index', async () => {
    const dir = newIndex([
      { name: 'good', versions: [{ version: '1.0.0' }] },
      { name: 'install', versions: [{ version: '1.0.0' }] },
      { name: 'nolicense', versions: [{ version: '1.0.0' }], license: false },
      { name: 'mismatch', versions: [{ version: '1.0.0' }] },
      { name: 'versioned', versions: [{ version: '2.0.0' }, { version: '1.0.0' }] },
      { name: 'extra', versions: [{ version: '1.0.0' }] },
      { name: 'newer', versions: [{ version: '1.0.0' }, { version: '9.0.0' }] },
      { name: 'clash', versions: [{ version: '1.0.0', tools: ['good'] }] },
    ]);
    const good = JSON.parse(readFileSync(join(dir, 'manifests/good/good.json'), 'utf8')) as Record<string, unknown>;
    mkdirSync(join(dir, 'manifests/Bad_Name'));
    writeFileSync(join(dir, 'manifests/Bad_Name/Bad_Name.json'), JSON.stringify({ ...good, name: 'Bad_Name' }));
    writeFileSync(join(dir, 'manifests/mismatch/mismatch.json'), JSON.stringify({ ...good, name: 'other' }));
    writeFileSync(join(dir, 'manifests/versioned/versioned@1.0.0.json'), JSON.stringify({ ...good, name: 'versioned', version: '1.0.1' }));
    writeFileSync(join(dir, 'manifests/extra/notes.txt'), 'hello\n');
    mkdirSync(join(dir, 'manifests/nolatest'));
    writeFileSync(join(dir, 'manifests/nolatest/nolatest@1.0.0.json'), JSON.stringify({ ...good, name: 'nolatest' }));
    writeFileSync(join(dir, 'manifests/nolatest/nolatest.license'), 'MIT\n');
    mkdirSync(join(dir, 'manifests/schema'));
    writeFileSync(join(dir, 'manifests/schema/schema.json'), JSON.stringify({ ...good, name: 'schema', license: 'not a license!', packages: [{ os: 'beos', arch: 'x64', url: 'x.exe', sha256: 'abc' }] }));
    writeFileSync(join(dir, 'manifests/schema/schema.license'), 'MIT\n');
    writeFileSync(join(dir, 'index.json'), '{"formatVersion":1,"plugins":[]}\n');

    const box = fixture.sandboxWith('');
    const [validated, built] = await Promise.all([box.run(['plugin', 'index', 'validate', dir]), box.run(['plugin', 'index', 'build', dir])]);
    for (const result of [validated, built]) {
      assert.equal(result.code, 1, result.stderr);
      const lines = result.stdout.trim().split('\n');
      const expect = (prefix: string, text: RegExp) => assert.ok(lines.some((line) => line.startsWith(prefix) && text.test(line)), `no "${prefix}" line matching ${text}:\n${result.stdout}`);
      expect('manifests/Bad_Name:', /not a valid plugin name/);
      expect('manifests/install:', /is the name of a proto command/);
      expect('manifests/nolicense/nolicense.license:', /the license file is missing/);
      expect('manifests/mismatch/mismatch.json:', /"name" is "other" but the file belongs to the plugin "mismatch"/);
      expect('manifests/versioned/versioned@1.0.0.json:', /"version" is "1\.0\.1" but the file name says 1\.0\.0/);
      expect('manifests/extra/notes.txt:', /unexpected file/);
      expect('manifests/nolatest/nolatest.json:', /the latest manifest is missing/);
      expect('manifests/newer/newer@9.0.0.json:', /newer than newer\.json \(1\.0\.0\)/);
      expect('manifests/good/good.json:', /the tool "good" is also provided by the plugin "clash"/);
      expect('manifests/schema/schema.json:', /"license" is "not a license!"/);
      assert.ok(result.stdout.includes('"packages.0.os" is "beos"; it must be one of "linux", "macos", "windows", "any"'), result.stdout);
      assert.match(result.stderr, /^error\[plugin\.index_invalid\]: .*: \d+ problems found\.\nhint: /m);
    }
    assert.ok(validated.stdout.includes('index.json: out of date with the manifests'));
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), '{"formatVersion":1,"plugins":[]}\n', 'build wrote nothing');
  });

  it('build writes index.json for a valid index, which validate then accepts', async () => {
    const dir = newIndex();
    const box = fixture.sandboxWith('');
    const built = await box.run(['plugin', 'index', 'build', dir]);
    assert.equal(built.code, 0, built.stderr);
    assert.equal(built.stdout, `wrote ${join(dir, 'index.json')} (2 plugins)\n`);
    const listing = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { formatVersion: number; plugins: Array<{ name: string; latest: string; versions: Array<{ version: string }> }> };
    assert.equal(listing.formatVersion, 1);
    assert.deepEqual(listing.plugins.map((p) => [p.name, p.latest, p.versions.map((v) => v.version)]), [['disttool', '1.1.0', ['1.1.0', '1.0.0']], ['node', '1.0.0', ['1.0.0']]]);
    const validated = await box.run(['plugin', 'index', 'validate', dir]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.equal(validated.stdout, `${dir}: valid (2 plugins, 3 versions)\n`);
  });
});

describe('proto plugin add / remove', () => {
  it('edit [plugins.tools] of the chosen file, keeping comments; the locator is checked', async () => {
    const box = fixture.sandboxWith('# my tools\nnode = "20"\n');
    const added = await box.run(['plugin', 'add', 'disttool', 'file://./plugins/disttool.wasm']);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, `added disttool = "file://./plugins/disttool.wasm" to [plugins.tools] in ${join(box.cwd, '.prototools')}\n`);
    assert.equal(box.read('workspace/.prototools'), '# my tools\nnode = "20"\n\n[plugins.tools]\ndisttool = "file://./plugins/disttool.wasm"\n');
    const global = await box.run(['plugin', 'add', 'act', 'github://someone/proto-act', '--to', 'global']);
    assert.equal(global.code, 0, global.stderr);
    assert.match(box.read('.proto/.prototools'), /^\[plugins\.tools\]\nact = "github:\/\/someone\/proto-act"$/m);
    const bad = await box.run(['plugin', 'add', 'x', 'http://example.com/x.wasm']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error\[config\.invalid_locator\]: Invalid plugin locator "http:\/\/example\.com\/x\.wasm" .*plugins must be downloaded over https/m);

    const removed = await box.run(['plugin', 'remove', 'disttool']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch(box.read('workspace/.prototools'), /disttool/);
    assert.match(box.read('workspace/.prototools'), /^# my tools$/m);
    const missing = await box.run(['plugin', 'remove', 'disttool']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error\[config\.plugin_not_configured\]: No plugin for disttool is configured in /m);
    assert.equal((await box.run(['plugin', 'remove', 'act', '--from', 'global'])).code, 0);
  });
});

describe('two installs at once', () => {
  it('end with one good install: both downloads run, the commits take turns under the lock', async () => {
    const dir = newIndex([{ name: 'node', versions: [{ version: '1.0.0' }] }]);
    await buildListing(dir);
    const server = await serve(dir);
    const box = fixture.sandboxWith(`[settings]\nplugin-index = "${server.url}"\n`);
    let release!: () => void;
    server.fault('/packages/node-1.0.0.wasm', { hold: new Promise<void>((resolve) => (release = resolve)) });
    const installs = [box.run(['plugin', 'install', 'node', '-y']), box.run(['plugin', 'install', 'node', '-y'])];
    // Both processes are downloading before either may finish.
    while (server.requestsFor('/packages/node-1.0.0.wasm').length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const results = await Promise.all(installs);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(join(box.protoHome, 'plugins/installed')), ['node']);
    assert.deepEqual(readdirSync(join(box.protoHome, 'plugins/installed/node')).sort(), ['LICENSE', 'install.json', 'manifest.json', 'plugin.wasm']);
    assert.equal(sha256Of(join(box.protoHome, 'plugins/installed/node/plugin.wasm')), sha256Of(fixturePlugin('disttool')));
    assert.equal(installedVersion(box, 'node'), '1.0.0');
  });
});
