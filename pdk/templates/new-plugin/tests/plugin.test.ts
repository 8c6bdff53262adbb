// Tests of the __ID__ plugin, run by `npm test` after `npm run build`.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  createPlugin,
  generateDownloadInstallTests,
  generateResolveVersionsTests,
  generateShimsTest,
  type PluginSuiteOptions,
} from '@proto-ts/test-utils';

const ID = '__ID__';
const wasm = fileURLToPath(new URL('../build/__ID__.wasm', import.meta.url));

describe('the __ID__ plugin', () => {
  it('registers the tool', async () => {
    const plugin = await createPlugin(ID, { wasm });
    try {
      const output = await plugin.registerTool();
      assert.equal(output.name, '__NAME__');
      assert.equal(output.type, 'command-line');
    } finally {
      await plugin.close();
    }
  });

  // Delete a line here when you implement its function.
  it('says which functions are still stubs', async () => {
    const plugin = await createPlugin(ID, { wasm });
    try {
      await assert.rejects(plugin.loadVersions(), /load_versions is not implemented yet/);
      await assert.rejects(plugin.downloadPrebuilt(), /download_prebuilt is not implemented yet/);
      await assert.rejects(plugin.locateExecutables(), /locate_executables is not implemented yet/);
    } finally {
      await plugin.close();
    }
  });
});

// The standard suites of proto's test macros (resolves_latest_alias, installs_tool,
// creates_shims, ...). They are skipped while the functions they need are stubs: once
// load_versions, download_prebuilt and locate_executables work, remove `skip`, and point the
// plugin at a local copy of your releases (`startDistServer` and `urlRewritesFor`).
const options: PluginSuiteOptions = {
  wasm,
  skip: 'load_versions, download_prebuilt and locate_executables are stubs in src/plugin.ts',
};
generateResolveVersionsTests(ID, {}, options);
generateDownloadInstallTests(ID, 'latest', options);
generateShimsTest(ID, [ID], options);
