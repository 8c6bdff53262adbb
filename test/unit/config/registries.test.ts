import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeConfigLayers, parseConfigText } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';

describe('[settings] registries', () => {
  it('reads the inline and the [[settings.registries]] forms, with proto defaults', () => {
    const inline = parseConfigText('[settings]\nregistries = [{ registry = "ghcr.io", namespace = "moonrepo" }]\n', '/repo/.prototools').layer;
    assert.deepEqual(inline.settings.registries, [{ registry: 'ghcr.io', namespace: 'moonrepo', auth: false, default: false }]);
    const tables = parseConfigText('[[settings.unstable-registries]]\nregistry = "127.0.0.1:5000"\nauth = true\ndefault = true\n', '/repo/.prototools').layer;
    assert.deepEqual(tables.settings.registries, [{ registry: '127.0.0.1:5000', auth: true, default: true }]);
  });

  it("puts a project's registries before the global ones, each registry and namespace once", () => {
    const global = parseConfigText('[settings]\nregistries = [{ registry = "ghcr.io", namespace = "corp", auth = true, default = true }, { registry = "ghcr.io", namespace = "moonrepo" }]\n', '/home/me/.proto/.prototools').layer;
    const project = parseConfigText('[settings]\nregistries = [{ registry = "ghcr.io", namespace = "moonrepo", auth = true }]\n', '/repo/.prototools').layer;
    assert.deepEqual(mergeConfigLayers([global, project]).settings.registries, [
      { registry: 'ghcr.io', namespace: 'moonrepo', auth: true, default: false },
      { registry: 'ghcr.io', namespace: 'corp', auth: true, default: true },
    ]);
  });

  it('refuses what is not a registry host or a namespace, naming the key', () => {
    for (const bad of ['registries = "ghcr.io"', 'registries = [{ registry = "https://ghcr.io" }]', 'registries = [{ registry = "ghcr.io", namespace = "Corp Team" }]', 'registries = [{ namespace = "x" }]']) {
      assert.throws(() => parseConfigText(`[settings]\n${bad}\n`, '/repo/.prototools'), (error) => isProtoError(error, 'config.invalid_setting') && /settings\.registries/.test(error.message), bad);
    }
  });
});
