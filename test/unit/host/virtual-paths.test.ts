import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnder, sortMapping, toReal, toVirtual, toWirePath, wirePathToReal } from '../../../src/host/virtual-paths.js';
import { buildPluginConfig } from '../../../src/host/plugin-config.js';

const mapping = sortMapping([
  ['/home/me', '/userhome'],
  ['/home/me/.proto/temp', '/temp'],
  ['/srv/app', '/cwd'],
  ['/home/me/.proto', '/proto'],
]);

describe('virtual paths', () => {
  it('sorts the deepest host dir first', () => {
    assert.deepEqual(mapping, [
      ['/srv/app', '/cwd'],
      ['/home/me/.proto/temp', '/temp'],
      ['/home/me/.proto', '/proto'],
      ['/home/me', '/userhome'],
    ]);
  });

  it('matches whole path components only', () => {
    assert.equal(isUnder('/proto/tools', '/proto'), true);
    assert.equal(isUnder('/proto', '/proto'), true);
    assert.equal(isUnder('/protox/tools', '/proto'), false);
    assert.equal(toReal(mapping, '/protox/tools/node'), '/protox/tools/node');
    assert.equal(toVirtual(mapping, '/home/me/.protox/file')?.virtualPath, '/userhome/.protox/file');
  });

  it('converts host paths to the most specific mount', () => {
    assert.equal(toVirtual(mapping, '/home/me/.proto/tools/node/20.0.0')?.virtualPath, '/proto/tools/node/20.0.0');
    assert.equal(toVirtual(mapping, '/home/me/.proto/temp/node')?.virtualPath, '/temp/node');
    assert.equal(toVirtual(mapping, '/home/me/project')?.virtualPath, '/userhome/project');
    assert.equal(toVirtual(mapping, '/home/me')?.virtualPath, '/userhome');
    assert.equal(toVirtual(mapping, '/etc/passwd'), undefined);
  });

  it('resolves `..` before mapping, so a guest path cannot climb out of a mount', () => {
    assert.equal(toReal(mapping, '/proto/../../etc/passwd'), '/etc/passwd');
    assert.equal(toReal(mapping, '/proto/tools/../bin/x'), '/home/me/.proto/bin/x');
  });

  it('converts guest paths back, and leaves real paths alone', () => {
    assert.equal(toReal(mapping, '/proto/tools/node'), '/home/me/.proto/tools/node');
    assert.equal(toReal(mapping, '/temp'), '/home/me/.proto/temp');
    assert.equal(toReal(mapping, '/cwd/src/index.ts'), '/srv/app/src/index.ts');
    assert.equal(toReal(mapping, '/home/me/.proto/bin'), '/home/me/.proto/bin');
    assert.equal(toReal(mapping, '/usr/bin/env'), '/usr/bin/env');
  });

  it('sends the object form with real_prefix, and a plain string outside the mounts', () => {
    assert.deepEqual(toWirePath(mapping, '/home/me/.proto/tools/node/20.11.0'), {
      path: '/proto/tools/node/20.11.0',
      virtual_prefix: '/proto',
      real_prefix: '/home/me/.proto',
    });
    assert.equal(toWirePath(mapping, '/opt/elsewhere'), '/opt/elsewhere');
  });

  it('reads both shapes a guest may send, trusting only our own mapping', () => {
    assert.equal(wirePathToReal(mapping, '/userhome/x'), '/home/me/x');
    assert.equal(wirePathToReal(mapping, { path: '/proto/x', virtual_prefix: '/proto', real_prefix: '/etc' }), '/home/me/.proto/x');
    assert.equal(wirePathToReal(mapping, 42), undefined);
  });

  it('puts the config superset in the manifest', () => {
    const config = buildPluginConfig({
      pluginId: 'node',
      hostEnvironment: { arch: 'x64', ci: false, libc: 'gnu', os: 'linux', home_dir: '/userhome' },
      mapping,
      toolConfig: { 'bundled-npm': true },
    });
    assert.equal(config.plugin_id, 'node');
    assert.equal(config.proto_tool_id, 'node');
    assert.equal(config.host_environment, config.proto_environment);
    assert.deepEqual(JSON.parse(config.host_environment!), { arch: 'x64', ci: false, libc: 'gnu', os: 'linux', home_dir: '/userhome' });
    assert.deepEqual(JSON.parse(config.virtual_paths!)[0], ['/srv/app', '/cwd']);
    assert.equal(config.proto_tool_config, '{"bundled-npm":true}');
    assert.equal('proto_tool_config' in buildPluginConfig({ pluginId: 'x', hostEnvironment: JSON.parse(config.host_environment!), mapping }), false);
  });
});
