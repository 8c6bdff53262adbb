/**
 * What "the tool is installed" means for the generated install tests (proto's
 * `check_install_success!`): the product dir (`.proto/tools/<id>/<version>`, or where the plugin's inventory_options put it) exists, the primary
 * executable the plugin locates is there and can be run (unless a parent exe runs it), and every
 * shim and bin it asks for was created.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutableFile } from 'proto-ts/install';
import { versionBuckets } from 'proto-ts/link';
import type { PluginTestWrapper } from '../plugin-wrapper.js';

export async function installAndCheck(plugin: PluginTestWrapper, version: string): Promise<void> {
  const { tool, store, id } = plugin;
  try {
    await tool.install(version);
  } catch (error) {
    throw new assert.AssertionError({ message: `installing ${id} ${version} failed: ${(error as Error).message}` });
  }
  const productDir = tool.productDir(version);
  assert.ok(isDirectory(productDir), `the product dir ${productDir} does not exist`);

  // Located as `proto run` and shims locate it (update_perms applied), then it must be runnable:
  // a script written through WASI is not, unless the plugin asks for update_perms.
  const primary = (await tool.executable(version))!;
  assert.ok(existsSync(primary.path), `the primary executable ${primary.path} does not exist (check exe_path in locate_executables)`);
  if (!primary.config.parent_exe_name) {
    assert.ok(
      isExecutableFile(primary.path),
      `the primary executable ${primary.path} is not executable (a file written through WASI needs update_perms: true in locate_executables)`,
    );
  }

  const located = await tool.locate(version);
  for (const [name, config] of Object.entries(located.exes)) {
    const exe = config.exe_path ?? config.exe_link_path;
    if (exe) assert.ok(existsSync(join(productDir, exe)), `executable "${name}" is located at ${exe}, which is not in the installed files`);
    if (!config.no_shim) {
      const shim = join(store.shimsDir, name);
      assert.ok(existsSync(shim), `shim ${shim} was not created`);
    }
    if (!config.no_bin && exe) {
      // The bin links the host makes for this version's buckets: <name>, <name>-<major>, ...
      for (const suffix of versionBuckets([version]).keys()) {
        const bin = join(store.binDir, name + suffix);
        assert.ok(existsSync(bin), `bin ${bin} was not created (or points at a missing file)`);
      }
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
