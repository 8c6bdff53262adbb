import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeConfigLayers, parseConfigText } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';
import { DEFAULT_LIMITS } from '../../../src/limits.js';

const FILE = '/repo/app/.prototools';

function rejects(text: string, code: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parseConfigText(text, FILE),
    (error: unknown) => {
      assert.ok(isProtoError(error, code), `expected ${code}, got ${String(error)}`);
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('parsing one .prototools file', () => {
  it('reads top-level pins as canonical specs, quoted contexts included', () => {
    const { layer } = parseConfigText('node = "20"\nnpm = "^10"\nrust = "stable"\n"asdf:zig" = "0.14"\nproto = "v0.60.0"\n', FILE);
    assert.deepEqual(layer.versions, { node: '~20', npm: '^10', rust: 'stable', 'asdf:zig': '~0.14', proto: '0.60.0' });
  });

  it('names the file and key of an invalid pin', () => {
    rejects('node = "1.2.3.4"\n', 'config.invalid_version', /\/repo\/app\/\.prototools/, /node = "1\.2\.3\.4"/);
    rejects('node = 20\n', 'config.invalid_version', /node = 20/);
    rejects('"bad id!" = "1"\n', 'config.invalid_tool_id', /"bad id!"/);
    rejects('[unknown]\nx = 1\n', 'config.unknown_field', /"unknown"/);
  });

  it('names file, line and column of invalid TOML, with the parser reason', () => {
    rejects('node = "20"\nnpm = \n', 'config.invalid_toml', /\/repo\/app\/\.prototools:2:7: /, /invalid value/);
    rejects('node = "20"\nnode = "21"\n', 'config.invalid_toml', /\.prototools:2:1: .*redefine/);
  });

  it('reads [plugins], [plugins.tools] and [plugins.backends], with file:// relative to the file', () => {
    const { layer } = parseConfigText(
      [
        '[plugins]',
        'old = "source:https://example.com/old.wasm"',
        'local = "source:./plugins/local.wasm"',
        '[plugins.tools]',
        'my-tool = "file://./plugins/my_tool.wasm"',
        'abs = "file:///opt/plugins/abs.wasm"',
        'gh = "github://org/repo@v1.0.0"',
        '[plugins.backends]',
        'mine = "github:org/backend"',
      ].join('\n'),
      FILE,
    );
    assert.deepEqual(layer.plugins.legacy.old, { kind: 'url', written: 'source:https://example.com/old.wasm', url: 'https://example.com/old.wasm' });
    assert.deepEqual(layer.plugins.legacy.local, { kind: 'file', written: 'source:./plugins/local.wasm', path: '/repo/app/plugins/local.wasm' });
    assert.equal(layer.plugins.tools['my-tool']?.kind === 'file' && layer.plugins.tools['my-tool'].path, '/repo/app/plugins/my_tool.wasm');
    assert.equal(layer.plugins.tools.abs?.kind === 'file' && layer.plugins.tools.abs.path, '/opt/plugins/abs.wasm');
    assert.deepEqual(layer.plugins.tools.gh, { kind: 'github', written: 'github://org/repo@v1.0.0', owner: 'org', repo: 'repo', tag: 'v1.0.0' });
    assert.deepEqual(layer.plugins.backends.mine, { kind: 'github', written: 'github:org/backend', owner: 'org', repo: 'backend' });
  });

  it('refuses "proto" as a plugin id and http:// locators', () => {
    rejects('[plugins]\nproto = "https://x.dev/p.wasm"\n', 'config.reserved_plugin_id', /reserved/);
    rejects('[plugins.tools]\nx = "http://example.com/x.wasm"\n', 'config.invalid_locator', /https/, /\[plugins\.tools\] x/);
  });

  it('turns [tools.<id>] into tool config (kebab-case kept), aliases, env and plugin', () => {
    const { layer } = parseConfigText(
      [
        '[tools.node]',
        'plugin = "https://example.com/node.wasm"',
        'bundled-npm = true',
        'dist-url = "https://nodejs.org/dist/v{version}/{file}"',
        'nested = { a-b = [1, 2], when = 2024-01-01 }',
        '[tools.node.aliases]',
        'work = "18"',
        '[tools.node.env]',
        'NODE_OPTIONS = "--max-old-space-size=4096"',
        'DEBUG = false',
        '[tools."asdf:zig"]',
        'x = 1',
      ].join('\n'),
      FILE,
    );
    const node = layer.tools.node!;
    assert.deepEqual(node.toolConfig, {
      'bundled-npm': true,
      'dist-url': 'https://nodejs.org/dist/v{version}/{file}',
      nested: { 'a-b': [1, 2], when: '2024-01-01' },
    });
    assert.deepEqual(node.aliases, { work: '~18' });
    assert.deepEqual(node.env, { NODE_OPTIONS: '--max-old-space-size=4096', DEBUG: false });
    assert.deepEqual(node.plugin, { kind: 'url', written: 'https://example.com/node.wasm', url: 'https://example.com/node.wasm' });
    assert.deepEqual(layer.tools['asdf:zig']?.toolConfig, { x: 1 });
  });

  it('validates aliases', () => {
    rejects('[tools.node.aliases]\nwork = "^^1"\n', 'config.invalid_version', /\[tools\.node\.aliases\] work/);
    rejects('[tools.node.aliases]\n"1abc" = "1"\n', 'config.invalid_alias', /"1abc"/);
  });

  it('reads [env]: strings, true as "true", false as unset, file relative to the config', () => {
    const { layer } = parseConfigText('[env]\nFOO = "bar"\nON = true\nOFF = false\nfile = ".env"\n', FILE);
    assert.deepEqual(layer.env, { FOO: 'bar', ON: 'true', OFF: false });
    assert.deepEqual(layer.envFiles, ['/repo/app/.env']);
    rejects('[env]\nN = 1\n', 'config.invalid_env', /\[env\] N/);
  });

  it('keeps data keys such as __proto__ as plain data', () => {
    const { layer } = parseConfigText('[env]\n__proto__ = "x"\n', FILE);
    assert.equal(Object.getPrototypeOf(layer.env), Object.prototype);
    assert.deepEqual(Object.keys(layer.env), ['__proto__']);
  });
});

describe('[settings]', () => {
  it('has proto defaults when nothing is set', () => {
    const { settings } = mergeConfigLayers([parseConfigText('', FILE).layer]);
    assert.deepEqual(settings, {
      autoClean: false,
      autoInstall: false,
      builtinPlugins: true,
      detectStrategy: 'first-available',
      lockfile: false,
      telemetry: true,
      urlRewrites: [],
      pluginTimeouts: {},
      registries: [],
      http: { allowInvalidCerts: false, proxies: [], secureProxies: [], retryCount: 3 },
      offline: { timeout: 750, customHosts: [], overrideDefaultHosts: false },
      limits: DEFAULT_LIMITS,
    });
  });

  it('reads every typed setting (kebab-case in the file)', () => {
    const { layer, warnings } = parseConfigText(
      [
        '[settings]',
        'auto-install = true',
        'auto-clean = true',
        'detect-strategy = "only-prototools"',
        'pin-latest = "home"',
        'builtin-tools = ["node"]',
        'cache-duration = 60',
        'unstable-lockfile = true',
        'telemetry = false',
        '[settings.url-rewrites]',
        '"github.com/(\\\\w+)/(\\\\w+)" = "mirror.corp/$1/$2"',
        '"(?P<host>example\\\\.com)" = "$host.internal"',
        '[settings.http]',
        'retry-count = 5',
        'timeout = 30',
        'proxies = ["http://proxy:8080"]',
        'secure-proxies = ["https://proxy:8443"]',
        'root-cert = "./certs/root.pem"',
        'allow-invalid-certs = true',
        '[settings.offline]',
        'timeout = 100',
        'custom-hosts = ["internal.dev"]',
      ].join('\n'),
      FILE,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(layer.settings, {
      autoInstall: true,
      autoClean: true,
      detectStrategy: 'only-prototools',
      pinLatest: 'user',
      builtinPlugins: ['node'],
      cacheDuration: 60,
      lockfile: true,
      telemetry: false,
      urlRewrites: [
        ['github.com/(\\w+)/(\\w+)', 'mirror.corp/$1/$2'],
        ['(?<host>example\\.com)', '$host.internal'],
      ],
      http: {
        retryCount: 5,
        timeout: 30,
        proxies: ['http://proxy:8080'],
        secureProxies: ['https://proxy:8443'],
        rootCert: '/repo/app/certs/root.pem',
        allowInvalidCerts: true,
      },
      offline: { timeout: 100, customHosts: ['internal.dev'] },
    });
  });

  it('names the file and key of a mistyped setting', () => {
    rejects('[settings]\nauto-install = "yes"\n', 'config.invalid_setting', /\.prototools: settings\.auto-install must be true or false, got "yes"/);
    rejects('[settings]\ndetect-strategy = "nearest"\n', 'config.invalid_setting', /first-available, prefer-prototools, only-prototools/);
    rejects('[settings.http]\nretry-count = -1\n', 'config.invalid_setting', /settings\.http\.retry-count/);
    rejects('[settings.url-rewrites]\n"(" = "x"\n', 'config.invalid_setting', /regular expression/);
  });

  it('warns about (and ignores) settings it does not know, and names those it cannot honour yet', () => {
    const { layer, warnings } = parseConfigText('[settings]\nauto-instal = true\nbuild = {}\n\n[backends]\n', FILE);
    assert.deepEqual(layer.settings, {});
    assert.deepEqual(warnings, [
      `${FILE}: unknown setting "settings.auto-instal" was ignored`,
      `${FILE}: "settings.build" is not supported yet: it has no effect`,
      `${FILE}: "[backends]" is not supported yet: it has no effect`,
    ]);
  });

  it('reads [shell.aliases], merged per name', () => {
    const { layer, warnings } = parseConfigText('[shell.aliases]\nll = "ls -la"\n', FILE);
    assert.deepEqual(layer.shell, { aliases: { ll: 'ls -la' } });
    assert.deepEqual(warnings, []);
    rejects('[shell.aliases]\nll = 1\n', 'config.invalid_setting', /shell\.aliases\.ll must be a command string/);
  });
});

describe('[settings.limits]', () => {
  it('reads every limit by its key, and merges them key by key', () => {
    const parent = parseConfigText('[settings.limits]\nplugin-memory = 128\nlock-wait = 60\n', FILE).layer;
    const child = parseConfigText('[settings.limits]\nlock-wait = 0\narchive-entries = 5\n', FILE).layer;
    const { settings } = mergeConfigLayers([parent, child]);
    assert.equal(settings.limits.pluginMemory, 128);
    assert.equal(settings.limits.lockWait, 0);
    assert.equal(settings.limits.archiveEntries, 5);
    assert.equal(settings.limits.unpackRatio, DEFAULT_LIMITS.unpackRatio);
  });

  it('refuses 0 where it would mean "nothing allowed", and warns about unknown keys', () => {
    assert.throws(() => parseConfigText('[settings.limits]\nplugin-memory = 0\n', FILE), (error: unknown) => isProtoError(error, 'config.invalid_setting'));
    assert.throws(() => parseConfigText('[settings.limits]\nplugin-memory = "1G"\n', FILE), (error: unknown) => isProtoError(error, 'config.invalid_setting'));
    const { warnings } = parseConfigText('[settings.limits]\nplugin-memroy = 5\n', FILE);
    assert.match(warnings.join('\n'), /settings\.limits\.plugin-memroy.*known: plugin-memory/);
  });
});
