/**
 * `generateDownloadInstallTests(id, spec, options)` — proto's `generate_download_install_tests!`:
 *
 * - `installs_tool`: resolve `spec`, install it (download, verify, unpack, shims, bins), then the
 *   install checks (see install-checks.ts).
 * - `downloads_prebuilt_and_checksum_to_temp`: `download_prebuilt`'s download lands in the
 *   version's temp dir, its checksum is fetched (kept in memory; written to the temp dir for a
 *   plugin's `verify_checksum`), and the download verifies against it.
 * - `doesnt_install_if_already_installed` (skipped for `canary`): with the version recorded in
 *   manifest.json and its product dir present, installing does nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { downloadArtifacts, installTool, verifyDownload } from 'proto-ts/install';
import { createInstallPort, resolveToolVersion } from 'proto-ts/tool';
import { installAndCheck } from './install-checks.js';
import { defineGeneratedSuite, type GeneratedSuite, type PluginSuiteOptions } from './suite.js';

export function generateDownloadInstallTests(id: string, spec: string, options: PluginSuiteOptions): void {
  defineGeneratedSuite(id, options, (suite) => {
    registerInstallsTool(suite, spec);

    suite.test('downloads_prebuilt_and_checksum_to_temp', async ({ load }) => {
      const plugin = await load();
      const { store, tool } = plugin;
      const version = await resolveToolVersion(tool, spec);
      const port = createInstallPort(tool.plugin, store, tool.inventory);
      const tempDir = store.versionTempDir(id, version);
      mkdirSync(tempDir, { recursive: true });

      const prebuilt = await port.downloadPrebuilt(version, tool.productDir(version));
      const artifacts = await downloadArtifacts({ plugin: port, prebuilt, stagingDir: tempDir, settings: tool.settings });
      assert.equal(dirname(artifacts.downloadFile), tempDir, 'the download is not in the temp dir');
      assert.ok(existsSync(artifacts.downloadFile), `${artifacts.downloadFile} was not downloaded`);
      // The download, and the checksum file when the plugin's own verify_checksum reads it (else it stays in memory).
      for (const file of artifacts.tempFiles) assert.ok(existsSync(file), `${file} was not written`);
      if (artifacts.checksum.kind === 'file') {
        assert.equal(dirname(artifacts.checksum.path), tempDir, 'the checksum file is not in the temp dir');
        // An inline minisign checksum is a key without a signature; anything else holds a checksum.
        const inlineMinisign = !prebuilt.checksum_url && artifacts.checksum.algorithm === 'minisign';
        if (!inlineMinisign) assert.ok(artifacts.checksum.content.trim() !== '', `the checksum ${artifacts.checksum.name} is empty`);
      }
      await verifyDownload({ plugin: port, version, artifacts });
    });

    suite.test(
      'doesnt_install_if_already_installed',
      async ({ load }) => {
        const plugin = await load();
        const { store, tool } = plugin;
        const version = await resolveToolVersion(tool, spec);
        mkdirSync(tool.productDir(version), { recursive: true });
        await tool.inventory.updateManifest((manifest) => {
          manifest.installed_versions.push(version);
        });
        const result = await installTool({
          store,
          plugin: createInstallPort(tool.plugin, store, tool.inventory),
          inventory: tool.inventory,
          version,
          settings: tool.settings,
        });
        assert.equal(result.installed, false, `${id} ${version} was installed again`);
      },
      { skip: spec === 'canary' && 'a canary build is never "already installed"' },
    );
  });
}

/** `installs_tool`, shared with `generateNativeInstallTests`. */
export function registerInstallsTool(suite: GeneratedSuite, spec: string): void {
  suite.test('installs_tool', async ({ load }) => {
    const plugin = await load();
    const version = await resolveToolVersion(plugin.tool, spec);
    await installAndCheck(plugin, version);
  });
}
