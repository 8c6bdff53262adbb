import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { mergeConfigLayers, parseConfigText } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';
import { configuredIndexSources, isYes, parseIndexSource, PromptReader, PROTO_REGISTRY_DATA_URL } from '../../../src/plugins/index.js';

describe('plugin index sources', () => {
  it('reads directories, base URLs, git repositories and the proto registry', () => {
    assert.deepEqual(parseIndexSource('./index', '/repo', 'test'), { kind: 'dir', written: './index', path: '/repo/index' });
    assert.deepEqual(parseIndexSource('/srv/index', '/repo', 'test'), { kind: 'dir', written: '/srv/index', path: '/srv/index' });
    assert.deepEqual(parseIndexSource('https://plugins.example.com/index', '/repo', 'test'), {
      kind: 'url',
      written: 'https://plugins.example.com/index',
      url: 'https://plugins.example.com/index/',
    });
    assert.equal(parseIndexSource('file:///srv/index/', '/repo', 'test').kind, 'url');
    assert.equal(parseIndexSource('http://127.0.0.1:8080', '/repo', 'test').kind, 'url');
    assert.deepEqual(parseIndexSource('git+https://example.com/index.git#stable', '/repo', 'test'), {
      kind: 'git',
      written: 'git+https://example.com/index.git#stable',
      url: 'https://example.com/index.git',
      ref: 'stable',
    });
    assert.deepEqual(parseIndexSource('proto-registry', '/repo', 'test'), { kind: 'proto-registry', written: 'proto-registry', url: PROTO_REGISTRY_DATA_URL });
  });

  it('refuses plain http off loopback, other protocols and bad refs', () => {
    for (const written of ['http://example.com/index', 'ftp://example.com/index', 'git+ssh://example.com/x.git', 'git+https://example.com/x.git#--upload-pack=x', 'git+http://example.com/x.git']) {
      assert.throws(() => parseIndexSource(written, '/repo', 'test'), (error) => isProtoError(error, 'plugin.invalid_index') && error.message.includes(written), written);
    }
  });

  it('PROTO_PLUGIN_INDEX (comma-separated, relative to the cwd) wins over the setting, which wins over the default', () => {
    const setting = [{ written: 'index', baseDir: '/config' }];
    assert.deepEqual(configuredIndexSources(setting, { PROTO_PLUGIN_INDEX: 'a, https://x.example/' }, '/cwd').map((source) => source.kind === 'dir' ? source.path : source.written), ['/cwd/a', 'https://x.example/']);
    assert.deepEqual(configuredIndexSources(setting, {}, '/cwd').map((source) => source.kind === 'dir' && source.path), ['/config/index']);
    assert.deepEqual(configuredIndexSources(undefined, { PROTO_PLUGIN_INDEX: '' }, '/cwd').map((source) => source.kind), ['proto-registry']);
  });
});

describe('[settings] plugin-index', () => {
  it('is a string or a list, relative to its file; a nearer file replaces the list', () => {
    const global = parseConfigText('[settings]\nplugin-index = ["./one", "https://x.example/"]\n', '/home/me/.proto/.prototools').layer;
    assert.deepEqual(mergeConfigLayers([global]).settings.pluginIndex, [
      { written: './one', baseDir: '/home/me/.proto' },
      { written: 'https://x.example/', baseDir: '/home/me/.proto' },
    ]);
    const project = parseConfigText('[settings]\nplugin-index = "team-index"\n', '/repo/.prototools').layer;
    assert.deepEqual(mergeConfigLayers([global, project]).settings.pluginIndex, [{ written: 'team-index', baseDir: '/repo' }]);
    assert.throws(() => parseConfigText('[settings]\nplugin-index = []\n', '/repo/.prototools'), (error) => isProtoError(error, 'config.invalid_setting'));
    assert.throws(() => parseConfigText('[settings]\nplugin-index = 3\n', '/repo/.prototools'), (error) => isProtoError(error, 'config.invalid_setting'));
  });
});

describe('trust prompt answers', () => {
  it('only y or yes, in any case, proceeds', () => {
    for (const answer of ['y', 'Y', 'yes', 'YES', ' Yes ']) assert.equal(isYes(answer), true, answer);
    for (const answer of [undefined, '', 'n', 'no', 'yep', 'ye', 'y y', 'sure']) assert.equal(isYes(answer), false, String(answer));
  });

  it('reads one line per question from a pipe, and end of input as no answer', async () => {
    const input = new PassThrough();
    let shown = '';
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const prompts = new PromptReader(input, output);
    input.end('yes\nno\n');
    assert.equal(await prompts.ask('first? '), 'yes');
    assert.equal(await prompts.ask('second? '), 'no');
    assert.equal(await prompts.ask('third? '), undefined);
    prompts.close();
    assert.equal(shown, 'first? \nsecond? \nthird? \n');
  });
});
