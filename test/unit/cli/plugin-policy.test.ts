/**
 * Session.pluginPolicy: the one place that decides a plugin's permissions and call bound, from a
 * real `.prototools` in a sandbox.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Session } from '../../../src/cli/session.js';
import { setLogSink } from '../../../src/log.js';
import { createSandbox } from '../../../test-utils/index.js';

describe('Session.pluginPolicy', () => {
  const sandbox = createSandbox();
  after(() => sandbox.cleanup());

  async function policyOf(config: string, id: string, manifest = {}, env: NodeJS.ProcessEnv = {}) {
    sandbox.writeFile('workspace/.prototools', config);
    const warnings: string[] = [];
    const previous = setLogSink((line) => warnings.push(line));
    try {
      const session = await Session.open({ cwd: sandbox.cwd, env: { ...sandbox.env, ...env } });
      try {
        return { ...session.pluginPolicy(id, manifest), warnings };
      } finally {
        await session.close();
      }
    } finally {
      setLogSink(previous);
    }
  }

  it('bound: manifest, then [settings.plugin-timeouts] <id>, then PROTO_PLUGIN_TIMEOUT, then default, then 90 s', async () => {
    const timeouts = '[settings.plugin-timeouts]\nnode = 20\ndefault = 40\n';
    assert.equal((await policyOf(timeouts, 'node', { callTimeoutMs: 45_000 }, { PROTO_PLUGIN_TIMEOUT: '7' })).timeoutMs, 45_000);
    assert.equal((await policyOf(timeouts, 'node', {}, { PROTO_PLUGIN_TIMEOUT: '7' })).timeoutMs, 20_000);
    assert.equal((await policyOf(timeouts, 'deno', {}, { PROTO_PLUGIN_TIMEOUT: '7' })).timeoutMs, 7_000);
    assert.equal((await policyOf(timeouts, 'deno')).timeoutMs, 40_000);
    assert.equal((await policyOf('', 'deno')).timeoutMs, 90_000);
  });

  it('every bound is clamped to 1 s..300 s with one warning naming its source', async () => {
    const low = await policyOf('', 'node', { callTimeoutMs: 10 });
    assert.equal(low.timeoutMs, 1_000);
    assert.deepEqual(low.warnings, ['[WARN  plugin] The call bound of plugin "node" (callTimeoutMs = 10 in its manifest) is outside 1 s..300 s; using 1 s.']);
    const high = await policyOf('[settings.plugin-timeouts]\ndefault = 3600\n', 'node');
    assert.equal(high.timeoutMs, 300_000);
    assert.match(high.warnings.join('\n'), /\(\[settings\.plugin-timeouts\] default = 3600\) is outside 1 s\.\.300 s; using 300 s/);
    const inside = await policyOf('', 'node', { callTimeoutMs: 300_000 });
    assert.deepEqual([inside.timeoutMs, inside.warnings], [300_000, []]);
  });

  it('permissions: the manifest together with [tools.<id>] permissions; neither = unrestricted', async () => {
    assert.equal((await policyOf('', 'node')).permissions, undefined);
    assert.deepEqual((await policyOf('', 'node', { permissions: ['exec:git'] })).permissions, ['exec:git']);
    assert.deepEqual((await policyOf('[tools.node]\npermissions = ["net:nodejs.org"]\n', 'node', { permissions: ['exec:git'] })).permissions, ['exec:git', 'net:nodejs.org']);
    assert.deepEqual((await policyOf('[tools.node]\npermissions = []\n', 'node')).permissions, []);
  });
});
