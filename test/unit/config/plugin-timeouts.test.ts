import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeConfigLayers, parseConfigText } from '../../../src/config/index.js';
import { isProtoError } from '../../../src/errors.js';

describe('[settings.plugin-timeouts]', () => {
  it('merges per tool id across files, nearest file winning', () => {
    const global = parseConfigText('[settings.plugin-timeouts]\ndefault = 60\nnode = 30\n', '/home/me/.proto/.prototools').layer;
    const project = parseConfigText('[settings.plugin-timeouts]\nnode = 300\n', '/repo/.prototools').layer;
    assert.deepEqual(mergeConfigLayers([global, project]).settings.pluginTimeouts, { default: 60, node: 300 });
  });

  it('refuses zero and non-numbers, naming the file and key', () => {
    assert.throws(
      () => parseConfigText('[settings.plugin-timeouts]\nnode = 0\n', '/repo/.prototools'),
      (error) => isProtoError(error, 'config.invalid_setting') && /\/repo\/\.prototools/.test(error.message) && /plugin-timeouts\.node/.test(error.message),
    );
    assert.throws(() => parseConfigText('[settings.plugin-timeouts]\nnode = "slow"\n', '/repo/.prototools'), (error) => isProtoError(error));
  });
});
