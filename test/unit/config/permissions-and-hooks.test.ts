import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeConfigLayers, parseConfigText } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';

describe('[tools.<id>] permissions', () => {
  it('is read as a list, kept out of the tool config the plugin receives, and the nearest file wins', () => {
    const global = parseConfigText('[tools.node]\npermissions = ["exec:git"]\nbundled-npm = true\n', '/home/me/.proto/.prototools').layer;
    const project = parseConfigText('[tools.node]\npermissions = ["net:nodejs.org", "net:nodejs.org"]\n', '/repo/.prototools').layer;
    assert.deepEqual(project.tools.node?.permissions, ['net:nodejs.org']);
    const merged = mergeConfigLayers([global, project]).tools.node!;
    assert.deepEqual(merged.permissions, ['net:nodejs.org']);
    assert.deepEqual(merged.toolConfig, { 'bundled-npm': true });
    assert.equal(mergeConfigLayers([global]).tools.node!.permissions?.[0], 'exec:git');
  });

  it('refuses anything but a list of permissions, naming the file and each bad entry', () => {
    assert.throws(
      () => parseConfigText('[tools.node]\npermissions = ["exec:git", "net:", "root"]\n', '/repo/.prototools'),
      (error) => isProtoError(error, 'config.invalid_setting') && error.message === '/repo/.prototools: [tools.node] permissions: "net:", "root" are not permissions',
    );
    assert.throws(() => parseConfigText('[tools.node]\npermissions = "exec:*"\n', '/repo/.prototools'), (error) => isProtoError(error, 'config.invalid_setting'));
  });
});

describe('[plugins.hooks]', () => {
  it('names hook plugins by id, beside [plugins.tools], relative file locators resolved', () => {
    const layer = parseConfigText('[plugins.tools]\nnode = "file://./node.wasm"\n\n[plugins.hooks]\naudit = "file://./hooks/audit.wasm"\n', '/repo/.prototools').layer;
    assert.deepEqual(Object.keys(layer.plugins.tools), ['node']);
    assert.deepEqual(layer.plugins.hooks.audit, { kind: 'file', written: 'file://./hooks/audit.wasm', path: '/repo/hooks/audit.wasm' });
    const global = parseConfigText('[plugins.hooks]\naudit = "https://example.com/audit.wasm"\npolicy = "https://example.com/policy.wasm"\n', '/home/me/.proto/.prototools').layer;
    assert.deepEqual(Object.keys(mergeConfigLayers([global, layer]).hookPlugins).sort(), ['audit', 'policy']);
    assert.equal(mergeConfigLayers([global, layer]).hookPlugins.audit?.written, 'file://./hooks/audit.wasm');
  });

  it('refuses the reserved id and non-locators', () => {
    assert.throws(() => parseConfigText('[plugins.hooks]\nproto = "file://./x.wasm"\n', '/repo/.prototools'), (error) => isProtoError(error, 'config.reserved_plugin_id'));
    assert.throws(() => parseConfigText('[plugins.hooks]\naudit = 1\n', '/repo/.prototools'), (error) => isProtoError(error, 'config.invalid_locator'));
  });
});
