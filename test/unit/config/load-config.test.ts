import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configCandidates, loadConfig, pluginLocatorFor } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';
import { useFileTrees } from '../../support/file-trees.js';

const { root, tree } = useFileTrees('proto-config-');

describe('finding .prototools files', () => {
  it('lists cwd upward (env file first in each dir), the home dir as "user", then the global file', () => {
    const candidates = configCandidates({ cwd: '/home/me/repo/app', homeDir: '/home/me', protoHome: '/home/me/.proto', env: { PROTO_ENV: 'ci' } });
    assert.deepEqual(
      candidates.map((candidate) => [candidate.path, candidate.location]),
      [
        ['/home/me/repo/app/.prototools.ci', 'local'],
        ['/home/me/repo/app/.prototools', 'local'],
        ['/home/me/repo/.prototools.ci', 'local'],
        ['/home/me/repo/.prototools', 'local'],
        ['/home/me/.prototools.ci', 'user'],
        ['/home/me/.prototools', 'user'],
        ['/home/me/.proto/.prototools', 'global'],
      ],
    );
  });

  it('walks to the root when the cwd is outside the home dir, and can leave the global file out', () => {
    const paths = configCandidates({ cwd: '/srv/app', homeDir: '/home/me', protoHome: '/p', includeGlobal: false }).map((c) => c.path);
    assert.deepEqual(paths, ['/srv/app/.prototools', '/srv/.prototools', '/.prototools']);
  });
});

describe('loading and merging', () => {
  it('merges global (lowest) < parents < cwd (highest), per key', async () => {
    const base = tree({
      'home/.proto/.prototools': 'node = "16"\nbun = "1"\n[settings]\nauto-install = true\n[tools.node.aliases]\nold = "14"\n',
      'repo/.prototools': 'node = "18"\ndeno = "1.40"\n[tools.node]\nbundled-npm = true\n[tools.node.aliases]\nwork = "^18"\n[env]\nA = "repo"\nB = "repo"\n',
      'repo/app/.prototools': 'node = "20"\n[tools.node]\ndist-url = "x"\n[tools.node.aliases]\nwork = "^20"\n[env]\nA = "app"\n[settings]\ndetect-strategy = "prefer-prototools"\n',
    });
    const { files, config } = await loadConfig({ cwd: join(base, 'repo/app'), protoHome: join(base, 'home/.proto'), homeDir: base, env: {} });
    assert.deepEqual(config.versions, { node: '~20', bun: '~1', deno: '~1.40' });
    assert.deepEqual(config.tools.node?.toolConfig, { 'bundled-npm': true, 'dist-url': 'x' });
    assert.deepEqual(config.tools.node?.aliases, { old: '~14', work: '^20' });
    assert.deepEqual(config.env, { A: 'app', B: 'repo' });
    assert.equal(config.settings.autoInstall, true);
    assert.equal(config.settings.detectStrategy, 'prefer-prototools');
    // Every walked directory has an entry, existing or not, in detection order.
    assert.deepEqual(
      files.map((file) => [file.path.slice(base.length), file.exists, file.location]),
      [
        ['/repo/app/.prototools', true, 'local'],
        ['/repo/.prototools', true, 'local'],
        ['/.prototools', false, 'user'],
        ['/home/.proto/.prototools', true, 'global'],
      ],
    );
    assert.deepEqual(files[1]?.config.versions, { node: '~18', deno: '~1.40' });
  });

  it('gives .prototools.<PROTO_ENV> precedence over .prototools in the same dir', async () => {
    const base = tree({
      '.prototools': 'node = "18"\nnpm = "9"\n',
      '.prototools.production': 'node = "20"\n',
    });
    const { files, config } = await loadConfig({ cwd: base, protoHome: join(base, 'none'), homeDir: base, env: { PROTO_ENV: 'production' } });
    assert.deepEqual(config.versions, { node: '~20', npm: '~9' });
    assert.equal(files[0]?.path, join(base, '.prototools.production'));
    assert.equal(files[0]?.envMode, 'production');
    // Without PROTO_ENV the env file is not read.
    const plain = await loadConfig({ cwd: base, protoHome: join(base, 'none'), homeDir: base, env: {} });
    assert.equal(plain.config.versions.node, '~18');
  });

  it('resolves file:// locators against the directory of the file that names them', async () => {
    const base = tree({
      '.prototools': '[plugins]\nparent-tool = "file://./plugins/p.wasm"\nshared = "file://./old.wasm"\n',
      'sub/.prototools': '[plugins.tools]\nsub-tool = "file://../shared/s.wasm"\n[tools.shared]\nplugin = "file://./override.wasm"\n',
    });
    const { config } = await loadConfig({ cwd: join(base, 'sub'), protoHome: join(base, 'none'), homeDir: base, env: {} });
    assert.equal(config.plugins['parent-tool']?.kind === 'file' && config.plugins['parent-tool'].path, join(base, 'plugins/p.wasm'));
    assert.equal(config.plugins['sub-tool']?.kind === 'file' && config.plugins['sub-tool'].path, join(base, 'shared/s.wasm'));
    const shared = pluginLocatorFor(config, 'shared');
    assert.equal(shared?.kind === 'file' && shared.path, join(base, 'sub/override.wasm'));
  });

  it('lets [plugins.tools] win over flat [plugins], whichever file holds them', async () => {
    const base = tree({
      '.prototools': '[plugins.tools]\nx = "https://e.com/tools.wasm"\n',
      'sub/.prototools': '[plugins]\nx = "https://e.com/legacy.wasm"\n',
    });
    const { config } = await loadConfig({ cwd: join(base, 'sub'), protoHome: join(base, 'none'), homeDir: base, env: {} });
    assert.equal(config.plugins.x?.kind === 'url' && config.plugins.x.url, 'https://e.com/tools.wasm');
  });

  it('drops a `proto` pin from the global and home files only', async () => {
    const base = tree({ 'home/.proto/.prototools': 'proto = "0.50.0"\n', 'home/repo/.prototools': 'node = "20"\n' });
    const outer = await loadConfig({ cwd: join(base, 'home/repo'), protoHome: join(base, 'home/.proto'), homeDir: join(base, 'home'), env: {} });
    assert.deepEqual(outer.config.versions, { node: '~20' });
    const local = tree({ '.prototools': 'proto = "0.50.0"\n' });
    const inner = await loadConfig({ cwd: local, protoHome: join(local, 'none'), homeDir: root, env: {} });
    assert.equal(inner.config.versions.proto, '0.50.0');
  });

  it('applies settings env vars over every file', async () => {
    const base = tree({ '.prototools': '[settings]\nauto-install = false\ndetect-strategy = "only-prototools"\n' });
    const { config } = await loadConfig({
      cwd: base,
      protoHome: join(base, 'none'),
      homeDir: base,
      env: { PROTO_AUTO_INSTALL: 'true', PROTO_DETECT_STRATEGY: 'prefer-prototools', PROTO_OFFLINE_TIMEOUT: '5' },
    });
    assert.equal(config.settings.autoInstall, true);
    assert.equal(config.settings.detectStrategy, 'prefer-prototools');
    assert.equal(config.settings.offline.timeout, 5);
    await assert.rejects(
      loadConfig({ cwd: base, protoHome: join(base, 'none'), homeDir: base, env: { PROTO_DETECT_STRATEGY: 'bogus' } }),
      (error: unknown) => isProtoError(error, 'config.invalid_setting') && /PROTO_DETECT_STRATEGY/.test(error.message),
    );
  });

  it('keeps url-rewrites in order; a higher file overrides a pattern in place', async () => {
    const base = tree({
      'home/.proto/.prototools': '[settings.url-rewrites]\n"a" = "1"\n"b" = "2"\n',
      'home/repo/.prototools': '[settings.url-rewrites]\n"c" = "3"\n"a" = "9"\n',
    });
    const { config } = await loadConfig({ cwd: join(base, 'home/repo'), protoHome: join(base, 'home/.proto'), homeDir: join(base, 'home'), env: {} });
    assert.deepEqual(config.settings.urlRewrites, [['a', '9'], ['b', '2'], ['c', '3']]);
  });

  it('names the file, line and column of invalid TOML in a parent directory', async () => {
    const base = tree({ '.prototools': 'node = "20"\n[settings\n', 'app/.prototools': 'node = "18"\n' });
    await assert.rejects(
      loadConfig({ cwd: join(base, 'app'), protoHome: join(base, 'none'), homeDir: base, env: {} }),
      (error: unknown) => isProtoError(error, 'config.invalid_toml') && error.message.startsWith(`Invalid TOML in ${join(base, '.prototools')}:2:`),
    );
  });

  it('refuses an [env] file that does not exist, naming both files', async () => {
    const base = tree({ '.prototools': '[env]\nfile = ".env.missing"\n' });
    await assert.rejects(
      loadConfig({ cwd: base, protoHome: join(base, 'none'), homeDir: base, env: {} }),
      (error: unknown) =>
        isProtoError(error, 'config.missing_env_file') && error.message.includes(join(base, '.env.missing')) && error.message.includes(join(base, '.prototools')),
    );
    const ok = tree({ '.prototools': '[env]\nfile = ".env"\n', '.env': 'A=1\n' });
    const { config } = await loadConfig({ cwd: ok, protoHome: join(ok, 'none'), homeDir: ok, env: {} });
    assert.deepEqual(config.envFiles, [join(ok, '.env')]);
  });

  it('returns warnings for ignored settings', async () => {
    const base = tree({ '.prototools': '[settings]\nauto-instal = true\n' });
    const { warnings } = await loadConfig({ cwd: base, protoHome: join(base, 'none'), homeDir: base, env: {} });
    assert.deepEqual(warnings, [`${join(base, '.prototools')}: unknown setting "settings.auto-instal" was ignored`]);
  });
});
