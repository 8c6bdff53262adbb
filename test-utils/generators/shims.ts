/**
 * `generateShimsTest(id, bins, options)` — proto's `generate_shims_test!` (`creates_shims`):
 * the shims of the executables `locate_executables` returns for the default version (`latest`,
 * nothing installed) are created as `.proto/shims/<bin>`, and `.proto/shims/registry.json`
 * matches its JSON snapshot.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createShims, registryPath, shimPath } from 'proto-ts/link';
import { defineGeneratedSuite, type PluginSuiteOptions } from './suite.js';

/** `bins` defaults to `[id]`. */
export function generateShimsTest(id: string, bins: readonly string[] | undefined, options: PluginSuiteOptions): void {
  const expected = bins && bins.length > 0 ? bins : [id];
  defineGeneratedSuite(id, options, (suite) => {
    suite.test('creates_shims', async ({ load, snapshot }) => {
      const { tool, store } = await load();
      const created = await createShims(store, id, await tool.locate('latest'));
      const missing = expected.filter((bin) => !existsSync(shimPath(store, bin)));
      if (missing.length > 0) {
        assert.fail(`shims not created: ${missing.join(', ')}; locate_executables gave shims for: ${created.created.join(', ') || 'nothing'}`);
      }
      snapshot(JSON.parse(readFileSync(registryPath(store), 'utf8')));
    });
  });
}
