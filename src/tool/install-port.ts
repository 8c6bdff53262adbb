/**
 * Binds a loaded plugin to the install pipeline's port: real host paths in, virtual paths and
 * full contexts out (plugin-api §4.3, §5.5). The pipeline stays free of WASM; the plugin sees the
 * product dir and temp dir of the version being installed.
 */
import type { ToolPlugin } from '../host/index.js';
import type { InstallPluginPort } from '../install/index.js';
import type { Inventory, Store } from '../store/index.js';

/**
 * `primaryExecutable` is the tool's answer to "what would `proto run` run" (Tool.primaryExecutable);
 * with it, the pipeline checks that file exists before it reports an install.
 */
export function createInstallPort(
  plugin: ToolPlugin,
  store: Store,
  inventory: Inventory = store.inventory(plugin.id),
  primaryExecutable?: (version: string) => Promise<string | undefined>,
): InstallPluginPort {
  const contextFor = (version: string) =>
    plugin.context({ version, toolDir: inventory.productDir(version), tempDir: store.toolTempDir(plugin.id) });
  return {
    id: plugin.id,
    has: (fn) => plugin.has(fn),
    downloadPrebuilt: (version, installDir) =>
      plugin.downloadPrebuilt({ context: contextFor(version), install_dir: plugin.toWire(installDir) }),
    verifyChecksum: ({ version, checksumFile, downloadFile, downloadChecksum }) =>
      plugin.verifyChecksum({
        context: contextFor(version),
        checksum_file: plugin.toWire(checksumFile),
        download_file: plugin.toWire(downloadFile),
        ...(downloadChecksum === undefined ? {} : { download_checksum: downloadChecksum }),
      }),
    unpackArchive: ({ version, inputFile, outputDir }) =>
      plugin.unpackArchive({ context: contextFor(version), input_file: plugin.toWire(inputFile), output_dir: plugin.toWire(outputDir) }),
    nativeInstall: ({ version, installDir, force }) =>
      plugin.nativeInstall({ context: contextFor(version), force, install_dir: plugin.toWire(installDir) }),
    nativeUninstall: ({ version, uninstallDir }) =>
      plugin.nativeUninstall({ context: contextFor(version), uninstall_dir: plugin.toWire(uninstallDir) }),
    ...(primaryExecutable ? { primaryExecutable } : {}),
  };
}
