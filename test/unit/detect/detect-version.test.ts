import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, type DetectStrategy } from '../../../src/config/index.js';
import { detectVersion, toEnvVarName, type VersionFilePlugin } from '../../../src/detect/index.js';
import { isProtoError } from '../../../src/errors.js';
import { useFileTrees } from '../../support/file-trees.js';

const { tree } = useFileTrees('proto-detect-');

/** A plugin like the node one: `.nvmrc` and `package.json` (engines.node), ignoring node_modules. */
function fakeNodePlugin(options: { withParser?: boolean } = {}): VersionFilePlugin & { calls: string[] } {
  const calls: string[] = [];
  const plugin: VersionFilePlugin & { calls: string[] } = {
    calls,
    async detectVersionFiles() {
      calls.push('detect_version_files');
      return { files: ['.nvmrc', 'package.json'], ignore: ['node_modules'] };
    },
  };
  if (options.withParser ?? true) {
    plugin.parseVersionFile = async ({ content, file, path }) => {
      calls.push(`parse_version_file ${file} ${path}`);
      if (file === 'package.json') return { version: (JSON.parse(content) as { engines?: { node?: string } }).engines?.node ?? null };
      return { version: content };
    };
  }
  return plugin;
}

async function detectIn(base: string, cwd: string, options: { strategy?: DetectStrategy; plugin?: VersionFilePlugin; env?: Record<string, string> } = {}) {
  const env = options.env ?? {};
  const { files } = await loadConfig({ cwd: join(base, cwd), protoHome: join(base, '.proto'), homeDir: base, env });
  return detectVersion({ toolId: 'node', env, configFiles: files, strategy: options.strategy, plugin: options.plugin });
}

describe('toEnvVarName', () => {
  it('follows Id::to_env_var', () => {
    assert.equal(toEnvVarName('node'), 'PROTO_NODE_VERSION');
    assert.equal(toEnvVarName('my-tool'), 'PROTO_MY_TOOL_VERSION');
    assert.equal(toEnvVarName('asdf:zig'), 'PROTO_ASDFZIG_VERSION');
    assert.equal(toEnvVarName('@scope/pkg.js'), 'PROTO_SCOPEPKGJS_VERSION');
    assert.equal(toEnvVarName('rust_1'), 'PROTO_RUST_1_VERSION');
  });
});

describe('detectVersion (plugin-api §7.1, §5.3)', () => {
  it('takes PROTO_<ID>_VERSION over everything, ignoring it when empty', async () => {
    const base = tree({ 'app/.prototools': 'node = "18"\n' });
    assert.deepEqual(await detectIn(base, 'app', { env: { PROTO_NODE_VERSION: '20' } }), { spec: '~20', source: 'env', kind: 'env' });
    assert.equal((await detectIn(base, 'app', { env: { PROTO_NODE_VERSION: '' } }))?.spec, '~18');
  });

  it('rejects an invalid env value, naming the variable', async () => {
    const base = tree({});
    await assert.rejects(
      detectIn(base, '', { env: { PROTO_NODE_VERSION: '1.2.3.4' } }),
      (error: unknown) => isProtoError(error, 'detect.invalid_version') && error.message.includes('PROTO_NODE_VERSION'),
    );
  });

  it('uses the nearest .prototools walking up', async () => {
    const base = tree({ 'a/.prototools': 'node = "20"\n', 'a/b/.prototools': 'node = "18"\n', 'a/b/c/.prototools': 'npm = "10"\n' });
    assert.deepEqual(await detectIn(base, 'a/b/c'), { spec: '~18', source: join(base, 'a/b/.prototools'), kind: 'prototools' });
    assert.equal((await detectIn(base, 'a'))?.spec, '~20');
  });

  it('uses the global file last', async () => {
    const base = tree({ '.proto/.prototools': 'node = "16"\n', 'app/.nvmrc': '20\n' });
    assert.equal((await detectIn(base, 'app'))?.spec, '~16');
    const withPlugin = await detectIn(base, 'app', { plugin: fakeNodePlugin() });
    assert.deepEqual(withPlugin, { spec: '~20', source: join(base, 'app/.nvmrc'), kind: 'version-file' });
  });

  it('first-available: a version file in a nearer directory beats a .prototools pin further up', async () => {
    const base = tree({ '.prototools': 'node = "18"\n', 'app/.nvmrc': '  20.11.1  \n' });
    assert.deepEqual(await detectIn(base, 'app', { plugin: fakeNodePlugin() }), { spec: '20.11.1', source: join(base, 'app/.nvmrc'), kind: 'version-file' });
  });

  it('first-available: in the same directory the .prototools pin comes before version files', async () => {
    const base = tree({ 'app/.prototools': 'node = "18"\n', 'app/.nvmrc': '20\n' });
    assert.equal((await detectIn(base, 'app', { plugin: fakeNodePlugin() }))?.spec, '~18');
  });

  it('prefer-prototools: every pin, however far up, before any version file', async () => {
    const base = tree({ '.proto/.prototools': 'node = "16"\n', 'app/.nvmrc': '20\n' });
    assert.equal((await detectIn(base, 'app', { plugin: fakeNodePlugin(), strategy: 'prefer-prototools' }))?.spec, '~16');
    const noPins = tree({ 'app/.nvmrc': '20\n' });
    assert.equal((await detectIn(noPins, 'app', { plugin: fakeNodePlugin(), strategy: 'prefer-prototools' }))?.spec, '~20');
  });

  it('only-prototools: never reads version files', async () => {
    const base = tree({ 'app/.nvmrc': '20\n' });
    const plugin = fakeNodePlugin();
    assert.equal(await detectIn(base, 'app', { plugin, strategy: 'only-prototools' }), undefined);
    assert.deepEqual(plugin.calls, []);
  });

  it('with PROTO_ENV, a directory is scanned for version files after its env file and before its .prototools (as proto)', async () => {
    const base = tree({ 'app/.prototools': 'node = "18"\n', 'app/.nvmrc': '20\n', 'app/.prototools.ci': 'npm = "10"\n' });
    const env = { PROTO_ENV: 'ci' };
    assert.equal((await detectIn(base, 'app', { plugin: fakeNodePlugin(), env }))?.spec, '~20');
    const pinned = tree({ 'app/.prototools': 'node = "18"\n', 'app/.nvmrc': '20\n', 'app/.prototools.ci': 'node = "19"\n' });
    assert.equal((await detectIn(pinned, 'app', { plugin: fakeNodePlugin(), env }))?.spec, '~19');
  });

  it('tries files in the plugin order, skipping empty ones and null answers', async () => {
    const base = tree({ 'app/.nvmrc': '   \n', 'app/package.json': '{"engines":{"node":">=18 <21"}}' });
    const plugin = fakeNodePlugin();
    assert.deepEqual(await detectIn(base, 'app', { plugin }), { spec: '>=18 && <21', source: join(base, 'app/package.json'), kind: 'version-file' });
    // The empty .nvmrc was never handed to the plugin; package.json got the trimmed content, the entry name and the full path.
    assert.deepEqual(plugin.calls, ['detect_version_files', `parse_version_file package.json ${join(base, 'app/package.json')}`]);

    const nullAnswer = tree({ 'app/package.json': '{"name":"x"}', '.nvmrc': '18\n' });
    assert.deepEqual(await detectIn(nullAnswer, 'app', { plugin: fakeNodePlugin() }), { spec: '~18', source: join(nullAnswer, '.nvmrc'), kind: 'version-file' });
  });

  it('parses the content as a spec when the plugin has no parse_version_file, and rejects bad content', async () => {
    const base = tree({ 'app/.nvmrc': 'lts/*\n' });
    assert.equal((await detectIn(base, 'app', { plugin: fakeNodePlugin({ withParser: false }) }))?.spec, 'lts/*');
    const bad = tree({ 'app/.nvmrc': 'not a version\n' });
    await assert.rejects(
      detectIn(bad, 'app', { plugin: fakeNodePlugin({ withParser: false }) }),
      (error: unknown) => isProtoError(error, 'detect.invalid_version') && error.message.includes(join(bad, 'app/.nvmrc')),
    );
  });

  it('refuses a version file that is a device or a FIFO, without reading or blocking on it', { timeout: 20_000 }, async () => {
    const base = tree({ 'dev/x': '', 'fifo/x': '' });
    symlinkSync('/dev/zero', join(base, 'dev/.nvmrc')); // readFileSync would never end
    execFileSync('mkfifo', [join(base, 'fifo/.nvmrc')]); // a plain open would wait for a writer
    for (const dir of ['dev', 'fifo']) {
      await assert.rejects(
        detectIn(base, dir, { plugin: fakeNodePlugin() }),
        (error: unknown) => isProtoError(error, 'system.not_a_regular_file') && error.message.includes(join(base, dir, '.nvmrc')),
      );
    }
  });

  it('refuses a .prototools that is a device or a FIFO, without reading or blocking on it', { timeout: 20_000 }, async () => {
    const base = tree({ 'dev/x': '', 'fifo/x': '' });
    symlinkSync('/dev/zero', join(base, 'dev/.prototools'));
    execFileSync('mkfifo', [join(base, 'fifo/.prototools')]);
    for (const dir of ['dev', 'fifo']) {
      await assert.rejects(
        loadConfig({ cwd: join(base, dir), protoHome: join(base, '.proto'), homeDir: base, env: {} }),
        (error: unknown) => isProtoError(error, 'system.not_a_regular_file') && error.message.includes(join(base, dir, '.prototools')),
      );
    }
  });

  it('skips directories whose path contains an ignore entry', async () => {
    const base = tree({ 'node_modules/pkg/.nvmrc': '16\n', '.nvmrc': '20\n' });
    assert.equal((await detectIn(base, 'node_modules/pkg', { plugin: fakeNodePlugin() }))?.spec, '~20');
  });

  it('asks the plugin for its files once per detection', async () => {
    const base = tree({ 'a/b/c/x': '' });
    const plugin = fakeNodePlugin();
    assert.equal(await detectIn(base, 'a/b/c', { plugin }), undefined);
    assert.deepEqual(plugin.calls, ['detect_version_files']);
  });

  it('returns undefined when nothing names a version', async () => {
    const base = tree({ 'app/.prototools': 'deno = "1"\n' });
    assert.equal(await detectIn(base, 'app'), undefined);
    assert.equal(await detectIn(base, 'app', { plugin: {} }), undefined);
  });
});
