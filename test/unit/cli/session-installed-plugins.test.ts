/**
 * Session.installedPlugins: the installed plugins are read once per session, and the hook plugins
 * (and `proto plugin list`) come from that one read, not from a second listing of the store.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Session } from '../../../src/cli/session.js';
import { Store } from '../../../src/store/index.js';
import { createSandbox } from '../../../test-utils/index.js';

describe('Session.installedPlugins', () => {
  const sandbox = createSandbox();
  after(() => sandbox.cleanup());

  /** What `proto plugin install` leaves: install.json and the plugin file. */
  function installByHand(store: Store, name: string, kind: 'tool' | 'hook'): string {
    const dir = store.installedPluginDir(name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugin.wasm'), '');
    const record = { name, version: '1.0.0', kind, tools: kind === 'tool' ? [name] : [], license: 'MIT', sha256: '0'.repeat(64), packageUrl: 'x', origin: 'test', installedAt: '2026-01-01T00:00:00Z' };
    writeFileSync(join(dir, 'install.json'), JSON.stringify(record));
    return dir;
  }

  it('reads the store once; the hook plugins come from that read', async () => {
    const store = new Store({ env: sandbox.env });
    installByHand(store, 'mytool', 'tool');
    const auditDir = installByHand(store, 'audit', 'hook');
    const session = await Session.open({ cwd: sandbox.cwd, env: sandbox.env });
    try {
      const first = session.installedPlugins;
      assert.deepEqual(first.map((plugin) => `${plugin.name}:${plugin.kind}`), ['audit:hook', 'mytool:tool']);
      // Gone from disk after the read: a second listing would not find it, the session's read does.
      rmSync(auditDir, { recursive: true });
      assert.equal(session.installedPlugins, first);
      assert.deepEqual(session.hooks.inCallOrder.map((source) => source.id), ['audit']);
    } finally {
      await session.close();
    }
  });
});
